package org.switchboard.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** What a {@link JsonUtf8} body writes, as text, for assertions. */
public final class JsonText {

    private JsonText() {
    }

    public static String of(Consumer<JsonUtf8> body) {
        byte[] bytes = new byte[JsonUtf8.length(body)];
        body.accept(JsonUtf8.into(bytes, 0));
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
