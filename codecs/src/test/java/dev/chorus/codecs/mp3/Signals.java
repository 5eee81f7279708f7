package dev.chorus.codecs.mp3;

/** Measurements on PCM16 test signals. Stateless and thread-safe. */
final class Signals {
    private Signals() {
    }

    /** The lag L in [-maxLag, maxLag] that best aligns {@code x[i + L]} with {@code ref[i]} (normalised). */
    static int bestLag(short[] x, short[] ref, int maxLag) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int i = Math.max(0, -lag); i < ref.length && i + lag < x.length; i++) {
                double a = x[i + lag];
                double b = ref[i];
                xy += a * b;
                xx += a * a;
                yy += b * b;
            }
            double score = xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        return best;
    }

    /** Index of the first sample at or above {@code fractionOfFullScale} in magnitude, or -1. */
    static int onset(short[] x, double fractionOfFullScale) {
        double threshold = fractionOfFullScale * 32768;
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) >= threshold) {
                return i;
            }
        }
        return -1;
    }

    /** Peak magnitude in [from, to) as a fraction of full scale. */
    static double peak(short[] x, int from, int to) {
        int peak = 0;
        for (int i = from; i < to; i++) {
            peak = Math.max(peak, Math.abs(x[i]));
        }
        return peak / 32768.0;
    }

    /** Signal-to-difference ratio in dB of {@code x[i + lag]} against {@code ref[i]} over their overlap. */
    static double snrDb(short[] x, short[] ref, int lag) {
        double signal = 0;
        double noise = 0;
        for (int i = Math.max(0, -lag); i < ref.length && i + lag < x.length; i++) {
            double d = x[i + lag] - ref[i];
            signal += (double) ref[i] * ref[i];
            noise += d * d;
        }
        return 10 * Math.log10(signal / noise);
    }

    record SineFit(double amplitude, double phaseSamples, double snrDb) {
    }

    /**
     * Least-squares fit of {@code a sin(wn) + b cos(wn) + c} over [from, to). The phase is reported as the shift in
     * samples of a sine that starts at n = 0 (positive: the signal is late).
     */
    static SineFit fitSine(short[] x, int from, int to, double frequencyHz, int sampleRateHz) {
        double w = 2 * Math.PI * frequencyHz / sampleRateHz;
        double[][] m = new double[3][4];
        for (int n = from; n < to; n++) {
            double[] basis = {Math.sin(w * n), Math.cos(w * n), 1};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += basis[r] * basis[c];
                }
                m[r][3] += basis[r] * x[n];
            }
        }
        double[] coef = solve(m);
        double signal = 0;
        double noise = 0;
        for (int n = from; n < to; n++) {
            double fit = coef[0] * Math.sin(w * n) + coef[1] * Math.cos(w * n);
            double d = x[n] - fit - coef[2];
            signal += fit * fit;
            noise += d * d;
        }
        double amplitude = Math.hypot(coef[0], coef[1]);
        double phase = Math.atan2(coef[1], coef[0]);
        return new SineFit(amplitude, -phase / w, 10 * Math.log10(signal / noise));
    }

    private static double[] solve(double[][] m) {
        int n = m.length;
        for (int p = 0; p < n; p++) {
            int max = p;
            for (int r = p + 1; r < n; r++) {
                if (Math.abs(m[r][p]) > Math.abs(m[max][p])) {
                    max = r;
                }
            }
            double[] t = m[p];
            m[p] = m[max];
            m[max] = t;
            for (int r = p + 1; r < n; r++) {
                double f = m[r][p] / m[p][p];
                for (int c = p; c <= n; c++) {
                    m[r][c] -= f * m[p][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
