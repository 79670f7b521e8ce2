package org.switchboard.protocol;

import java.util.function.Consumer;

/**
 * Writes JSON text as UTF-8 straight into a byte array, or only counts the bytes it would write.
 * The hot path's frames are written twice with the same code — once counting, once into the
 * exact array the socket gets — instead of going StringBuilder → String → UTF-8 bytes → frame,
 * three copies per message. Encodes as {@link String#getBytes} does: an unpaired surrogate
 * becomes {@code ?}.
 */
public final class JsonUtf8 {

    private final byte[] out;
    private int at;

    private JsonUtf8(byte[] out, int at) {
        this.out = out;
        this.at = at;
    }

    /** A writer that only counts. */
    public static JsonUtf8 counter() {
        return new JsonUtf8(null, 0);
    }

    /** A writer into {@code out}, starting at {@code offset}. */
    public static JsonUtf8 into(byte[] out, int offset) {
        return new JsonUtf8(out, offset);
    }

    /** How many bytes {@code body} writes: the first of its two runs. */
    public static int length(Consumer<JsonUtf8> body) {
        JsonUtf8 counter = counter();
        body.accept(counter);
        return counter.position();
    }

    /** Bytes counted, or the next index written. */
    public int position() {
        return at;
    }

    /** Text known to be ASCII and to need no escaping: the frames' own punctuation and names. */
    public JsonUtf8 ascii(String text) {
        if (out != null) {
            for (int i = 0; i < text.length(); i++) {
                out[at + i] = (byte) text.charAt(i);
            }
        }
        at += text.length();
        return this;
    }

    public JsonUtf8 number(long value) {
        if (value < 0) {
            put('-');
            if (value == Long.MIN_VALUE) {
                return ascii("9223372036854775808");
            }
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        if (out != null) {
            for (int i = at + digits - 1; i >= at; i--) {
                out[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
        }
        at += digits;
        return this;
    }

    /** {@code value} as a JSON string: quoted and escaped as RFC 8259 requires (and as JSON-P writes it). */
    public JsonUtf8 quoted(String value) {
        put('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> ascii("\\\"");
                case '\\' -> ascii("\\\\");
                case '\b' -> ascii("\\b");
                case '\f' -> ascii("\\f");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                case '\t' -> ascii("\\t");
                default -> {
                    if (c < 0x20) {
                        ascii("\\u00").put(hex(c >> 4)).put(hex(c & 0xF));
                    } else {
                        i = utf8(value, i);
                    }
                }
            }
        }
        return put('"');
    }

    /** Text that is JSON already (a publisher's {@code data}), copied as it is. */
    public JsonUtf8 raw(String json) {
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                put(c);
            } else {
                i = utf8(json, i);
            }
        }
        return this;
    }

    private JsonUtf8 put(char ascii) {
        if (out != null) {
            out[at] = (byte) ascii;
        }
        at++;
        return this;
    }

    private static char hex(int nibble) {
        return (char) (nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }

    /** Writes the character at {@code i} (a pair, if it starts one); returns the index of its last char. */
    private int utf8(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            put(c);
        } else if (c < 0x800) {
            put2(0xC0 | c >> 6, 0x80 | c & 0x3F);
        } else if (!Character.isSurrogate(c)) {
            put3(0xE0 | c >> 12, 0x80 | c >> 6 & 0x3F, 0x80 | c & 0x3F);
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            put2(0xF0 | cp >> 18, 0x80 | cp >> 12 & 0x3F);
            put2(0x80 | cp >> 6 & 0x3F, 0x80 | cp & 0x3F);
            return i + 1;
        } else {
            put('?');
        }
        return i;
    }

    private void put2(int a, int b) {
        if (out != null) {
            out[at] = (byte) a;
            out[at + 1] = (byte) b;
        }
        at += 2;
    }

    private void put3(int a, int b, int c) {
        if (out != null) {
            out[at] = (byte) a;
            out[at + 1] = (byte) b;
            out[at + 2] = (byte) c;
        }
        at += 3;
    }
}
