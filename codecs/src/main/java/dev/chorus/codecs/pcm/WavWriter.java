package dev.chorus.codecs.pcm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes 16-bit PCM WAV files. Stateless and thread-safe. */
public final class WavWriter {
    private WavWriter() {
    }

    public static void write(Path file, short[] interleaved, int channels, int sampleRateHz) throws IOException {
        Files.write(file, toBytes(interleaved, channels, sampleRateHz));
    }

    public static byte[] toBytes(short[] interleaved, int channels, int sampleRateHz) {
        int dataBytes = interleaved.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataBytes).putInt(0x45564157);
        b.putInt(0x20746D66).putInt(16).putShort((short) 1).putShort((short) channels).putInt(sampleRateHz)
                .putInt(sampleRateHz * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.putInt(0x61746164).putInt(dataBytes);
        for (short s : interleaved) {
            b.putShort(s);
        }
        return b.array();
    }
}
