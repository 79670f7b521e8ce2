package org.switchboard.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.switchboard.ingress.ApiCallers;
import org.switchboard.ingress.PublishOutcome;
import org.switchboard.security.Identity;

import java.io.StringReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The admin REST API of one member, for the role {@value #ROLE} only (a JWT group or a container
 * role, as for publishing): what is connected and subscribed here, and the operator's actions.
 * Every action is audited ({@link AuditLog}).
 */
@Path("admin")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operate one member (role switchboard-admin)")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "basic")
public class AdminResource {

    public static final String ROLE = "switchboard-admin";
    private static final int LIST_MAX = 1_000;

    @Inject
    ApiCallers callers;
    @Inject
    HubAdmin admin;

    @GET
    @Path("member")
    @Operation(summary = "This member: connections, channels, counters, bus and drain state")
    @APIResponse(responseCode = "200", description = "{\"member\",\"connections\",\"channels\",\"published\",\"delivered\",\"slowConsumerCloses\",\"busReady\",\"draining\",\"drainWindowMs\"}")
    @APIResponse(responseCode = "401", description = "no or invalid credentials")
    @APIResponse(responseCode = "403", description = "not in the role switchboard-admin")
    public Response member(@Context HttpServletRequest request) {
        return asAdmin(request, who -> Response.ok(Json.createObjectBuilder()
                .add("member", MemberDirectory.instanceName())
                .add("connections", admin.connectionCount())
                .add("channels", admin.channelCount())
                .add("published", admin.published())
                .add("delivered", admin.delivered())
                .add("slowConsumerCloses", admin.slowConsumerCloses())
                .add("busReady", admin.busReady())
                .add("draining", admin.draining())
                .add("drainWindowMs", admin.drainWindowMs())
                .build().toString()).build());
    }

    @GET
    @Path("members")
    @Operation(summary = "Every member of the deployment: name, connections, draining (reported through the data grid)")
    public Response members(@Context HttpServletRequest request) {
        return asAdmin(request, who -> {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (MemberDirectory.MemberView m : admin.members()) {
                list.add(Json.createObjectBuilder().add("member", m.member()).add("connections", m.connections())
                        .add("draining", m.draining()).add("at", m.at()));
            }
            return Response.ok(Json.createObjectBuilder().add("members", list).build().toString()).build();
        });
    }

    @GET
    @Path("connections")
    @Operation(summary = "Connections to this member, oldest first; q matches subject or name")
    public Response connections(@Context HttpServletRequest request, @QueryParam("q") String query,
                                @QueryParam("limit") @DefaultValue("200") int limit) {
        return asAdmin(request, who -> {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (HubAdmin.ConnectionView c : admin.connections(query, Math.min(limit, LIST_MAX))) {
                JsonObjectBuilder item = Json.createObjectBuilder().add("id", c.id())
                        .add("name", c.name()).add("queued", c.queued()).add("openedAt", c.openedAt())
                        .add("channels", Json.createArrayBuilder(c.channels()));
                addIfPresent(item, "subject", c.subject());
                addIfPresent(item, "address", c.address());
                list.add(item);
            }
            return Response.ok(Json.createObjectBuilder().add("connections", list).build().toString()).build();
        });
    }

    @GET
    @Path("channels")
    @Operation(summary = "Channels with subscribers on this member, busiest first: subscribers here and in the "
            + "deployment, and for channels with history the last position and how many messages are kept")
    public Response channels(@Context HttpServletRequest request, @QueryParam("limit") @DefaultValue("200") int limit) {
        return asAdmin(request, who -> {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (HubAdmin.ChannelView c : admin.channels(Math.min(limit, LIST_MAX))) {
                JsonObjectBuilder item = Json.createObjectBuilder().add("channel", c.channel()).add("subscribers", c.subscribers())
                        .add("clusterSubscribers", c.clusterSubscribers());
                if (c.lastSeq() != null) {
                    item.add("epoch", c.epoch()).add("lastSeq", c.lastSeq()).add("stored", c.stored());
                }
                list.add(item);
            }
            return Response.ok(Json.createObjectBuilder().add("channels", list).build().toString()).build();
        });
    }

    @DELETE
    @Path("connections/{id}")
    @Operation(summary = "Disconnect one connection (close code 4005)")
    @APIResponse(responseCode = "204", description = "closed")
    @APIResponse(responseCode = "404", description = "no such connection on this member")
    public Response disconnect(@Context HttpServletRequest request, @PathParam("id") String id) {
        return asAdmin(request, who -> admin.disconnect(who, id) ? Response.noContent().build()
                : error(404, "not_found", "no connection " + id + " on this member"));
    }

