package dev.chorus.codecs.resample;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link Resampler} promises for the 12 ordered pairs of 8/16/24/48 kHz (issue 3, item 5): the
 * "transparent" figures of notes/audio.md §8, measured on the float path with sine fits, plus streaming and the
 * short path's rounding. One subclass per implementation, as JCTools' {@code QueueSanityTest} does.
 *
 * <p>Each measurement runs 0.25 s of input and analyses the output from {@value #SETTLE_MILLIS} ms on, once the
 * filter is full (the tone's switch-on click has left it).
 */
public abstract class ResamplerContractTest {
    static final int[] RATES = {8000, 16000, 24000, 48000};
    static final double PASSBAND_EDGE = 0.875;
    static final double MAX_RIPPLE_DB = 0.01;
    static final double MIN_EDGE_GAIN_DB = -1;
    static final double MIN_REJECTION_DB = 100;
    static final double MIN_THD_PLUS_NOISE_DB = 110;
    static final double MAX_DELAY_MILLIS = 10;
    static final int SETTLE_MILLIS = 25;
    static final int INPUT_MILLIS = 250;
    static final double AMPLITUDE = 0.5;

    /** A fresh resampler for the pair. */
    protected abstract Resampler newResampler(int inRateHz, int outRateHz);

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (int in : RATES) {
            for (int out : RATES) {
                if (in != out) {
                    pairs.add(Arguments.of(in, out));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void passbandIsFlatToItsEdgeAndStillUpAtNineTenthsOfNyquist(int in, int out) {
        double nyquistMinHz = Math.min(in, out) / 2.0;
        double minDb = Double.MAX_VALUE;
        double maxDb = -Double.MAX_VALUE;
        for (int t = 0; t <= 40; t++) {
            double hz = nyquistMinHz * (0.02 + (PASSBAND_EDGE - 0.02) * t / 40);
            double db = 20 * Math.log10(toneThrough(in, out, hz).amplitude / AMPLITUDE);
            minDb = Math.min(minDb, db);
            maxDb = Math.max(maxDb, db);
        }
        double edgeDb = 20 * Math.log10(toneThrough(in, out, 0.9 * nyquistMinHz).amplitude / AMPLITUDE);
        report(in, out, "ripple %.2e dB p-p (%.2e..%.2e), gain@0.9 %.3f dB", maxDb - minDb, minDb, maxDb, edgeDb);
        assertThat(maxDb - minDb).isLessThanOrEqualTo(MAX_RIPPLE_DB);
        assertThat(Math.max(-minDb, maxDb)).isLessThanOrEqualTo(MAX_RIPPLE_DB);
        assertThat(edgeDb).isGreaterThanOrEqualTo(MIN_EDGE_GAIN_DB);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void passbandTonesComeOutWithThdPlusNoiseBelow110Db(int in, int out) {
        double nyquistMinHz = Math.min(in, out) / 2.0;
        double worstDb = Double.MAX_VALUE;
        double worstHz = 0;
        for (int t = 0; t <= 40; t++) {
            double hz = nyquistMinHz * (0.02 + (PASSBAND_EDGE - 0.02) * t / 40);
            double db = toneThrough(in, out, hz).thdPlusNoiseDb();
            if (db < worstDb) {
                worstDb = db;
                worstHz = hz;
            }
        }
        report(in, out, "worst THD+N %.1f dB at %.0f Hz", worstDb, worstHz);
        assertThat(worstDb).as("THD+N at %.0f Hz", worstHz).isGreaterThanOrEqualTo(MIN_THD_PLUS_NOISE_DB);
    }

    /** Down-sampling: every tone from the output Nyquist up to the input Nyquist, aliases into the passband too. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void rejectsEveryToneAboveTheOutputNyquist(int in, int out) {
        assumeTrue(out < in, "only down-sampling can alias");
        double worstDb = -Double.MAX_VALUE;
        double worstHz = 0;
        double fromHz = out / 2.0;
        double toHz = 0.99 * in / 2.0;
        for (int t = 0; t <= 60; t++) {
            double hz = fromHz + (toHz - fromHz) * t / 60;
            float[] y = through(newResampler(in, out), tone(in, hz));
            int from = out * SETTLE_MILLIS / 1000;
            double db = 20 * Math.log10(SineFit.rms(y, from, y.length) / (AMPLITUDE / Math.sqrt(2)));
            if (db > worstDb) {
                worstDb = db;
                worstHz = hz;
            }
        }
        report(in, out, "worst alias %.1f dB at %.0f Hz", worstDb, worstHz);
        assertThat(-worstDb).as("rejection of %.0f Hz", worstHz).isGreaterThanOrEqualTo(MIN_REJECTION_DB);
    }

    /** Up-sampling: whatever is not the tone itself (images at k·fs_in ± f) is 100 dB down, up to 0.99·Nyquist. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void imagesAreRejected(int in, int out) {
        assumeTrue(out > in, "only up-sampling images");
        double worstDb = -Double.MAX_VALUE;
        double worstHz = 0;
        for (int t = 0; t <= 60; t++) {
            double hz = in / 2.0 * (0.02 + 0.97 * t / 60);
            SineFit fit = toneThrough(in, out, hz);
            double db = 20 * Math.log10(fit.residualRms / (AMPLITUDE / Math.sqrt(2)));
            if (db > worstDb) {
                worstDb = db;
                worstHz = hz;
            }
        }
        report(in, out, "worst image %.1f dB for a %.0f Hz tone", worstDb, worstHz);
        assertThat(-worstDb).as("images of %.0f Hz", worstHz).isGreaterThanOrEqualTo(MIN_REJECTION_DB);
    }

    /**
     * A band-limited pulse centred on input sample c comes out centred on c·out/in + groupDelaySamples(). The
     * energy centroid is exact for a symmetric pulse whose square is band-limited below the output rate.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void pulseLandsWhereTheDeclaredGroupDelaySaysAndWithin10Ms(int in, int out) {
        Resampler r = newResampler(in, out);
        double delay = r.groupDelaySamples();
        assertThat(delay / out * 1000).isBetween(0.0, MAX_DELAY_MILLIS);
        float[] x = new float[in / 5];
        int centre = in * 80 / 1000;
        int halfWidth = in * 20 / 1000;
        double cutoff = 0.4 * Math.min(in, out) / in;
        for (int i = -halfWidth; i <= halfWidth; i++) {
            double sinc = i == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * i) / (Math.PI * i);
            double hann = 0.5 + 0.5 * Math.cos(Math.PI * i / halfWidth);
            x[centre + i] = (float) (sinc * hann);
        }
        float[] y = through(r, x);
        double moment = 0;
        double energy = 0;
        int peak = 0;
        for (int j = 0; j < y.length; j++) {
            double e = (double) y[j] * y[j];
            moment += j * e;
            energy += e;
            peak = Math.abs(y[j]) > Math.abs(y[peak]) ? j : peak;
        }
        double expected = (double) centre * out / in + delay;
        report(in, out, "group delay %.3f samples = %.3f ms, centroid error %.1e samples", delay, delay / out * 1000,
                moment / energy - expected);
        assertThat(moment / energy).isCloseTo(expected, org.assertj.core.api.Assertions.within(0.01));
        assertThat((double) peak).isCloseTo(expected, org.assertj.core.api.Assertions.within(0.5));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void givesBitIdenticalOutputWhateverTheChunking(int in, int out) {
        Random random = new Random(in * 31L + out);
        short[] x = new short[in / 4];
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) (random.nextGaussian() * 3000);
            xf[i] = (float) random.nextGaussian();
        }
        Resampler whole = newResampler(in, out);
        short[] a = new short[whole.maxOutput(x.length) + whole.maxOutput(0)];
        int na = whole.process(x, 0, x.length, a, 0);
        na += whole.flush(a, na);
        float[] af = new float[a.length];
        whole.reset();
        int naf = whole.process(xf, 0, xf.length, af, 0);
        naf += whole.flush(af, naf);

        Resampler chunked = newResampler(in, out);
        for (int round = 0; round < 3; round++) {
            // Round 0: single samples and tiny chunks; then any size up to two 20 ms frames.
            int maxChunk = round == 0 ? 3 : in / 25;
            chunked.reset();
            short[] b = new short[a.length];
            int nb = 0;
            for (int pos = 0, len; pos < x.length; pos += len) {
                len = Math.min(x.length - pos, 1 + random.nextInt(maxChunk));
                nb += chunked.process(x, pos, len, b, nb);
            }
            nb += chunked.flush(b, nb);
            assertThat(Arrays.copyOf(b, nb)).isEqualTo(Arrays.copyOf(a, na));

            chunked.reset();
            float[] bf = new float[af.length];
            int nbf = 0;
            for (int pos = 0, len; pos < xf.length; pos += len) {
                len = Math.min(xf.length - pos, 1 + random.nextInt(maxChunk));
                nbf += chunked.process(xf, pos, len, bf, nbf);
            }
            nbf += chunked.flush(bf, nbf);
            assertThat(Arrays.copyOf(bf, nbf)).isEqualTo(Arrays.copyOf(af, naf));
        }
    }

    /** The short path is the float path rounded to nearest and clipped, never wrapped. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void shortPathRoundsAndClipsTheFloatPath(int in, int out) {
        // A full-scale square wave: its Gibbs overshoot goes past 16 bits.
        short[] x = new short[in / 10];
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i / 37) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
            xf[i] = x[i];
        }
        Resampler r = newResampler(in, out);
        short[] y = new short[r.maxOutput(x.length)];
        int n = r.process(x, 0, x.length, y, 0);
        r.reset();
        float[] yf = new float[y.length];
        assertThat(r.process(xf, 0, xf.length, yf, 0)).isEqualTo(n);
        boolean clipped = false;
        for (int j = 0; j < n; j++) {
            int expected = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(yf[j])));
            clipped |= expected != Math.round(yf[j]);
            assertThat(y[j]).as("sample %d of %d", j, n).isEqualTo((short) expected);
        }
        assertThat(clipped).as("the overshoot reached past 16 bits").isTrue();
    }

    /** 1 s of 16-bit audio: the tone at its level; the residual is 16-bit rounding (about 98 dB), nothing else. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void shortPathCarriesAToneAtSixteenBitQuality(int in, int out) {
        short[] x = new short[in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) Math.round(AMPLITUDE * 32767 * Math.sin(2 * Math.PI * 1000.0 * i / in));
        }
        Resampler r = newResampler(in, out);
        short[] y = new short[r.maxOutput(x.length)];
        int n = r.process(x, 0, x.length, y, 0);
        float[] yf = new float[n];
        for (int j = 0; j < n; j++) {
            yf[j] = y[j] / 32767f;
        }
        SineFit fit = SineFit.fit(yf, out * SETTLE_MILLIS / 1000, n, 1000.0 / out);
        assertThat(20 * Math.log10(fit.amplitude / AMPLITUDE)).isBetween(-MAX_RIPPLE_DB, MAX_RIPPLE_DB);
        assertThat(fit.thdPlusNoiseDb()).isGreaterThan(85);
    }

    /** A tone at {@code hz} through a fresh resampler's float path, fitted after the filter settles. */
    SineFit toneThrough(int in, int out, double hz) {
        float[] y = through(newResampler(in, out), tone(in, hz));
        return SineFit.fit(y, out * SETTLE_MILLIS / 1000, y.length, hz / out);
    }

    static float[] tone(int rateHz, double hz) {
        float[] x = new float[rateHz * INPUT_MILLIS / 1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * hz * i / rateHz));
        }
        return x;
    }

    static float[] through(Resampler r, float[] x) {
        float[] y = new float[r.maxOutput(x.length)];
        return Arrays.copyOf(y, r.process(x, 0, x.length, y, 0));
    }

    /** One line per pair and figure, for the table (surefire keeps it in the test's output file). */
    void report(int in, int out, String format, Object... args) {
        System.out.printf("%s %5d -> %5d: %s%n", getClass().getSimpleName(), in, out, String.format(format, args));
    }
}
