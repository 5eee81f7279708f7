package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;

/** Writing JSON text pieces into a {@link ByteBuf} without allocating. Stateless and thread-safe. */
public final class JsonText {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JsonText() {
    }

    /** Writes {@code s} as the inside of a JSON string (no quotes), UTF-8, escaping what JSON requires. */
    public static void writeJsonEscaped(CharSequence s, ByteBuf out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.writeByte('\\').writeByte(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n':
                        out.writeByte('\\').writeByte('n');
                        break;
                    case '\r':
                        out.writeByte('\\').writeByte('r');
                        break;
                    case '\t':
                        out.writeByte('\\').writeByte('t');
                        break;
                    default:
                        out.writeByte('\\').writeByte('u').writeByte('0').writeByte('0')
                                .writeByte(HEX[c >> 4]).writeByte(HEX[c & 15]);
                }
            } else if (c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xC0 | (c >> 6)).writeByte(0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.writeByte(0xF0 | (cp >> 18)).writeByte(0x80 | ((cp >> 12) & 0x3F))
                        .writeByte(0x80 | ((cp >> 6) & 0x3F)).writeByte(0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out.writeByte('?');
            } else {
                out.writeByte(0xE0 | (c >> 12)).writeByte(0x80 | ((c >> 6) & 0x3F)).writeByte(0x80 | (c & 0x3F));
            }
        }
    }

    /** Writes {@code v} in ASCII decimal. */
    public static void writeLong(long v, ByteBuf out) {
        if (v == Long.MIN_VALUE) {
            out.writeCharSequence("-9223372036854775808", java.nio.charset.StandardCharsets.US_ASCII);
            return;
        }
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        long div = 1;
        while (v / div >= 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            out.writeByte((int) ('0' + (v / div) % 10));
        }
    }
}
