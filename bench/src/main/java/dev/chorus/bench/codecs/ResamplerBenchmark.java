package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.resample.PolyphaseResampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One 20 ms chunk of speech-like 16-bit audio through a streaming {@link PolyphaseResampler} (short path), for
 * every ordered pair of 8/16/24/48 kHz, against {@link System#arraycopy} of the same chunk so the figure reads as
 * a ratio. Input MS/s = {@code inRateHz / 50 / ns}·1000.
 */
@State(Scope.Thread)
public class ResamplerBenchmark extends AbstractBenchmark {
    private static final int CHUNK_MILLIS = 20;

    @Param({"8000:16000", "8000:24000", "8000:48000", "16000:8000", "16000:24000", "16000:48000",
            "24000:8000", "24000:16000", "24000:48000", "48000:8000", "48000:16000", "48000:24000"})
    String pair;

    private PolyphaseResampler resampler;
    private short[] chunk;
    private short[] out;
    private short[] copy;

    @Setup
    public void setUp() {
        int inRateHz = Integer.parseInt(pair.substring(0, pair.indexOf(':')));
        int outRateHz = Integer.parseInt(pair.substring(pair.indexOf(':') + 1));
        resampler = new PolyphaseResampler(inRateHz, outRateHz);
        chunk = SpeechLikeSignal.generate(inRateHz, CHUNK_MILLIS, 1);
        out = new short[resampler.maxOutput(chunk.length)];
        copy = new short[chunk.length];
        // Fill the filter's history first so every measured call does steady-state work.
        resampler.process(chunk, 0, chunk.length, out, 0);
    }

    @Benchmark
    public int resample() {
        return resampler.process(chunk, 0, chunk.length, out, 0);
    }

    @Benchmark
    public int baselineArrayCopy() {
        System.arraycopy(chunk, 0, copy, 0, chunk.length);
        return copy.length;
    }
}
