package dev.chorus.codecs.resample;

/**
 * A streaming sample-rate converter for mono 16-bit audio. Not thread-safe: one per stream. Output does not depend
 * on how the input is cut into chunks.
 */
public interface Resampler {
    int inputRateHz();

    int outputRateHz();

    /**
     * Converts {@code inLength} samples; returns how many were written to {@code out} at {@code outOffset}. Size
     * {@code out} with {@link #maxOutput(int)}.
     */
    int process(short[] in, int inOffset, int inLength, short[] out, int outOffset);

    /** An upper bound of what {@link #process} writes for {@code inLength} input samples. */
    int maxOutput(int inLength);

    /**
     * Feeds zeros through the filter so the samples still inside it come out; returns how many were written (at
     * most {@link #maxOutput(int)} of the filter length). The stream may go on afterwards as if zeros had been sent.
     */
    int flush(short[] out, int outOffset);

    /** Clears the state: the next sample starts a new stream. */
    void reset();

    /** The filter's delay, in output samples. */
    double groupDelaySamples();
}
