package org.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import org.junit.jupiter.api.Test;
import org.switchboard.it.support.HubClient;
import org.switchboard.it.support.RawWebSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.switchboard.it.support.HubClient.isOk;

/**
 * Random, mutated and boundary input against the real hub, a bounded number of cases from a
 * printed seed (replay one run with {@code -Dfuzz.seed=<seed>}, more cases with
 * {@code -Dfuzz.cases=<n>}). Each case is sent on a raw connection of its own and followed by a
 * {@code ping} request; within a deadline the connection must either answer that ping — every
 * text frame before it being a JSON envelope — or close with a documented code (docs/protocol.md,
 * "Bad input"). A bare end of the connection, silence, or an undocumented code fails the case.
 * Every 25 cases and at the end a canary pair must still exchange a message, and the member must
 * be ready.
 */
@HubDeployment(config = {"switchboard.limits.max-message-bytes=65536", "switchboard.limits.frame-timeout-ms=1500",
        "switchboard.heartbeat.timeout-ms=600000", "switchboard.history.channels=*=live"})
class FuzzIT extends DeployedHub {

    private static final int LIMIT = 65536;
    /** Close codes the hub documents for bad input, besides echoing the client's own close frame. */
    private static final Set<Integer> DOCUMENTED = Set.of(1002, 1007, 1009, 4004);
    private static final Set<String> ENVELOPES = Set.of("reply", "pong", "message", "join", "leave", "presence",
            "history", "expiring");

    private static final List<String> TEMPLATES = List.of(
            "{\"type\":\"ping\",\"id\":\"a\"}",
            "{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"fuzz\"}",
            "{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"fuzz\",\"since\":{\"epoch\":1,\"seq\":2}}",
            "{\"type\":\"unsubscribe\",\"id\":\"u\",\"channel\":\"fuzz\"}",
            "{\"type\":\"publish\",\"id\":\"p\",\"channel\":\"fuzz\",\"data\":{\"text\":\"hi\",\"n\":[1,2.5,true,null]}}",
            "{\"type\":\"publish\",\"id\":\"k\",\"channel\":\"fuzz\",\"key\":\"k-1\",\"data\":\"x\"}",
            "{\"type\":\"presence\",\"id\":\"r\",\"channel\":\"fuzz\"}",
            "{\"type\":\"history\",\"id\":\"h\",\"channel\":\"fuzz\",\"limit\":5,\"before\":{\"epoch\":0,\"seq\":9}}",
            "{\"type\":\"refresh\",\"id\":\"t\",\"token\":\"not-a-token\"}");

    private record Case(String kind, byte[] bytes) {
    }

