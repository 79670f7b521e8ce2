package org.switchboard.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.switchboard.example.DeadLetters;
import org.switchboard.example.OrderEvents;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JMS-ingress example application (examples/jms-publisher) as a WAR, for ITs to deploy next to the hub. */
public final class JmsPublisherExample {

    public static final String NAME = "jms-publisher";

    private JmsPublisherExample() {
    }

    public static Path war() throws IOException {
        Path war = Files.createTempDirectory("example").resolve(NAME + ".war");
        ShrinkWrap.create(WebArchive.class, NAME + ".war").addClasses(OrderEvents.class, DeadLetters.class)
                .addAsWebInfResource(new File("examples/" + NAME + "/src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        return war;
    }
}
