package dev.chorus.codecs.pcm;

/**
 * A mono PCM16 clip at a sample rate. Immutable by contract: {@link #samples()} is not copied, so callers must not
 * change it. Thread-safe.
 */
public final class PcmClip {
    private final short[] samples;
    private final int sampleRateHz;

    public PcmClip(short[] samples, int sampleRateHz) {
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sampleRateHz must be positive: " + sampleRateHz);
        }
        this.samples = samples;
        this.sampleRateHz = sampleRateHz;
    }

    /** The samples; do not modify. */
    public short[] samples() {
        return samples;
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public int length() {
        return samples.length;
    }

    public long durationMillis() {
        return samples.length * 1000L / sampleRateHz;
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRateHz;
    }

    @Override
    public String toString() {
        return "PcmClip[" + samples.length + " samples @ " + sampleRateHz + " Hz]";
    }
}
