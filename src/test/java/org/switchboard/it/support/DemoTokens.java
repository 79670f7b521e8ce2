package org.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The hub's demo token issuer ({@code POST demo/token}, deployed with
 * {@code switchboard.security.demo-issuer=enabled}) as a test client: signs a realm user in the way the
 * demo page does (form parameters {@code username}, {@code password}) and returns the answer.
 */
public final class DemoTokens {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private DemoTokens() {
    }

    /** The issuer's URL for the hub at {@code base} ({@code http://host:port/switchboard/}). */
    public static URI uri(URL base) {
        String http = base.toExternalForm();
        return URI.create(http + (http.endsWith("/") ? "" : "/") + "demo/token");
    }

    /** Signs in; fails unless the issuer answers 200 with a token. Returns {@code {token, expiresAt, subject, name}}. */
    public static JsonObject signIn(URL base, String username, String password) {
        HttpResponse<String> response = post(base, username, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("demo issuer answered " + response.statusCode() + " for " + username + ": "
                    + response.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            JsonObject answer = reader.readObject();
            if (!answer.containsKey("token")) {
                throw new AssertionError("demo issuer answered without a token: " + response.body());
            }
            return answer;
        }
    }

    /** The raw answer to a sign-in. */
    public static HttpResponse<String> post(URL base, String username, String password) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri(base))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            return HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
