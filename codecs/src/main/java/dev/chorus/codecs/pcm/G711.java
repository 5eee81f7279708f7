package dev.chorus.codecs.pcm;

import io.netty.buffer.ByteBuf;

/**
 * ITU-T G.711 μ-law and A-law, as telephony agents speak them. Decoding is by table; encoding follows the
 * reference segment search. Stateless and thread-safe; nothing here releases a buffer.
 */
public final class G711 {
    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_TO_LINEAR[i] = ulawDecode((byte) i);
            ALAW_TO_LINEAR[i] = alawDecode((byte) i);
        }
    }

    private G711() {
    }

    public static short ulawToLinear(byte ulaw) {
        return ULAW_TO_LINEAR[ulaw & 0xFF];
    }

    public static short alawToLinear(byte alaw) {
        return ALAW_TO_LINEAR[alaw & 0xFF];
    }

    public static byte linearToUlaw(short pcm) {
        int sample = pcm;
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) {
            sample = -sample;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        sample += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    public static byte linearToAlaw(short pcm) {
        int sample = pcm;
        int sign = ((~sample) >> 8) & 0x80;
        if (sign == 0) {
            sample = -sample;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        int compressed;
        if (sample >= 256) {
            int exponent = 7;
            for (int mask = 0x4000; (sample & mask) == 0 && exponent > 1; mask >>= 1) {
                exponent--;
            }
            int mantissa = (sample >> (exponent + 3)) & 0x0F;
            compressed = (exponent << 4) | mantissa;
        } else {
            compressed = sample >> 4;
        }
        return (byte) (compressed ^ (sign ^ 0x55));
    }

    private static short ulawDecode(byte ulaw) {
        int u = ~ulaw & 0xFF;
        int sign = u & 0x80;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int sample = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        return (short) (sign != 0 ? -sample : sample);
    }

    private static short alawDecode(byte alaw) {
        int a = (alaw ^ 0x55) & 0xFF;
        int sign = a & 0x80;
        int exponent = (a >> 4) & 0x07;
        int mantissa = a & 0x0F;
        int sample = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short) (sign != 0 ? sample : -sample);
    }

    /** Expands {@code length} μ-law bytes at {@code index} of {@code in} into PCM16LE appended to {@code out}. */
    public static void decodeUlaw(ByteBuf in, int index, int length, ByteBuf out) {
        out.ensureWritable(length * 2);
        for (int i = 0; i < length; i++) {
            out.writeShortLE(ULAW_TO_LINEAR[in.getByte(index + i) & 0xFF]);
        }
    }

    /** Expands {@code length} A-law bytes at {@code index} of {@code in} into PCM16LE appended to {@code out}. */
    public static void decodeAlaw(ByteBuf in, int index, int length, ByteBuf out) {
        out.ensureWritable(length * 2);
        for (int i = 0; i < length; i++) {
            out.writeShortLE(ALAW_TO_LINEAR[in.getByte(index + i) & 0xFF]);
        }
    }

    /** Compresses {@code length} bytes of PCM16LE at {@code index} into μ-law appended to {@code out}. */
    public static void encodeUlaw(ByteBuf pcm16le, int index, int length, ByteBuf out) {
        out.ensureWritable(length / 2);
        for (int i = 0; i + 1 < length; i += 2) {
            out.writeByte(linearToUlaw(pcm16le.getShortLE(index + i)));
        }
    }

    /** Compresses {@code length} bytes of PCM16LE at {@code index} into A-law appended to {@code out}. */
    public static void encodeAlaw(ByteBuf pcm16le, int index, int length, ByteBuf out) {
        out.ensureWritable(length / 2);
        for (int i = 0; i + 1 < length; i += 2) {
            out.writeByte(linearToAlaw(pcm16le.getShortLE(index + i)));
        }
    }
}
