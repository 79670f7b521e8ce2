package switchboard.bench;

import java.nio.charset.StandardCharsets;

/** Allocation-free helpers to look into received frames without building Strings. */
final class Bytes {
    private Bytes() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean startsWith(byte[] b, int off, int end, byte[] pat) {
        if (end - off < pat.length) {
            return false;
        }
        for (int i = 0; i < pat.length; i++) {
            if (b[off + i] != pat[i]) {
                return false;
            }
        }
        return true;
    }

    /** Index of pat in b[from, to), or -1. */
    static int indexOf(byte[] b, int from, int to, byte[] pat) {
        int last = to - pat.length;
        byte first = pat[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int j = 1; j < pat.length; j++) {
                if (b[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Parses a non-negative decimal at pos; stops at the first non-digit. */
    static long parseLong(byte[] b, int pos, int to) {
        long v = 0;
        while (pos < to) {
            int c = b[pos] - '0';
            if (c < 0 || c > 9) {
                break;
            }
            v = v * 10 + c;
            pos++;
        }
        return v;
    }

    static String str(byte[] b, int off, int len) {
        return new String(b, off, Math.min(len, 300), StandardCharsets.UTF_8);
    }
}
