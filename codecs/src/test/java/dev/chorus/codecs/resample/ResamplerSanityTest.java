package dev.chorus.codecs.resample;

import dev.chorus.codecs.pcm.PcmClip;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every pair of 8/16/24/48 kHz: tones pass at the right frequency, aliases are rejected, chunking does not matter. */
class ResamplerSanityTest {
    static final int[] RATES = {8000, 16000, 24000, 48000};

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

    static short[] tone(int rate, double hz, double amplitude, int n) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** Least-squares amplitude of a sine at {@code hz} over the middle of the signal. */
    static double amplitudeAt(short[] s, int rate, double hz) {
        int from = s.length / 5;
        int to = s.length * 4 / 5;
        double ss = 0;
        double sc = 0;
        double cc = 0;
        double xs = 0;
        double xc = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * hz * i / rate;
            double sin = Math.sin(w);
            double cos = Math.cos(w);
            ss += sin * sin;
            cc += cos * cos;
            sc += sin * cos;
            xs += s[i] * sin;
            xc += s[i] * cos;
        }
        double det = ss * cc - sc * sc;
        double a = (xs * cc - xc * sc) / det;
        double b = (xc * ss - xs * sc) / det;
        return Math.hypot(a, b) / 32767;
    }

    static double rms(short[] s) {
        double e = 0;
        int from = s.length / 5;
        int to = s.length * 4 / 5;
        for (int i = from; i < to; i++) {
            e += (double) s[i] * s[i];
        }
        return Math.sqrt(e / (to - from)) / 32767;
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aOneKilohertzToneArrivesAsOneKilohertz(int in, int out) {
        PcmClip y = Resamplers.convert(new PcmClip(tone(in, 1000, 0.5, in), in), out);
        assertThat(y.length()).isEqualTo(out);
        double a = amplitudeAt(y.samples(), out, 1000);
        assertThat(20 * Math.log10(a / 0.5)).isBetween(-0.01, 0.01);
        // Residual after removing the tone: 16-bit rounding noise only (> 85 dB below the tone).
        double residual = Math.sqrt(Math.max(0, rms(y.samples()) * rms(y.samples()) - a * a / 2));
        assertThat(20 * Math.log10(residual / (a / Math.sqrt(2)))).isLessThan(-85);
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void rejectsTonesAboveTheOutputNyquist(int in, int out) {
        if (out >= in) {
            return;
        }
        for (double f : new double[] {out * 0.5 + 50, out * 0.6, in * 0.45}) {
            PcmClip y = Resamplers.convert(new PcmClip(tone(in, f, 0.9, in), in), out);
            double level = rms(y.samples()) / (0.9 / Math.sqrt(2));
            assertThat(20 * Math.log10(Math.max(level, 1e-12))).as("tone %.0f Hz", f).isLessThan(-80);
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void givesTheSameOutputWhateverTheChunking(int in, int out) {
        short[] x = new short[in / 2];
        Random random = new Random(in * 31L + out);
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) (random.nextGaussian() * 3000);
        }
        Resampler whole = Resamplers.create(in, out);
        short[] a = new short[whole.maxOutput(x.length)];
        int na = whole.process(x, 0, x.length, a, 0);
        Resampler chunked = Resamplers.create(in, out);
        short[] b = new short[a.length + 64];
        int nb = 0;
        int pos = 0;
        while (pos < x.length) {
            int len = Math.min(x.length - pos, 1 + random.nextInt(500));
            short[] tmp = new short[chunked.maxOutput(len)];
            int n = chunked.process(x, pos, len, tmp, 0);
            System.arraycopy(tmp, 0, b, nb, n);
            nb += n;
            pos += len;
        }
        assertThat(nb).isEqualTo(na);
        assertThat(java.util.Arrays.copyOf(b, nb)).isEqualTo(java.util.Arrays.copyOf(a, na));
    }

    @org.junit.jupiter.api.Test
    void convertsCdRateToo() {
        PcmClip y = Resamplers.convert(new PcmClip(tone(44100, 440, 0.5, 44100), 44100), 16000);
        assertThat(y.length()).isEqualTo(16000);
        assertThat(amplitudeAt(y.samples(), 16000, 440)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.001));
    }
}
