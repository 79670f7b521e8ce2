package org.switchboard.ingress;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.switchboard.protocol.ErrorCode;
import org.switchboard.security.Identity;

/**
 * Publishing over HTTP: one message to a channel, or a batch, answered once the hub acknowledged
 * each (docs/protocol.md "REST publish"). The request thread is not held while the hub numbers and
 * stores: the response completes from the bus's acknowledgement.
 */
@Path("")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
public class PublishResource {

    /** How publications from this API are marked in {@code from.connection}. */
    static final String VIA = "rest";
    static final int BATCH_MAX = 100;

    @Inject
    BackendPublisher publisher;
    @Inject
    ApiCallers callers;

    @POST
    @Path("channels/{channel}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish one message",
            description = "Body: {\"data\": <any JSON>, \"key\": \"<optional idempotency key>\"}. Answers the message's "
                    + "position once it is stored (channels with history) and on its way to every member.")
    @APIResponse(responseCode = "200", description = "{\"ok\":true,\"epoch\":…,\"seq\":…} (\"duplicate\":true for a repeated key)")
    @APIResponse(responseCode = "400", description = "malformed_json, missing_field, invalid_channel, invalid_field")
    @APIResponse(responseCode = "401", description = "no or invalid credentials")
    @APIResponse(responseCode = "403", description = "forbidden by a channel rule")
    @APIResponse(responseCode = "413", description = "too_big: data over switchboard.limits.max-message-bytes")
    @APIResponse(responseCode = "503", description = "unavailable: not published; retry with the same key (Retry-After)")
    public CompletionStage<Response> publish(@Context HttpServletRequest request,
                                             @PathParam("channel") String channel,
                                             @Parameter(description = "idempotency key (1-128 characters); a body 'key' wins")
                                             @HeaderParam("Idempotency-Key") String headerKey,
                                             String body) {
        return handle(request, body, (identity, object) ->
                publisher.publish(identity, VIA, publication(channel, object, headerKey)).thenApply(PublishResource::single));
    }

    @POST
    @Path("publish")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a batch, in order",
            description = "Body: {\"messages\": [{\"channel\": \"…\", \"data\": <any JSON>, \"key\": \"…\"}, …]} (at most "
                    + BATCH_MAX + "). Answers 200 with one result per message, in order: {\"ok\":true,\"epoch\",\"seq\"} "
                    + "or {\"ok\":false,\"error\":{\"code\",\"message\"}}. Messages of one batch to one channel keep their order.")
    @APIResponse(responseCode = "200", description = "{\"results\": [...]} in the order of the messages")
    @APIResponse(responseCode = "400", description = "malformed_json or missing_field (the batch itself)")
    @APIResponse(responseCode = "401", description = "no or invalid credentials")
    public CompletionStage<Response> publishBatch(@Context HttpServletRequest request, String body) {
        return handle(request, body, (identity, object) -> {
            if (!(object.get("messages") instanceof JsonArray messages) || messages.isEmpty() || messages.size() > BATCH_MAX) {
                return CompletableFuture.completedFuture(error(ApiError.of(ErrorCode.MISSING_FIELD,
                        "'messages' must be an array of 1-" + BATCH_MAX + " publications")));
            }
            return publishAll(identity, messages);
        });
    }

    /** Identifies the caller and reads the body, answering 401 or 400 itself when it cannot. */
    private CompletionStage<Response> handle(HttpServletRequest request, String body,
                                             BiFunction<Identity, JsonObject, CompletionStage<Response>> action) {
        ApiCallers.Caller caller = callers.identify(request);
        if (caller instanceof ApiCallers.Unknown unknown) {
            return CompletableFuture.completedFuture(unauthorized(unknown.reason()));
        }
        Identity identity = ((ApiCallers.Known) caller).identity();
        JsonObject object;
        try {
            object = parseObject(body);
        } catch (JsonException | IllegalStateException e) {
            return CompletableFuture.completedFuture(error(ApiError.of(ErrorCode.MALFORMED_JSON, "the body must be one JSON object")));
        }
        return action.apply(identity, object);
    }

    private CompletionStage<Response> publishAll(Identity identity, JsonArray messages) {
        List<CompletableFuture<PublishOutcome>> outcomes = new ArrayList<>(messages.size());
        for (JsonValue message : messages) {
            CompletionStage<PublishOutcome> outcome = message instanceof JsonObject object
                    ? publisher.publish(identity, VIA, publication(stringField(object, "channel"), object, null))
                    : CompletableFuture.completedFuture(new PublishOutcome.Refused(
                            ApiError.of(ErrorCode.MISSING_FIELD, "each publication must be a JSON object")));
            outcomes.add(outcome.toCompletableFuture());
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            JsonArrayBuilder results = Json.createArrayBuilder();
            outcomes.forEach(o -> results.add(result(o.join())));
            return Response.ok(Json.createObjectBuilder().add("results", results).build().toString()).build();
        });
    }

    private static JsonObject parseObject(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            return reader.readObject();
        }
    }

    private static Publication publication(String channel, JsonObject object, String headerKey) {
        JsonValue data = object.get("data");
        String key = object.containsKey("key") ? stringField(object, "key") : headerKey;
        if (object.containsKey("key") && key == null) {
            key = ""; // a key that is not a string is refused as invalid, not ignored
        }
        return new Publication(channel, data == null ? null : data.toString(), key);
    }

    private static String stringField(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Response single(PublishOutcome outcome) {
        if (outcome instanceof PublishOutcome.Refused refused) {
            return error(refused.error());
        }
        return Response.ok(result(outcome).toString()).build();
    }

    private static JsonObject result(PublishOutcome outcome) {
        if (outcome instanceof PublishOutcome.Published published) {
            JsonObjectBuilder ok = Json.createObjectBuilder().add("ok", true)
                    .add("epoch", published.epoch()).add("seq", published.seq());
            if (published.duplicate()) {
                ok.add("duplicate", true);
            }
            return ok.build();
        }
        ApiError error = ((PublishOutcome.Refused) outcome).error();
        return Json.createObjectBuilder().add("ok", false).add("error",
                Json.createObjectBuilder().add("code", error.code()).add("message", error.message())).build();
    }

    private static Response error(ApiError error) {
        Response.ResponseBuilder response = Response.status(error.status())
                .entity(result(new PublishOutcome.Refused(error)).toString());
        if (error.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return response.build();
    }

    private static Response unauthorized(String reason) {
        return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, ApiCallers.CHALLENGE)
                .entity(result(new PublishOutcome.Refused(ApiError.unauthorized(reason))).toString()).build();
    }
}
