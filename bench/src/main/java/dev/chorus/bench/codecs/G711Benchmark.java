package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One 20 ms telephony frame (160 samples at 8 kHz) of speech-like PCM16LE, compressed to G.711 and expanded back,
 * μ-law and A-law, between pooled direct buffers as the pipeline holds them; baseline: a plain copy of the same
 * 320 bytes between the same buffers.
 */
@State(Scope.Thread)
public class G711Benchmark extends AbstractBenchmark {
    private static final int FRAME_SAMPLES = 160;

    private ByteBuf pcm;
    private ByteBuf compressed;
    private ByteBuf expanded;

    @Setup
    public void setUp() {
        short[] samples = SpeechLikeSignal.generate(8000, 20, 1);
        pcm = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME_SAMPLES * 2);
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            pcm.writeShortLE(samples[i]);
        }
        compressed = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME_SAMPLES);
        expanded = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME_SAMPLES * 2);
    }

    @TearDown
    public void tearDown() {
        pcm.release();
        compressed.release();
        expanded.release();
    }

    @Benchmark
    public int ulawEncodeDecode() {
        compressed.clear();
        expanded.clear();
        G711.encodeUlaw(pcm, 0, FRAME_SAMPLES * 2, compressed);
        G711.decodeUlaw(compressed, 0, FRAME_SAMPLES, expanded);
        return expanded.writerIndex();
    }

    @Benchmark
    public int alawEncodeDecode() {
        compressed.clear();
        expanded.clear();
        G711.encodeAlaw(pcm, 0, FRAME_SAMPLES * 2, compressed);
        G711.decodeAlaw(compressed, 0, FRAME_SAMPLES, expanded);
        return expanded.writerIndex();
    }

    @Benchmark
    public int baselineCopy() {
        expanded.clear();
        expanded.writeBytes(pcm, 0, FRAME_SAMPLES * 2);
        return expanded.writerIndex();
    }
}
