package dev.chorus.codecs.resample;

import dev.chorus.codecs.pcm.PcmClip;

/** Resampler factory and whole-clip conversion. Stateless and thread-safe. */
public final class Resamplers {
    private Resamplers() {
    }

    /** A streaming resampler; a pass-through when the rates are equal. */
    public static Resampler create(int inRateHz, int outRateHz) {
        return inRateHz == outRateHz ? new IdentityResampler(inRateHz) : new PolyphaseResampler(inRateHz, outRateHz);
    }

    /**
     * Converts a whole clip, time-aligned (the filter delay removed): output sample j is the input's value at
     * time j / outRateHz; the output holds round(length × out / in) samples.
     */
    public static PcmClip convert(PcmClip clip, int outRateHz) {
        if (clip.sampleRateHz() == outRateHz) {
            return clip;
        }
        PolyphaseResampler r = new PolyphaseResampler(clip.sampleRateHz(), outRateHz, true);
        int outLength = (int) Math.round((double) clip.length() * outRateHz / clip.sampleRateHz());
        short[] out = new short[Math.max(outLength, r.maxOutput(clip.length())) + r.maxOutput(0) * 4];
        int n = r.process(clip.samples(), 0, clip.length(), out, 0);
        while (n < outLength) {
            int more = r.flush(out, n);
            if (more == 0) {
                break;
            }
            n += more;
        }
        return new PcmClip(java.util.Arrays.copyOf(out, outLength), outRateHz);
    }

    /** Equal rates: copies. */
    static final class IdentityResampler implements Resampler {
        private final int rateHz;

        IdentityResampler(int rateHz) {
            this.rateHz = rateHz;
        }

        @Override
        public int inputRateHz() {
            return rateHz;
        }

        @Override
        public int outputRateHz() {
            return rateHz;
        }

        @Override
        public int process(short[] in, int inOffset, int inLength, short[] out, int outOffset) {
            System.arraycopy(in, inOffset, out, outOffset, inLength);
            return inLength;
        }

        @Override
        public int process(float[] in, int inOffset, int inLength, float[] out, int outOffset) {
            System.arraycopy(in, inOffset, out, outOffset, inLength);
            return inLength;
        }

        @Override
        public int maxOutput(int inLength) {
            return inLength;
        }

        @Override
        public int flush(short[] out, int outOffset) {
            return 0;
        }

        @Override
        public int flush(float[] out, int outOffset) {
            return 0;
        }

        @Override
        public void reset() {
        }

        @Override
        public double groupDelaySamples() {
            return 0;
        }
    }
}
