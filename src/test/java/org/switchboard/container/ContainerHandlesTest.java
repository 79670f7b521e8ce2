package org.switchboard.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

/**
 * Every reflective handle of the container adaptations resolves against the jars of the Payara
 * distribution this build unpacks ({@code payara.version} in the pom, unpacked into
 * {@code target/payara6} at {@code initialize}) — not against separately pinned artifacts. A
 * Payara upgrade that moves or renames one of them fails here, naming the adaptation.
 */
class ContainerHandlesTest {

    private static final Path MODULES = Path.of(System.getProperty("payara.home", "target/payara6"), "glassfish", "modules");

    /** The reflective work of each adaptation, by name. */
    private static Map<String, Executable> resolutions(ClassLoader payara) {
        Map<String, Executable> all = new LinkedHashMap<>();
        all.put(ContainerAdaptations.IDLE_TIMEOUT, () -> TyrusIdleTimeoutBypass.Handles.resolve(payara));
        all.put(ContainerAdaptations.FRAME_WRITER, () -> TyrusFrameWriter.Handles.resolve(payara));
        all.put(ContainerAdaptations.HANDSHAKE_RELEASE, () -> TyrusHandshakeRelease.Handles.resolve(payara));
        all.put(ContainerAdaptations.REQUEST_TRIM, () -> GrizzlyRequestTrim.Handles.resolve(payara));
        all.put(ContainerAdaptations.WRITER_THREADS, () -> GrizzlyWriterThreads.Handles.resolve(payara));
        all.put(ContainerAdaptations.INBOUND_INSPECTION, () -> TyrusInboundInspection.Handles.resolve(payara));
        all.put(ContainerAdaptations.WORKER_BACKLOG, () -> GrizzlyWorkerBacklog.Handles.resolve(payara));
        all.put(ContainerAdaptations.DIRECT_UPGRADE, () -> CatalinaDirectUpgrade.Handles.resolve(payara));
        return all;
    }

    @Test
    void everyReflectiveHandleResolvesAgainstThePayaraDistribution() throws IOException {
        assertThat(MODULES).as("Payara unpacked by the build").isDirectory();
        try (URLClassLoader payara = new URLClassLoader("payara-modules", jars(MODULES), ClassLoader.getPlatformClassLoader())) {
            List<Executable> checks = new ArrayList<>();
            resolutions(payara).forEach((name, resolve) -> checks.add(() -> {
                try {
                    resolve.execute();
                } catch (Throwable e) {
                    throw new AssertionError("container adaptation '" + name + "' does not resolve against "
                            + MODULES + ": " + e, e);
                }
            }));
            assertAll(checks);
        }
    }

    /**
     * The hub compiles against Tyrus' SPI and its tests against Grizzly's API from Maven Central, at
     * the versions the pom names next to {@code payara.version}; the distribution's jars must be of
     * those versions, and the tests must be running on the distribution's jars (surefire swaps them in).
     */
    @Test
    void theTyrusAndGrizzlyTheBuildUsesAreTheOnesInsidePayara() throws Exception {
        assertThat(manifestVersion(MODULES.resolve("tyrus-spi.jar"), "Bundle-Version"))
                .as("tyrus-spi inside Payara; set payara.tyrus.version in the pom to its upstream version")
                .startsWith(System.getProperty("payara.tyrus.version", "?") + ".");
        assertThat(manifestVersion(MODULES.resolve("nucleus-grizzly-all.jar"), "Export-Package"))
                .as("Grizzly inside Payara; set payara.grizzly.version in the pom to its upstream version")
                .contains("org.glassfish.grizzly;version=\"" + System.getProperty("payara.grizzly.version", "?") + ".");
        for (String type : new String[]{"org.glassfish.tyrus.spi.Writer", "org.glassfish.grizzly.http.util.MimeHeaders"}) {
            assertThat(Class.forName(type).getProtectionDomain().getCodeSource().getLocation().getPath())
                    .as(type + " on the test class path").contains("/glassfish/modules/");
        }
    }

    private static String manifestVersion(Path jar, String attribute) throws IOException {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            return String.valueOf(file.getManifest().getMainAttributes().getValue(attribute));
        }
    }

    @Test
    void everyAdaptationIsCoveredHereOrNeedsNoReflection() {
        List<String> reflective = new ArrayList<>(resolutions(getClass().getClassLoader()).keySet());
        List<String> apiOnly = List.of(ContainerAdaptations.DIRECT_BEANS, ContainerAdaptations.SHARED_ENDPOINT);
        assertThat(Stream.concat(reflective.stream(), apiOnly.stream()).toList())
                .containsExactlyInAnyOrderElementsOf(ContainerAdaptations.NAMES);
    }

    @Test
    void withoutTheContainersClassesEveryReflectiveAdaptationFallsBackAndSaysWhy() {
        ClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        resolutions(empty).forEach((name, resolve) -> {
            try {
                resolve.execute();
                throw new AssertionError(name + " resolved without the container's classes");
            } catch (ReflectiveOperationException | LinkageError e) {
                // the fallback path: ContainerAdaptations reports this as "fallback: internals not as expected"
            } catch (Throwable e) {
                throw new AssertionError(name + " failed with an unexpected " + e, e);
            }
        });
    }

    @Test
    void theReportNamesEveryAdaptationOnceWithAState() {
        ContainerAdaptations adaptations = new ContainerAdaptations();
        List<AdaptationStatus> report = adaptations.start(null, Thread::new);
        try {
            assertThat(report).extracting(AdaptationStatus::name).containsExactlyElementsOf(ContainerAdaptations.NAMES);
            // outside Payara Tyrus' core is missing: those fall back, with the reason, and the plain APIs are used
            assertThat(report).filteredOn(s -> s.name().equals(ContainerAdaptations.FRAME_WRITER)).singleElement()
                    .satisfies(s -> {
                        assertThat(s.state()).isEqualTo(AdaptationStatus.State.FALLBACK);
                        assertThat(s.describe()).startsWith("fallback: internals not as expected");
                    });
            assertThat(adaptations.frameWriters()).isSameAs(FrameWriters.SESSION_API);
            assertThat(adaptations.handshakeRelease()).isSameAs(HandshakeRelease.NONE);
            assertThat(adaptations.idleTimeouts()).isSameAs(IdleTimeouts.NONE);
        } finally {
            adaptations.stop();
        }
    }

    @Test
    void theSwitchTurnsOffNamedAdaptationsOrAll() {
        assertThat(AdaptationSwitch.isOff("tyrus-frame-writer", "tyrus-frame-writer, grizzly-request-trim")).isTrue();
        assertThat(AdaptationSwitch.isOff("tyrus-idle-timeout", "tyrus-frame-writer")).isFalse();
        assertThat(AdaptationSwitch.isOff("weld-direct-beans", " ALL ")).isTrue();
        assertThat(AdaptationSwitch.isOff("weld-direct-beans", "")).isFalse();
        assertThat(AdaptationStatus.off("x").describe()).isEqualTo("off: " + AdaptationSwitch.KEY);
    }

    private static URL[] jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).map(p -> {
                try {
                    return p.toUri().toURL();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toArray(URL[]::new);
        }
    }
}
