package dev.chorus.codecs.resample;

/**
 * Rational L/M polyphase FIR resampler with a Kaiser-windowed sinc prototype: passband flat (ripple ≪ 0.01 dB) to
 * 0.875 × the lower Nyquist frequency, stopband from the lower Nyquist frequency on at ≥ 100 dB, so nothing aliases
 * and no image survives. Float arithmetic, rounded and clipped to 16 bits on output. Not thread-safe.
 *
 * <pre>
 *  input x ──► (zero-stuff ×L) ──► h (N taps, cutoff 0.9375·Nyq_min) ──► keep every M-th
 *  output j = Σ_i hrev[p][i] · x[base − K + 1 + i],  p = (j·M) mod L,  base = ⌊j·M / L⌋
 * </pre>
 *
 * Each phase's taps are stored reversed so the inner loop walks both arrays forward with four independent
 * accumulators, a shape C2 can unroll and vectorise.
 */
public final class PolyphaseResampler implements Resampler {
    static final double STOPBAND_DB = 100;
    static final double PASSBAND_EDGE = 0.875;

    private final int inRateHz;
    private final int outRateHz;
    private final int up;
    private final int down;
    private final int tapsPerPhase;
    private final float[][] phases;
    private final double delayUpsampled;
    private final long startPosition;
    private float[] x;
    private int xLen;
    private long xStart;
    private long position;

    public PolyphaseResampler(int inRateHz, int outRateHz) {
        this(inRateHz, outRateHz, false);
    }

    /**
     * @param aligned when true the output's first sample lines up with the input's first sample (the filter delay
     *                is skipped by starting at the filter's centre): for converting whole clips
     */
    PolyphaseResampler(int inRateHz, int outRateHz, boolean aligned) {
        if (inRateHz <= 0 || outRateHz <= 0) {
            throw new IllegalArgumentException("rates must be positive: " + inRateHz + " -> " + outRateHz);
        }
        this.inRateHz = inRateHz;
        this.outRateHz = outRateHz;
        int g = gcd(inRateHz, outRateHz);
        this.up = outRateHz / g;
        this.down = inRateHz / g;
        double nyquistMin = Math.min(inRateHz, outRateHz) / 2.0;
        double upRate = (double) inRateHz * up;
        double transitionHz = (1 - PASSBAND_EDGE) * nyquistMin;
        double cutoffHz = nyquistMin - transitionHz / 2;
        double beta = 0.1102 * (STOPBAND_DB - 8.7);
        double deltaOmega = 2 * Math.PI * transitionHz / upRate;
        int n = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * deltaOmega)) + 1;
        if ((n & 1) == 0) {
            n++;
        }
        this.tapsPerPhase = (n + up - 1) / up;
        double center = (n - 1) / 2.0;
        this.delayUpsampled = center;
        double[] h = new double[tapsPerPhase * up];
        double i0Beta = besselI0(beta);
        double fc = cutoffHz / upRate;
        for (int i = 0; i < n; i++) {
            double t = i - center;
            double sinc = t == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
            double r = t / center;
            double w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[i] = sinc * w * up;
        }
        this.phases = new float[up][tapsPerPhase];
        for (int p = 0; p < up; p++) {
            for (int k = 0; k < tapsPerPhase; k++) {
                phases[p][tapsPerPhase - 1 - k] = (float) h[p + k * up];
            }
        }
        this.startPosition = aligned ? (long) center : 0;
        reset();
    }

    @Override
    public int inputRateHz() {
        return inRateHz;
    }

    @Override
    public int outputRateHz() {
        return outRateHz;
    }

    @Override
    public double groupDelaySamples() {
        return (delayUpsampled - startPosition) / down;
    }

    @Override
    public int maxOutput(int inLength) {
        return (int) (((long) inLength + tapsPerPhase + 1) * up / down) + 2;
    }

    @Override
    public void reset() {
        x = new float[Math.max(64, 2 * tapsPerPhase)];
        xLen = tapsPerPhase - 1;
        xStart = -(tapsPerPhase - 1);
        position = startPosition;
    }

    @Override
    public int process(short[] in, int inOffset, int inLength, short[] out, int outOffset) {
        ensureCapacity(xLen + inLength);
        float[] buf = x;
        for (int i = 0; i < inLength; i++) {
            buf[xLen + i] = in[inOffset + i];
        }
        xLen += inLength;
        return drain(out, outOffset);
    }

    @Override
    public int flush(short[] out, int outOffset) {
        ensureCapacity(xLen + tapsPerPhase);
        java.util.Arrays.fill(x, xLen, xLen + tapsPerPhase, 0f);
        xLen += tapsPerPhase;
        return drain(out, outOffset);
    }

    private int drain(short[] out, int outOffset) {
        final int k = tapsPerPhase;
        final float[] buf = x;
        final long lastAvailable = xStart + xLen - 1;
        int written = 0;
        while (true) {
            long base = position / up;
            if (base > lastAvailable) {
                break;
            }
            int phase = (int) (position - base * up);
            int from = (int) (base - (k - 1) - xStart);
            float v = dot(phases[phase], buf, from, k);
            int s = Math.round(v);
            out[outOffset + written++] = (short) (s > Short.MAX_VALUE ? Short.MAX_VALUE
                    : s < Short.MIN_VALUE ? Short.MIN_VALUE : s);
            position += down;
        }
        // Keep the K-1 samples before the next output's base.
        long keepFrom = position / up - (k - 1);
        int drop = (int) Math.max(0, Math.min(xLen, keepFrom - xStart));
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, xLen - drop);
            xLen -= drop;
            xStart += drop;
        }
        return written;
    }

    private static float dot(float[] h, float[] x, int from, int n) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            a0 += h[i] * x[from + i];
            a1 += h[i + 1] * x[from + i + 1];
            a2 += h[i + 2] * x[from + i + 2];
            a3 += h[i + 3] * x[from + i + 3];
        }
        for (; i < n; i++) {
            a0 += h[i] * x[from + i];
        }
        return (a0 + a1) + (a2 + a3);
    }

    private void ensureCapacity(int n) {
        if (n > x.length) {
            x = java.util.Arrays.copyOf(x, Math.max(n, x.length * 2));
        }
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static double besselI0(double v) {
        double sum = 1;
        double term = 1;
        double half = v / 2;
        for (int k = 1; k < 200; k++) {
            term *= (half / k) * (half / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }
}
