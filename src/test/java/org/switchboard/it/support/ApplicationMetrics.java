package org.switchboard.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The hub's MicroProfile metrics as Payara serves them (Prometheus text, application scope). */
public final class ApplicationMetrics {

    private ApplicationMetrics() {
    }

    public static String text(URL base) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + base.getHost() + ":" + base.getPort() + "/metrics?scope=application");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
