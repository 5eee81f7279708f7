package dev.chorus.codecs.resample;

/**
 * Least-squares fit of {@code a·sin(ωn) + b·cos(ωn) + c} at a known frequency (the "3-parameter" sine fit of
 * IEEE 1057 §4.1.3.1): what is left after subtracting the fit is distortion, noise, aliases and images, so its RMS
 * against the tone's is THD+N, with no window and no leakage. Immutable.
 */
final class SineFit {
    final double amplitude;
    /** Phase of the fitted sine at n = 0, in radians: the fit is amplitude · sin(ωn + phase). */
    final double phase;
    final double residualRms;

    private SineFit(double amplitude, double phase, double residualRms) {
        this.amplitude = amplitude;
        this.phase = phase;
        this.residualRms = residualRms;
    }

    /** Fits samples {@code from} (inclusive) to {@code to} (exclusive) at {@code cyclesPerSample}. */
    static SineFit fit(float[] y, int from, int to, double cyclesPerSample) {
        double w = 2 * Math.PI * cyclesPerSample;
        // Normal equations of the 3x3 system [s c 1]ᵀ[s c 1] · (a b c) = [s c 1]ᵀ y.
        double ss = 0;
        double sc = 0;
        double s1 = 0;
        double cc = 0;
        double c1 = 0;
        double n1 = 0;
        double ys = 0;
        double yc = 0;
        double y1 = 0;
        for (int i = from; i < to; i++) {
            double s = Math.sin(w * i);
            double c = Math.cos(w * i);
            ss += s * s;
            sc += s * c;
            s1 += s;
            cc += c * c;
            c1 += c;
            n1 += 1;
            ys += y[i] * s;
            yc += y[i] * c;
            y1 += y[i];
        }
        double[] abc = solve3(new double[][] {{ss, sc, s1}, {sc, cc, c1}, {s1, c1, n1}}, new double[] {ys, yc, y1});
        double e = 0;
        for (int i = from; i < to; i++) {
            double r = y[i] - (abc[0] * Math.sin(w * i) + abc[1] * Math.cos(w * i) + abc[2]);
            e += r * r;
        }
        return new SineFit(Math.hypot(abc[0], abc[1]), Math.atan2(abc[1], abc[0]), Math.sqrt(e / (to - from)));
    }

    /** THD+N in dB, positive: how far below the fitted tone the residual lies. */
    double thdPlusNoiseDb() {
        return 20 * Math.log10((amplitude / Math.sqrt(2)) / residualRms);
    }

    static double rms(float[] y, int from, int to) {
        double e = 0;
        for (int i = from; i < to; i++) {
            e += (double) y[i] * y[i];
        }
        return Math.sqrt(e / (to - from));
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve3(double[][] m, double[] v) {
        int n = 3;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            double tv = v[col];
            v[col] = v[pivot];
            v[pivot] = tv;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c < n; c++) {
                    m[r][c] -= f * m[col][c];
                }
                v[r] -= f * v[col];
            }
        }
        double[] out = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = v[r];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * out[c];
            }
            out[r] = s / m[r][r];
        }
        return out;
    }
}
