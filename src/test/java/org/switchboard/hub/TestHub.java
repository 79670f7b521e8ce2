package org.switchboard.hub;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import org.switchboard.admin.HubMetrics;
import org.switchboard.bus.InMemoryMessageBus;
import org.switchboard.bus.MessageBus;
import org.switchboard.bus.PublishLedger;
import org.switchboard.channel.SubscriptionIndex;
import org.switchboard.channel.TestChannels;
import org.switchboard.config.HubSettings;
import org.switchboard.history.ChannelNumbering;
import org.switchboard.history.HistoryService;
import org.switchboard.history.JdbcHistoryStore;
import org.switchboard.history.TestHistory;
import org.switchboard.connection.Connection;
import org.switchboard.connection.FrameSink;
import org.switchboard.connection.HubExecutors;
import org.switchboard.presence.LocalPresenceRegistry;
import org.switchboard.protocol.InboundDecoder;
import org.switchboard.protocol.TextFrames;
import org.switchboard.config.SecuritySettings;
import org.switchboard.security.ChannelAuthorizer;
import org.switchboard.security.ChannelRules;
import org.switchboard.security.Identity;

import java.util.Map;
import java.util.Set;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * The hub's own beans wired by hand around an {@link InMemoryMessageBus}: the same request
 * handling, presence, delivery pipeline and confirmation ledger as on Payara, without a container,
 * broker or socket. Clients are {@link Client}s whose frames are recorded as parsed envelopes.
 */
final class TestHub implements AutoCloseable {

    final HubSettings settings;
    final PublishLedger ledger;
    final MessageBus bus;
    final HubMetrics metrics = new HubMetrics();
    final HubExecutors executors = HubExecutors.started(Executors.defaultThreadFactory());
    final SubscriptionIndex subscriptions = new SubscriptionIndex();
    final LocalPresenceRegistry presence = new LocalPresenceRegistry();
    final ChannelService channels = new ChannelService();
    final RequestHandler requests = new RequestHandler();
    final ConnectionLifecycle lifecycle = new ConnectionLifecycle();
    final DeliveryPipeline pipeline = new DeliveryPipeline();
    final HistoryService history;
    final HistoryRequests historyRequests = new HistoryRequests();
    final JdbcHistoryStore store;
    private final InboundDecoder decoder = new InboundDecoder();
    private final AtomicInteger ids = new AtomicInteger();

    TestHub(HubSettings settings) {
        this(settings, new PublishLedger(settings.publishTimeoutMs()), null);
    }

    /** @param bus null for an {@link InMemoryMessageBus} on {@code ledger} */
    TestHub(HubSettings settings, PublishLedger ledger, MessageBus bus) {
        this(settings, ledger, bus, TestHistory.h2Store());
    }

    TestHub(HubSettings settings, PublishLedger ledger, MessageBus bus, JdbcHistoryStore store) {
        this.settings = settings;
        this.ledger = ledger;
        this.store = store;
        history = TestHistory.service(settings, store);
        this.bus = bus == null ? new InMemoryMessageBus(ledger, new ChannelNumbering(store, history.retention(), "test")) : bus;
        historyRequests.history = history;
        historyRequests.channels = channels;
        historyRequests.settings = settings;
        historyRequests.metrics = metrics;
        historyRequests.pipeline = pipeline;
        channels.settings = settings;
        channels.subscriptions = subscriptions;
        channels.presence = presence;
        channels.bus = this.bus;
        requests.settings = settings;
        requests.channels = channels;
        requests.presence = presence;
        requests.bus = this.bus;
        requests.metrics = metrics;
        requests.history = historyRequests;
        requests.authorizer = ChannelAuthorizer.of(ChannelRules.parse(SecuritySettings.DEFAULT_RULES));
        lifecycle.settings = settings;
        lifecycle.channels = channels;
        lifecycle.executors = executors;
        lifecycle.metrics = metrics;
        pipeline.delivery = TestChannels.delivery(subscriptions, settings);
        pipeline.ledger = ledger;
        pipeline.metrics = metrics;
        pipeline.executors = executors;
        pipeline.history = history;
        pipeline.start();
        this.bus.start(pipeline);
    }

    Client connect(String name) {
        RecordingSink sink = new RecordingSink();
        Connection connection = lifecycle.connect("c" + ids.incrementAndGet(), new Identity(name, name, Set.of("switchboard-user"), Map.of(), null, Identity.Source.TOKEN), sink);
        lifecycle.welcome(connection, "switchboard.v1");
        return new Client(connection, sink);
    }

    @Override
    public void close() {
        bus.stop();
        history.stop();
        executors.stop();
    }

    /** A connected client: sends text frames through the real decoder and request handler. */
    final class Client {
        final Connection connection;
        final RecordingSink sink;

        Client(Connection connection, RecordingSink sink) {
            this.connection = connection;
            this.sink = sink;
        }

        void send(String json) {
            requests.handle(connection, decoder.decode(json));
        }

        void request(String type, String id, String channel, String dataJson) {
            StringBuilder json = new StringBuilder("{\"type\":\"").append(type).append('"');
            if (id != null) {
                json.append(",\"id\":\"").append(id).append('"');
            }
            if (channel != null) {
                json.append(",\"channel\":\"").append(channel).append('"');
            }
            if (dataJson != null) {
                json.append(",\"data\":").append(dataJson);
            }
            send(json.append('}').toString());
        }

        void subscribe(String channel) {
            String id = "s-" + channel;
            request("subscribe", id, channel, null);
            awaitReply(id);
        }

        JsonObject awaitReply(String id) {
            return awaitEnvelope(e -> id.equals(e.getString("id", null)));
        }

        JsonObject awaitEnvelope(Predicate<JsonObject> which) {
            return await().atMost(Duration.ofSeconds(5)).until(() -> sink.envelopes().stream().filter(which).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
        }

        List<JsonObject> ofType(String type) {
            return sink.envelopes().stream().filter(e -> type.equals(e.getString("type"))).toList();
        }

        List<JsonObject> awaitOfType(String type, int count) {
            return await().atMost(Duration.ofSeconds(5)).until(() -> ofType(type), l -> l.size() >= count);
        }

        void disconnect() {
            lifecycle.closed(connection);
        }
    }

    /** Completes every write at once and keeps every envelope it was handed, in order. */
    static final class RecordingSink implements FrameSink {
        private final List<JsonObject> envelopes = new ArrayList<>();
        volatile CloseReason closed;

        @Override
        public void sendAsync(byte[] frame, Completion done) {
            String payload = TextFrames.payloadText(frame);
            synchronized (this) {
                for (String envelope : payload.split("\n")) {
                    envelopes.add(Json.createReader(new StringReader(envelope)).readObject());
                }
            }
            done.written(null);
        }

        synchronized List<JsonObject> envelopes() {
            return List.copyOf(envelopes);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(CloseReason reason) {
            closed = reason;
        }

        @Override
        public void closeNow(CloseReason reason) {
            closed = reason;
        }
    }
}
