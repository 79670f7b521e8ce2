package org.switchboard.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** What a {@link Subscription} needs of its connection: requests, answered on the client's thread. */
interface Requests {

    /** Sends a request; {@code answer} gets the hub's answer or an error ({@code disconnected} when not connected). */
    void call(String type, JsonObjectBuilder fields, BiConsumer<SwitchboardException, JsonObject> answer);

    CompletableFuture<Void> unsubscribe(Subscription subscription);

    void forget(Subscription subscription);
}
