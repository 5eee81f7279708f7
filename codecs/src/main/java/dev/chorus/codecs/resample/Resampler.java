package dev.chorus.codecs.resample;

/**
 * A streaming sample-rate converter for mono audio. Not thread-safe: one per stream. Output does not depend on how
 * the input is cut into chunks.
 *
 * <p>Two paths share one filter and one history: {@code short[]} (16-bit PCM, output rounded and clipped) and
 * {@code float[]} (linear, unit-free, never clipped, for measuring and for float pipelines). The history holds the
 * samples as floats in the caller's scale, so a stream may mix the paths only if its floats use the 16-bit scale
 * (±32768 full scale).
 */
public interface Resampler {
    int inputRateHz();

    int outputRateHz();

    /**
     * Converts {@code inLength} samples; returns how many were written to {@code out} at {@code outOffset}. Size
     * {@code out} with {@link #maxOutput(int)}.
     */
    int process(short[] in, int inOffset, int inLength, short[] out, int outOffset);

    /**
     * As {@link #process(short[], int, int, short[], int)} without rounding or clipping: the output is in the scale
     * of the input. Allocation-free once the history has grown to the largest chunk.
     */
    int process(float[] in, int inOffset, int inLength, float[] out, int outOffset);

    /** An upper bound of what {@link #process} writes for {@code inLength} input samples. */
    int maxOutput(int inLength);

    /**
     * Feeds zeros through the filter so the samples still inside it come out; returns how many were written (at
     * most {@link #maxOutput(int)} of the filter length). The stream may go on afterwards as if zeros had been sent.
     */
    int flush(short[] out, int outOffset);

    /** As {@link #flush(short[], int)}, for the float path. */
    int flush(float[] out, int outOffset);

    /** Clears the state: the next sample starts a new stream. */
    void reset();

    /**
     * The filter's delay, in output samples: an input event at input time t comes out at output sample
     * {@code t × outputRateHz + groupDelaySamples()}. Constant (linear phase), the same for every frequency.
     */
    double groupDelaySamples();
}