    @POST
    @Path("subjects/{subject}/disconnect")
    @Operation(summary = "Disconnect every connection of a subject on this member (close code 4005)")
    @APIResponse(responseCode = "200", description = "{\"closed\": n}")
    public Response disconnectSubject(@Context HttpServletRequest request, @PathParam("subject") String subject) {
        return asAdmin(request, who -> Response.ok(Json.createObjectBuilder()
                .add("closed", admin.disconnectSubject(who, subject)).build().toString()).build());
    }

    @POST
    @Path("channels/{channel}/system-messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a system message to a channel",
            description = "Body: {\"data\": <any JSON>}. Delivered like any publication, marked from.connection = \"system\".")
    @APIResponse(responseCode = "200", description = "{\"ok\":true,\"epoch\",\"seq\"}")
    @APIResponse(responseCode = "400", description = "malformed_json, missing_field, invalid_channel")
    @APIResponse(responseCode = "503", description = "unavailable: not published")
    public CompletionStage<Response> systemMessage(@Context HttpServletRequest request, @PathParam("channel") String channel,
                                                   String body) {
        ApiCallers.Caller caller = callers.identify(request);
        Response refused = refusal(caller);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        JsonValue data;
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            data = reader.readObject().get("data");
        } catch (JsonException | IllegalStateException e) {
            return CompletableFuture.completedFuture(error(400, "malformed_json", "the body must be one JSON object"));
        }
        if (data == null) {
            return CompletableFuture.completedFuture(error(400, "missing_field", "a system message needs 'data' (any JSON value)"));
        }
        String who = ((ApiCallers.Known) caller).identity().subject();
        return admin.systemMessage(who, channel, data.toString()).thenApply(outcome -> {
            if (outcome instanceof PublishOutcome.Published p) {
                return Response.ok(Json.createObjectBuilder().add("ok", true).add("epoch", p.epoch()).add("seq", p.seq())
                        .build().toString()).build();
            }
            var e = ((PublishOutcome.Refused) outcome).error();
            Response.ResponseBuilder response = Response.status(e.status()).entity(errorBody(e.code(), e.message()));
            if (e.status() == 503) {
                response.header(HttpHeaders.RETRY_AFTER, "1");
            }
            return response.build();
        });
    }

    @POST
    @Path("drain")
    @Operation(summary = "Drain this member: refuse handshakes (503), tell clients 1012 spread over switchboard.drain.window-ms")
    @APIResponse(responseCode = "200", description = "{\"told\": n, \"windowMs\": ms}")
    public Response drain(@Context HttpServletRequest request) {
        return asAdmin(request, who -> {
            int told = admin.drain(who);
            return Response.ok(Json.createObjectBuilder().add("told", told)
                    .add("windowMs", admin.drainWindowMs()).build().toString()).build();
        });
    }

    @DELETE
    @Path("drain")
    @Operation(summary = "Accept connections again after a drain")
    @APIResponse(responseCode = "204", description = "accepting")
    public Response undrain(@Context HttpServletRequest request) {
        return asAdmin(request, who -> {
            admin.undrain(who);
            return Response.noContent().build();
        });
    }

    private Response asAdmin(HttpServletRequest request, Function<String, Response> action) {
        ApiCallers.Caller caller = callers.identify(request);
        Response refused = refusal(caller);
        return refused != null ? refused : action.apply(((ApiCallers.Known) caller).identity().subject());
    }

    /** 401 without valid credentials, 403 outside the role; null for an administrator. */
    private static Response refusal(ApiCallers.Caller caller) {
        if (caller instanceof ApiCallers.Unknown unknown) {
            return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, ApiCallers.CHALLENGE)
                    .entity(errorBody("unauthorized", unknown.reason())).build();
        }
        Identity identity = ((ApiCallers.Known) caller).identity();
        if (!identity.groups().contains(ROLE)) {
            return error(403, "forbidden", "the admin API is for the role " + ROLE);
        }
        return null;
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).entity(errorBody(code, message)).build();
    }

    private static String errorBody(String code, String message) {
        return Json.createObjectBuilder().add("ok", false).add("error",
                Json.createObjectBuilder().add("code", code).add("message", message)).build().toString();
    }

    private static void addIfPresent(JsonObjectBuilder builder, String name, String value) {
        if (value != null) {
            builder.add(name, value);
        }
    }
}