    @Test
    void everyInputGetsADocumentedAnswerAndTheHubStaysHealthy() throws Exception {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        int cases = Integer.getInteger("fuzz.cases", 300);
        System.out.println("FuzzIT seed=" + seed + " cases=" + cases + " (replay: -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        String canaryChannel = "canary-" + UUID.randomUUID();
        try (HubClient canaryA = HubClient.connect(base, "canary-a");
             HubClient canaryB = HubClient.connect(base, "canary-b")) {
            canaryB.subscribe(canaryChannel);
            for (int n = 0; n < cases; n++) {
                Case input = generate(random);
                try {
                    check(input, n);
                } catch (AssertionError | IOException e) {
                    throw new AssertionError("case " + n + " (" + input.kind() + ", " + input.bytes().length
                            + " bytes) failed; seed " + seed + ": " + e.getMessage(), e);
                }
                if (n % 25 == 24 || n == cases - 1) {
                    String word = "w" + n;
                    assertThat(isOk(canaryA.call("publish", canaryChannel, Json.createObjectBuilder().add("w", word).build())))
                            .as("canary publish after case %d (seed %d)", n, seed).isTrue();
                    canaryB.await(e -> "message".equals(e.getString("type")) && e.getJsonObject("data").toString().contains(word));
                }
            }
            assertThat(canaryA.isClosed() || canaryB.isClosed()).isFalse();
        }
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(org.switchboard.it.support.ServerLog.sinceDeployment()).as("no warnings from Tyrus or the endpoint: bad input does not flood the log")
                .doesNotContainPattern("\\[(WARNING|SEVERE)\\] \\[[^\\]]*\\] \\[(org\\.glassfish\\.tyrus|org\\.switchboard\\.endpoint)");
    }

    /** Sends the case and a ping request behind it; passes on the ping's answer or a documented close. */
    private void check(Case input, int n) throws IOException {
        String probeId = "probe-" + n;
        try (RawWebSocket socket = RawWebSocket.connect(HubClient.endpoint(base, "fuzz"), 65536)) {
            socket.setReadTimeout(15_000);
            assertThat(socket.readDataFrame().text()).contains("\"welcome\"");
            socket.sendRaw(input.bytes());
            try {
                socket.sendRaw(RawWebSocket.frame(0x1, ("{\"type\":\"ping\",\"id\":\"" + probeId + "\"}").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException closedAlready) {
                // the hub may have closed before the probe: the close frame is still to be read
            }
            Integer clientClose = clientCloseCode(input.bytes());
            while (true) {
                RawWebSocket.Frame frame;
                try {
                    frame = socket.readFrame();
                } catch (java.net.SocketTimeoutException silent) {
                    fail("no answer within 15 s");
                    return;
                } catch (java.io.EOFException | java.net.SocketException ended) {
                    fail("the connection ended without a close frame");
                    return;
                }
                switch (frame.opcode()) {
                    case RawWebSocket.CLOSE -> {
                        int code = frame.closeCode();
                        if (!DOCUMENTED.contains(code) && (clientClose == null || code != clientClose)) {
                            fail("closed with undocumented code " + code + " (" + frame.reason() + ")");
                        }
                        return;
                    }
                    case RawWebSocket.TEXT -> {
                        for (String line : frame.text().split("\n")) {
                            JsonObject envelope = envelope(line);
                            if ("pong".equals(envelope.getString("type", "")) && probeId.equals(envelope.getString("id", ""))) {
                                return;
                            }
                        }
                    }
                    default -> {
                        // pings and pongs from the hub
                    }
                }
            }
        }
    }

    private static JsonObject envelope(String text) {
        try {
            JsonObject envelope = Json.createReader(new StringReader(text)).readObject();
            assertThat(ENVELOPES).as("envelope type of %s", text).contains(envelope.getString("type", "?"));
            return envelope;
        } catch (JsonParsingException | ClassCastException e) {
            throw new AssertionError("the hub sent a frame that is not a JSON envelope: " + text, e);
        }
    }

    /** The code of a well-formed close frame the case itself sends first, which the hub may echo. */
    private static Integer clientCloseCode(byte[] bytes) {
        for (int i = 0; i + 7 < bytes.length; i++) {
            if ((bytes[i] & 0x0F) == 0x8 && (bytes[i + 1] & 0x80) != 0 && (bytes[i + 1] & 0x7F) >= 2 && (bytes[i + 1] & 0x7F) < 126) {
                int code = ((bytes[i + 6] ^ bytes[i + 2]) & 0xFF) << 8 | ((bytes[i + 7] ^ bytes[i + 3]) & 0xFF);
                return code;
            }
        }
        return null;
    }

    private static Case generate(Random random) {
        List<Function<Random, Case>> kinds = List.of(
                FuzzIT::mutatedJson, FuzzIT::mutatedJson, FuzzIT::mutatedJson,
                FuzzIT::sizedNearTheLimit, FuzzIT::nestedNearTheParsersLimit, FuzzIT::invalidUtf8,
                FuzzIT::truncatedUtf8AtFrameEnd, FuzzIT::randomBytes, FuzzIT::protocolViolation, FuzzIT::randomFrames);
        return kinds.get(random.nextInt(kinds.size())).apply(random);
    }

    private static byte[] text(String s) {
        return RawWebSocket.frame(0x1, s.getBytes(StandardCharsets.UTF_8));
    }

    private static Case mutatedJson(Random random) {
        StringBuilder json = new StringBuilder(TEMPLATES.get(random.nextInt(TEMPLATES.size())));
        String alphabet = "{}[]\":,\\ 0123456789.eE-+tfnulx\u00e9\u20ac\ud83d\ude00\u0000\u001f";
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && json.length() > 0; m++) {
            int at = random.nextInt(json.length());
            switch (random.nextInt(6)) {
                case 0 -> json.deleteCharAt(at);
                case 1 -> json.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> json.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 3 -> json.setLength(at);
                case 4 -> json.insert(at, json.substring(at, Math.min(json.length(), at + random.nextInt(20))));
                default -> json.replace(0, json.length(), json.toString()
                        .replace("\"fuzz\"", random.nextBoolean() ? "123" : "\"" + "c".repeat(random.nextInt(300)) + "\"")
                        .replace("\"ping\"", random.nextBoolean() ? "\"PING\"" : "null"));
            }
        }
        return new Case("mutated JSON", text(json.toString()));
    }

    private static Case sizedNearTheLimit(Random random) {
        int size = LIMIT + random.nextInt(5) - 2;
        if (random.nextInt(4) == 0) {
            size = random.nextInt(LIMIT * 2);
        }
        String head = "{\"type\":\"publish\",\"id\":\"big\",\"channel\":\"fuzz\",\"data\":\"";
        String tail = "\"}";
        int pad = Math.max(0, size - head.length() - tail.length());
        return new Case("size " + size, text(head + "y".repeat(pad) + tail));
    }

    private static Case nestedNearTheParsersLimit(Random random) {
        int depth = 995 + random.nextInt(10);
        if (random.nextInt(5) == 0) {
            depth = random.nextInt(30_000);
        }
        boolean objects = random.nextBoolean();
        String open = objects ? "{\"a\":" : "[";
        String close = objects ? "}" : "]";
        return new Case("depth " + depth, text("{\"type\":\"publish\",\"id\":\"deep\",\"channel\":\"fuzz\",\"data\":"
                + open.repeat(depth) + "1" + close.repeat(depth) + "}"));
    }

    private static Case invalidUtf8(Random random) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes("{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8));
        payload.writeBytes(bad[random.nextInt(bad.length)]);
        payload.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return new Case("invalid UTF-8", RawWebSocket.frame(0x1, payload.toByteArray()));
    }

    /** A text message whose first fragment ends inside a character: complete (valid) or never completed (invalid). */
    private static Case truncatedUtf8AtFrameEnd(Random random) {
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
        int cut = 1 + random.nextInt(2);
        byte[] first = concat("{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(euro, cut));
        byte[] rest = concat(java.util.Arrays.copyOfRange(euro, cut, euro.length), "\"}".getBytes(StandardCharsets.UTF_8));
        if (random.nextBoolean()) {
            return new Case("UTF-8 split across fragments", concat(RawWebSocket.frame(0x1, first, true, first.length),
                    RawWebSocket.frame(0x80, rest, true, rest.length)));
        }
        return new Case("UTF-8 cut at the message end", RawWebSocket.frame(0x1, first));
    }

    private static Case randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(random.nextBoolean() ? 16 : 2000)];
        random.nextBytes(bytes);
        return new Case("random bytes", bytes);
    }

    private static Case randomFrames(Random random) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(4);
        for (int f = 0; f < frames; f++) {
            byte[] payload = new byte[random.nextInt(200)];
            random.nextBytes(payload);
            int opcode = new int[]{0x0, 0x1, 0x2, 0x9, 0xA}[random.nextInt(5)];
            boolean fin = random.nextInt(4) != 0;
            stream.writeBytes(RawWebSocket.frame((fin ? 0x80 : 0) | opcode, payload, true, payload.length));
        }
        return new Case("random frames", stream.toByteArray());
    }

    private static Case protocolViolation(Random random) {
        byte[] ping = "{\"type\":\"ping\",\"id\":\"v\"}".getBytes(StandardCharsets.UTF_8);
        List<byte[]> violations = new ArrayList<>(List.of(
                RawWebSocket.frame(0x81, ping, false, ping.length),
                RawWebSocket.frame(0x89, new byte[3], false, 3),
                RawWebSocket.frame(0x81, new byte[0], true, Long.MIN_VALUE + random.nextInt(1000)),
                RawWebSocket.frame(0x80 | (3 + random.nextInt(5)), ping, true, ping.length),
                RawWebSocket.frame(0x80 | (0xB + random.nextInt(5)), new byte[2], true, 2),
                RawWebSocket.frame(0x80 | (0x10 << random.nextInt(3)) | 0x1, ping, true, ping.length),
                RawWebSocket.frame(0x09, new byte[2], true, 2),
                RawWebSocket.frame(0x89, new byte[126], true, 126),
                RawWebSocket.frame(0x80, ping, true, ping.length),
                RawWebSocket.frame(0x81, new byte[0], true, LIMIT + 1 + random.nextInt(1 << 30))));
        return new Case("protocol violation", violations.get(random.nextInt(violations.size())));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
