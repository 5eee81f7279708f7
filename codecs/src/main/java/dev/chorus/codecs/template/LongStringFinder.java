package dev.chorus.codecs.template;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the first long JSON string without escapes in a value position of a message, lexing only string
 * boundaries: outside strings a byte at a time, inside them eight bytes per step (a SWAR search for {@code "} and
 * {@code \}). {@link InboundMessageScanner} hides that string from jackson, which would otherwise copy it into its
 * text buffer character by character, and decodes the base64 audio straight from the bytes.
 * <pre>
 *   {"type":"audio_chunk","data":"UklGRiQAAABXQVZF...AAAA=="}
 *                                ^open                     ^close
 * </pre>
 * A value position is after {@code :}, {@code [} or {@code ,} and not followed by {@code :} (then it is a field
 * name). Nothing here decides validity: what is found may still be invalid JSON, which the scanner checks.
 * Not thread-safe: the result is in {@link #open} and {@link #close}.
 */
final class LongStringFinder {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private final int minChars;
    /** Index of the opening quote of the string found. */
    int open;
    /** Index of its closing quote. */
    int close;

    /** @param minChars the shortest string worth finding, in bytes between the quotes */
    LongStringFinder(int minChars) {
        this.minChars = minChars;
    }

    /** Whether {@code bytes[from, to)} holds such a string; if so it lies between {@link #open} and {@link #close}. */
    boolean find(byte[] bytes, int from, int to) {
        int previous = 0; // the last byte outside strings that is not whitespace
        for (int i = from; i < to; i++) {
            int c = bytes[i];
            if (c != '"') {
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    previous = c;
                }
                continue;
            }
            int q = quoteOrBackslash(bytes, i + 1, to);
            boolean escaped = false;
            while (q >= 0 && bytes[q] == '\\') {
                escaped = true;
                q = quoteOrBackslash(bytes, q + 2, to); // the escaped byte cannot end the string
            }
            if (q < 0) {
                return false; // unterminated: jackson will say so
            }
            if (!escaped && q - i - 1 >= minChars && (previous == ':' || previous == '[' || previous == ',')
                    && nextNonWhitespace(bytes, q + 1, to) != ':') {
                open = i;
                close = q;
                return true;
            }
            previous = '"';
            i = q;
        }
        return false;
    }

    /**
     * Index of the first {@code "} or {@code \} in {@code bytes[from, to)}, or -1. Eight bytes per step: a byte
     * equal to the pattern becomes zero after the XOR, and {@code (x - 0x01..) & ~x & 0x80..} marks zero bytes;
     * marks above the first true one may be false, so the lowest (the first byte, little-endian) is exact.
     */
    static int quoteOrBackslash(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long marks = marks((long) LONGS.get(bytes, i));
            if (marks != 0) {
                return i + (Long.numberOfTrailingZeros(marks) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '"' || bytes[i] == '\\') {
                return i;
            }
        }
        return -1;
    }

    /** The high bit of each byte of {@code v} that may be {@code "} or {@code \}; the lowest one surely is. */
    private static long marks(long v) {
        long x = v ^ QUOTES;
        long y = v ^ BACKSLASHES;
        return ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS;
    }

    private static int nextNonWhitespace(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = bytes[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return c;
            }
        }
        return -1;
    }
}
