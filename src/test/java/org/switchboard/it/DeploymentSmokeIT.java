package org.switchboard.it;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built WAR deploys into the IT domain and serves its static welcome page; the domain as the
 * server-config scripts make it does not advertise its versions and keeps its admin port closed to
 * requests without the admin password.
 */
class DeploymentSmokeIT extends DeployedHub {

    /** The IT domain's admin port (pom.xml: it.adminPort, set by failsafe). */
    private static final int ADMIN_PORT = Integer.getInteger("switchboard.it.admin-port", 29048);

    @Test
    void indexPageIsServed() throws Exception {
        HttpResponse<String> response = get(URI.create(base + "index.html"));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void responsesNameNoServerVersions() throws Exception {
        for (URI uri : new URI[] {
                URI.create(base + "index.html"),
                base.toURI().resolve("/no-such-page"),
                URI.create("http://127.0.0.1:" + ADMIN_PORT + "/management/domain")}) {
            HttpResponse<String> response = get(uri);
            assertThat(response.headers().firstValue("X-Powered-By")).as("X-Powered-By of %s", uri).isEmpty();
            assertThat(response.headers().firstValue("Server").orElse(""))
                    .as("Server header of %s", uri).doesNotContainPattern("[0-9]").doesNotContainIgnoringCase("payara");
        }
    }

    @Test
    void adminApiRefusesRequestsWithoutCredentials() throws Exception {
        HttpResponse<String> response = get(URI.create("http://127.0.0.1:" + ADMIN_PORT + "/management/domain/applications"));
        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
