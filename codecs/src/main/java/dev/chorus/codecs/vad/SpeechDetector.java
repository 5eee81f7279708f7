package dev.chorus.codecs.vad;

import io.netty.buffer.ByteBuf;

/**
 * Finds speech in a stream of mono PCM16 samples. Sample indices are absolute: counted from the first sample fed
 * since construction or {@link #reset()}. Not thread-safe: one per stream. Results do not depend on how the
 * stream is cut into calls.
 */
public interface SpeechDetector {
    /**
     * Feeds {@code bytes} of PCM16LE at {@code index} (indices not moved, nothing released).
     *
     * @return the absolute index of the first sample of a speech onset confirmed during this call, or -1
     */
    long feed(ByteBuf pcm16leMono, int index, int bytes);

    /** As {@link #feed(ByteBuf, int, int)} for samples in an array. */
    long feed(short[] samples, int offset, int length);

    /** Whether the stream is in speech as of the last complete frame. */
    boolean inSpeech();

    long samplesFed();

    /** Absolute index of the last sample of speech seen, or -1 when none yet. */
    long lastSpeechSample();

    int sampleRateHz();

    void reset();
}
