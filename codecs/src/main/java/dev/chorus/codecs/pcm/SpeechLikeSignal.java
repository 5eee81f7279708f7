package dev.chorus.codecs.pcm;

/**
 * Deterministic synthetic "speech": a voiced signal for demos and tests until text-to-speech is in. Harmonics of a
 * slowly gliding fundamental (110–180 Hz) with a falling spectral tilt and two formant-like boosts, amplitude
 * modulated at a syllable rate (~4 Hz) but never below about −30 dBFS inside the utterance, so an energy detector
 * hears one continuous utterance; peak about −6 dBFS; 5 ms fades; band-limited below 0.45 × the sample rate.
 * Stateless and thread-safe.
 */
public final class SpeechLikeSignal {
    private static final double PEAK = 0.5;
    private static final double FADE_SECONDS = 0.005;

    private SpeechLikeSignal() {
    }

    public static PcmClip clip(int sampleRateHz, long durationMillis, long seed) {
        return new PcmClip(generate(sampleRateHz, durationMillis, seed), sampleRateHz);
    }

    public static short[] generate(int sampleRateHz, long durationMillis, long seed) {
        int n = (int) (sampleRateHz * durationMillis / 1000);
        short[] out = new short[n];
        java.util.Random random = new java.util.Random(seed);
        double f0Base = 110 + random.nextInt(40);
        double glideHz = 0.7 + random.nextDouble();
        double syllableHz = 3.5 + random.nextDouble();
        double formant1 = 500 + random.nextInt(300);
        double formant2 = 1400 + random.nextInt(600);
        double limitHz = 0.45 * sampleRateHz;
        int harmonics = 40;
        double[] phase = new double[harmonics + 1];
        double[] gain = new double[harmonics + 1];
        double norm = 0;
        for (int h = 1; h <= harmonics; h++) {
            double f = h * f0Base;
            gain[h] = 1.0 / h + 0.6 * bump(f, formant1, 200) / h + 0.4 * bump(f, formant2, 300) / h;
            norm += gain[h];
        }
        int fade = (int) (FADE_SECONDS * sampleRateHz);
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRateHz;
            double f0 = f0Base * (1 + 0.25 * Math.sin(2 * Math.PI * glideHz * t));
            double v = 0;
            for (int h = 1; h <= harmonics; h++) {
                double f = h * f0;
                phase[h] += 2 * Math.PI * f / sampleRateHz;
                if (f < limitHz) {
                    v += gain[h] * Math.sin(phase[h]);
                }
            }
            double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * syllableHz * t);
            double edge = Math.min(1.0, Math.min((i + 1) / (double) fade, (n - i) / (double) fade));
            double s = PEAK * envelope * edge * v / norm * 2.2;
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(s * 32767)));
        }
        return out;
    }

    private static double bump(double f, double center, double width) {
        double d = (f - center) / width;
        return Math.exp(-d * d);
    }
}
