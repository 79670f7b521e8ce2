package org.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonUtf8Test {

    private static byte[] written(java.util.function.Consumer<JsonUtf8> body) {
        int length = JsonUtf8.length(body);
        byte[] bytes = new byte[length + 2];
        JsonUtf8 writer = JsonUtf8.into(bytes, 1);
        body.accept(writer);
        assertThat(writer.position()).isEqualTo(length + 1);
        return java.util.Arrays.copyOfRange(bytes, 1, bytes.length - 1);
    }

    @Test
    void rawTextIsEncodedAsStringGetBytesEncodesIt() {
        for (String text : new String[]{"", "{\"a\":1}", "é ✓ ÿ \u07ff \u0800 \uffff", "\uD83D\uDE00 pair", "lone \uD83D high", "lone \uDE00 low", "end \uD83D"}) {
            assertThat(written(out -> out.raw(text))).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void numbersAreWrittenAsLongToStringWritesThem() {
        for (long n : new long[]{0, 7, 10, 99, 1700000000123L, -1, -42, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(new String(written(out -> out.number(n)), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(n));
        }
    }

    @Test
    void quotedEscapesControlCharactersAsLowercaseUnicodeEscapes() {
        assertThat(JsonText.of(out -> out.quoted("a\u0001\u001fb"))).isEqualTo("\"a\\u0001\\u001fb\"");
        assertThat(JsonText.of(out -> out.quoted("Zoë \uD83D\uDE00"))).isEqualTo("\"Zoë \uD83D\uDE00\"");
    }
}
