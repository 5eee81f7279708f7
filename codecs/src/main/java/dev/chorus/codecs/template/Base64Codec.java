package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;

/**
 * Standard base64 (RFC 4648 §4, with padding) straight between {@link ByteBuf}s, no intermediate arrays or Strings.
 * Stateless and thread-safe; nothing here releases a buffer.
 */
public final class Base64Codec {
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
    /** -1 invalid, -2 skip (CR, LF), -3 padding. */
    private static final byte[] DECODE = new byte[256];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
        }
        DECODE['\r'] = -2;
        DECODE['\n'] = -2;
        DECODE['='] = -3;
    }

    private Base64Codec() {
    }

    public static int encodedLength(int bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /**
     * Writes the base64 of {@code length} bytes at {@code index} of {@code src} at {@code dst}'s writer index.
     * {@code src}'s indices do not move. Allocation-free.
     */
    public static void encode(ByteBuf src, int index, int length, ByteBuf dst) {
        int outLen = encodedLength(length);
        dst.ensureWritable(outLen);
        int w = dst.writerIndex();
        int end = index + length;
        int i = index;
        if (src.hasArray() && dst.hasArray()) {
            byte[] s = src.array();
            int so = src.arrayOffset();
            byte[] d = dst.array();
            int dw = dst.arrayOffset() + w;
            for (; i + 2 < end; i += 3) {
                int v = (s[so + i] & 0xFF) << 16 | (s[so + i + 1] & 0xFF) << 8 | (s[so + i + 2] & 0xFF);
                d[dw++] = ALPHABET[v >>> 18];
                d[dw++] = ALPHABET[(v >>> 12) & 63];
                d[dw++] = ALPHABET[(v >>> 6) & 63];
                d[dw++] = ALPHABET[v & 63];
            }
            w = dw - dst.arrayOffset();
        } else {
            for (; i + 2 < end; i += 3) {
                int v = (src.getByte(i) & 0xFF) << 16 | (src.getByte(i + 1) & 0xFF) << 8 | (src.getByte(i + 2) & 0xFF);
                dst.setInt(w, ALPHABET[v >>> 18] << 24 | ALPHABET[(v >>> 12) & 63] << 16
                        | ALPHABET[(v >>> 6) & 63] << 8 | ALPHABET[v & 63]);
                w += 4;
            }
        }
        int rest = end - i;
        if (rest == 1) {
            int v = (src.getByte(i) & 0xFF) << 16;
            dst.setByte(w++, ALPHABET[v >>> 18]);
            dst.setByte(w++, ALPHABET[(v >>> 12) & 63]);
            dst.setByte(w++, '=');
            dst.setByte(w++, '=');
        } else if (rest == 2) {
            int v = (src.getByte(i) & 0xFF) << 16 | (src.getByte(i + 1) & 0xFF) << 8;
            dst.setByte(w++, ALPHABET[v >>> 18]);
            dst.setByte(w++, ALPHABET[(v >>> 12) & 63]);
            dst.setByte(w++, ALPHABET[(v >>> 6) & 63]);
            dst.setByte(w++, '=');
        }
        dst.writerIndex(w);
    }

    /**
     * Decodes base64 characters into {@code dst}; CR and LF are ignored, missing padding is accepted. Returns the
     * bytes written, or -1 when the input is not base64 (then {@code dst}'s writer index is where it was).
     */
    public static int decode(char[] chars, int offset, int length, ByteBuf dst) {
        int start = dst.writerIndex();
        dst.ensureWritable(length / 4 * 3 + 3);
        int acc = 0;
        int bits = 0;
        int pads = 0;
        int end = offset + length;
        int i = offset;
        // Fast path: whole quanta of four alphabet characters, one 3-byte store each (a byte-at-a-time writeByte
        // on a direct buffer is several times slower). Anything else (CR/LF, padding, errors) goes the slow way.
        int w = start;
        for (; i + 3 < end; i += 4) {
            char c0 = chars[i];
            char c1 = chars[i + 1];
            char c2 = chars[i + 2];
            char c3 = chars[i + 3];
            if ((c0 | c1 | c2 | c3) >= 256) {
                break;
            }
            int v = DECODE[c0] << 18 | DECODE[c1] << 12 | DECODE[c2] << 6 | DECODE[c3];
            if (v < 0) {
                break;
            }
            dst.setMedium(w, v);
            w += 3;
        }
        dst.writerIndex(w);
        for (; i < end; i++) {
            char c = chars[i];
            int v = c < 256 ? DECODE[c] : -1;
            if (v >= 0) {
                if (pads > 0) {
                    dst.writerIndex(start);
                    return -1;
                }
                acc = acc << 6 | v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    dst.writeByte(acc >> bits);
                    acc &= (1 << bits) - 1;
                }
            } else if (v == -3) {
                pads++;
            } else if (v != -2) {
                dst.writerIndex(start);
                return -1;
            }
        }
        if (pads > 2 || bits >= 6) {
            dst.writerIndex(start);
            return -1;
        }
        return dst.writerIndex() - start;
    }

    /** As {@link #decode(char[], int, int, ByteBuf)}, over ASCII bytes at {@code index} of {@code src}. */
    public static int decode(ByteBuf src, int index, int length, ByteBuf dst) {
        int start = dst.writerIndex();
        dst.ensureWritable(length / 4 * 3 + 3);
        int acc = 0;
        int bits = 0;
        int pads = 0;
        int end = index + length;
        int i = index;
        int w = start;
        for (; i + 3 < end; i += 4) {
            int q = src.getInt(i);
            int v = DECODE[q >>> 24] << 18 | DECODE[(q >>> 16) & 0xFF] << 12 | DECODE[(q >>> 8) & 0xFF] << 6
                    | DECODE[q & 0xFF];
            if (v < 0) {
                break;
            }
            dst.setMedium(w, v);
            w += 3;
        }
        dst.writerIndex(w);
        for (; i < end; i++) {
            int v = DECODE[src.getByte(i) & 0xFF];
            if (v >= 0) {
                if (pads > 0) {
                    dst.writerIndex(start);
                    return -1;
                }
                acc = acc << 6 | v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    dst.writeByte(acc >> bits);
                    acc &= (1 << bits) - 1;
                }
            } else if (v == -3) {
                pads++;
            } else if (v != -2) {
                dst.writerIndex(start);
                return -1;
            }
        }
        if (pads > 2 || bits >= 6) {
            dst.writerIndex(start);
            return -1;
        }
        return dst.writerIndex() - start;
    }
}
