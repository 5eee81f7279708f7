package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.mp3.Mp3Header;
import dev.chorus.codecs.mp3.Mp3StreamDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.SampleBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * One operation is one whole MP3 fixture (1.0 s of audio, from the codecs test resources) fed in 20 ms messages, as
 * an agent would send it: Chorus's {@link Mp3StreamDecoder} (one long-lived decoder, so each operation is the next
 * file of a stream, tag frame and trimming included), against two baselines: a plain copy of the same messages into a
 * {@code byte[]} (the floor any decoder pays), and JLayer used the way its documentation shows (a new
 * {@link Bitstream} over a {@link ByteArrayInputStream} and a new {@link Decoder} per file, whole file at once).
 * Real-time factor = 1 s / (ns/op × 1e-9).
 */
@State(Scope.Thread)
public class Mp3DecodeBenchmark extends AbstractBenchmark {
    @Param({"speech_24k_48kbps.mp3", "speech_stereo_44k1_128kbps.mp3"})
    String fixture;

    private byte[] mp3Bytes;
    private ByteBuf mp3;
    private int chunkBytes;
    private byte[] copy;
    private short[] pcm;
    private Mp3StreamDecoder decoder;

    @Setup
    public void setUp() throws IOException {
        try (InputStream in = Mp3DecodeBenchmark.class.getResourceAsStream("/mp3/" + fixture)) {
            if (in == null) {
                throw new IllegalStateException("fixture not on the classpath: /mp3/" + fixture);
            }
            mp3Bytes = in.readAllBytes();
        }
        mp3 = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(mp3Bytes));
        int header = mp3.getInt(0);
        chunkBytes = Mp3Header.bitrateKbps(header) * 1000 / 8 / 50;
        copy = new byte[mp3Bytes.length];
        pcm = new short[mp3Bytes.length * 24 + 2 * Mp3StreamDecoder.MAX_SAMPLES_PER_FRAME];
        decoder = new Mp3StreamDecoder();
        chorusStreamDecoder();
        if (decoder.lastErrors() != 0 || decoder.skippedBytes() != 0) {
            throw new IllegalStateException("fixture did not decode cleanly: " + fixture);
        }
    }

    @Benchmark
    public int chorusStreamDecoder() {
        final ByteBuf in = mp3;
        final int length = mp3Bytes.length;
        int samples = 0;
        for (int pos = 0; pos < length; pos += chunkBytes) {
            in.setIndex(pos, Math.min(pos + chunkBytes, length));
            samples += decoder.feed(in, pcm, samples);
        }
        return samples;
    }

    @Benchmark
    public int baselineCopy() {
        final ByteBuf in = mp3;
        final int length = mp3Bytes.length;
        for (int pos = 0; pos < length; pos += chunkBytes) {
            int end = Math.min(pos + chunkBytes, length);
            in.setIndex(pos, end);
            in.readBytes(copy, pos, end - pos);
        }
        return copy[length - 1];
    }

    @Benchmark
    public int jlayerWholeFile() throws JavaLayerException {
        Bitstream bitstream = new Bitstream(new ByteArrayInputStream(mp3Bytes));
        Decoder jlayer = new Decoder();
        int samples = 0;
        Header header;
        while ((header = bitstream.readFrame()) != null) {
            SampleBuffer out = (SampleBuffer) jlayer.decodeFrame(header, bitstream);
            samples += out.getBufferLength();
            bitstream.closeFrame();
        }
        return samples;
    }
}
