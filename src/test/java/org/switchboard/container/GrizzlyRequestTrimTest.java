package org.switchboard.container;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.CharChunk;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.http.util.Parameters;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the trim does to Grizzly's own objects, and that they stay usable afterwards — on the
 * Grizzly inside the Payara distribution the build unpacks (the test class path takes it from there).
 */
class GrizzlyRequestTrimTest {

    private static final GrizzlyRequestTrim.GrizzlyParts GRIZZLY = grizzly();

    private static GrizzlyRequestTrim.GrizzlyParts grizzly() {
        try {
            return GrizzlyRequestTrim.GrizzlyParts.resolve(GrizzlyRequestTrimTest.class.getClassLoader());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void headersAreEmptiedAndTheirFieldsLetGoButTheListStillTakesHeaders() throws Exception {
        HttpRequestPacket request = HttpRequestPacket.builder().method("GET").uri("/switchboard/ws")
                .protocol("HTTP/1.1").build();
        request.addHeader("Origin", "http://127.0.0.1:8080");
        request.addHeader("Upgrade", "websocket");
        request.addHeader("Connection", "Upgrade");
        request.addHeader("Sec-WebSocket-Protocol", "switchboard.v1");
        MimeHeaders headers = request.getHeaders();
        assertThat(headers.size()).isEqualTo(4);

        GRIZZLY.emptyHeaders(headers);

        assertThat(headers.size()).isZero();
        assertThat(request.getHeader("Origin")).isNull();
        assertThat(((Object[]) field(MimeHeaders.class, "headers").get(headers))).hasSize(1).containsOnlyNulls();
        for (int i = 0; i < 5; i++) {
            request.addHeader("X-After-" + i, "v" + i);
        }
        assertThat(headers.size()).isEqualTo(5);
        assertThat(request.getHeader("X-After-4")).isEqualTo("v4");
    }

    @Test
    void theQueryDecodersScratchBuffersAreDroppedAndADecodeAfterwardsStillWorks() throws Exception {
        Parameters parameters = parse("name=J%C3%BCrgen&x=1");
        assertThat(parameters.getParameter("name")).isEqualTo("Jürgen");
        assertThat(buffer(parameters, "tmpNameC")).isNotNull();
        assertThat(buffer(parameters, "tmpValueC")).isNotNull();

        GRIZZLY.dropScratchBuffers(parameters);

        assertThat(buffer(parameters, "tmpNameC")).isNull();
        assertThat(buffer(parameters, "tmpValueC")).isNull();
        assertThat(parameters.getParameter("name")).isEqualTo("Jürgen");

        parameters.recycle();
        parameters.setQueryStringEncoding(StandardCharsets.UTF_8);
        DataChunk again = DataChunk.newInstance();
        again.setString("name=%C3%A9l%C3%A9onore");
        parameters.setQuery(again);
        parameters.handleQueryParameters();
        assertThat(parameters.getParameter("name")).isEqualTo("éléonore");
    }

    private static Parameters parse(String query) {
        Parameters parameters = new Parameters();
        parameters.setQueryStringEncoding(StandardCharsets.UTF_8);
        DataChunk chunk = DataChunk.newInstance();
        chunk.setString(query);
        parameters.setQuery(chunk);
        parameters.handleQueryParameters();
        return parameters;
    }

    private static char[] buffer(Parameters parameters, String scratch) throws Exception {
        CharChunk chunk = (CharChunk) field(Parameters.class, scratch).get(parameters);
        return (char[]) field(CharChunk.class, "buff").get(chunk);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
