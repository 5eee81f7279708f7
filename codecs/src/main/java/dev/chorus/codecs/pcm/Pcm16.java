package dev.chorus.codecs.pcm;

import io.netty.buffer.ByteBuf;

/** 16-bit little-endian PCM helpers. Stateless and thread-safe; nothing here releases a buffer. */
public final class Pcm16 {
    private Pcm16() {
    }

    public static byte[] toLittleEndian(short[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    public static short[] fromLittleEndian(ByteBuf buf, int index, int bytes) {
        short[] out = new short[bytes / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getShortLE(index + 2 * i);
        }
        return out;
    }

    /**
     * Averages interleaved frames of {@code channels} 16-bit samples from {@code in}'s readable bytes (its indices are
     * not moved) into mono samples appended to {@code out}. A trailing partial frame is ignored. Allocation-free.
     */
    public static void mixToMono(ByteBuf in, int channels, ByteBuf out) {
        int start = in.readerIndex();
        int frameBytes = channels * 2;
        int frames = in.readableBytes() / frameBytes;
        if (channels == 1) {
            out.writeBytes(in, start, frames * 2);
            return;
        }
        out.ensureWritable(frames * 2);
        for (int f = 0; f < frames; f++) {
            int base = start + f * frameBytes;
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in.getShortLE(base + 2 * c);
            }
            out.writeShortLE(sum / channels);
        }
    }
}
