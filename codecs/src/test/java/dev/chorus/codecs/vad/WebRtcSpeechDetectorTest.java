package dev.chorus.codecs.vad;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WebRtcSpeechDetectorTest {
    private static final int[] RATES = {8000, 16000, 24000, 48000};
    private static final int UTTERANCES = 8;

    /** A stream of utterances after gaps, with the true first and last sample of each. */
    record Corpus(short[] samples, long[] starts, long[] ends) {
    }

    /** What a detector reported over a whole stream. */
    record Events(List<Long> onsets, List<Long> offsets, long lastSpeech) {
    }

    /**
     * Voiced "vowels": a glottal-like pulse train (f0 90–220 Hz, a slow ±10 % glide, first pulse at the start)
     * through three two-pole formant resonators (F1 300–800, F2 900–2300, F3 2500–3000 Hz), at a random level of
     * −30…−12 dBFS RMS, with a 3 ms attack and release. The abrupt, loud attack is where the frame grid would cost
     * the most precision.
     */
    static short[] vowel(int rateHz, int millis, long seed) {
        Random r = new Random(seed);
        int n = rateHz * millis / 1000;
        double f0 = 90 + r.nextInt(130);
        double[] formants = {300 + r.nextInt(500), 900 + r.nextInt(1400), 2500 + r.nextInt(500)};
        double[] bandwidths = {80, 110, 160};
        double[] a1 = new double[3];
        double[] a2 = new double[3];
        for (int k = 0; k < 3; k++) {
            double radius = Math.exp(-Math.PI * bandwidths[k] / rateHz);
            a1[k] = 2 * radius * Math.cos(2 * Math.PI * formants[k] / rateHz);
            a2[k] = -radius * radius;
        }
        double[] y1 = new double[3];
        double[] y2 = new double[3];
        double[] v = new double[n];
        // The first glottal pulse at sample 0, so the nominal start is the acoustic onset.
        double phase = 1;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) rateHz;
            double excitation = 0;
            if (phase >= 1) {
                phase -= 1;
                excitation = 1;
            }
            phase += f0 * (1 + 0.1 * Math.sin(2 * Math.PI * 1.3 * t)) / rateHz;
            double s = excitation;
            for (int k = 0; k < 3; k++) {
                double y = s + a1[k] * y1[k] + a2[k] * y2[k];
                y2[k] = y1[k];
                y1[k] = y;
                s = y * (1 - a1[k] - a2[k]) * 0.5;
            }
            v[i] = s;
            sumSquares += s * s;
        }
        double targetRms = 32768 * Math.pow(10, (-30 + r.nextInt(19)) / 20.0);
        double gain = targetRms / Math.sqrt(sumSquares / n);
        int ramp = rateHz * 3 / 1000;
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double edge = Math.min(1, Math.min((i + 1) / (double) ramp, (n - i) / (double) ramp));
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(v[i] * gain * edge)));
        }
        return out;
    }

    /** Utterances after 400–900 ms gaps of white noise at {@code noiseDbfs} RMS (or digital silence if null). */
    static Corpus corpus(int rateHz, Double noiseDbfs, boolean vowels, long seed) {
        Random r = new Random(seed);
        List<short[]> parts = new ArrayList<>();
        long[] starts = new long[UTTERANCES];
        long[] ends = new long[UTTERANCES];
        long pos = 0;
        for (int u = 0; u < UTTERANCES; u++) {
            // Gaps not a multiple of 10 ms, so onsets fall everywhere in the frame grid.
            int gap = rateHz * (400 + r.nextInt(500)) / 1000 + r.nextInt(rateHz / 100);
            parts.add(new short[gap]);
            pos += gap;
            short[] speech = vowels ? vowel(rateHz, 600 + r.nextInt(900), seed * 31 + u)
                    : SpeechLikeSignal.generate(rateHz, 600 + r.nextInt(900), seed * 31 + u);
            starts[u] = pos;
            ends[u] = pos + speech.length - 1;
            parts.add(speech);
            pos += speech.length;
        }
        parts.add(new short[rateHz / 2]);
        pos += rateHz / 2;
        short[] all = new short[(int) pos];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        if (noiseDbfs != null) {
            double rms = 32768 * Math.pow(10, noiseDbfs / 20);
            Random noise = new Random(seed + 1000);
            for (int i = 0; i < all.length; i++) {
                all[i] = (short) Math.max(-32768, Math.min(32767, all[i] + Math.round(noise.nextGaussian() * rms)));
            }
        }
        return new Corpus(all, starts, ends);
    }

    static Events run(SpeechDetector d, short[] x, int chunk) {
        List<Long> onsets = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        boolean was = false;
        for (int pos = 0; pos < x.length; pos += chunk) {
            long o = d.feed(x, pos, Math.min(chunk, x.length - pos));
            if (o >= 0) {
                onsets.add(o);
            }
            if (was && !d.inSpeech()) {
                offsets.add(d.lastSpeechSample());
            }
            was = d.inSpeech();
        }
        return new Events(onsets, offsets, d.lastSpeechSample());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] errorsMillis(List<Long> detected, long[] truth, int rateHz) {
        assertThat(detected).as("one event per utterance").hasSize(truth.length);
        double[] e = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            e[i] = (detected.get(i) - truth[i]) * 1000.0 / rateHz;
        }
        return e;
    }

    @Test
    void onsetErrorMedianIsWithinTenMillisecondsAtEveryRate() {
        for (int rate : RATES) {
            for (Double noise : new Double[] {null, -60.0}) {
                for (boolean vowels : new boolean[] {false, true}) {
                    Corpus c = corpus(rate, noise, vowels, rate + (vowels ? 7 : 0));
                    Events ev = run(new WebRtcSpeechDetector(rate), c.samples(), 480);
                    double[] on = errorsMillis(ev.onsets(), c.starts(), rate);
                    double[] off = errorsMillis(ev.offsets(), c.ends(), rate);
                    double max = Arrays.stream(on).map(Math::abs).max().orElse(0);
                    System.out.printf("rate %5d %-8s %-7s onset median %+6.2f ms max|.| %6.2f  "
                                    + "offset median %+6.2f ms range [%+.2f, %+.2f]%n", rate,
                            noise == null ? "silence" : noise + "dB", vowels ? "vowels" : "speech", median(on), max,
                            median(off), Arrays.stream(off).min().orElse(0), Arrays.stream(off).max().orElse(0));
                    assertThat(Math.abs(median(on))).as("rate %d noise %s", rate, noise).isLessThanOrEqualTo(10);
                    assertThat(max).as("rate %d noise %s", rate, noise).isLessThanOrEqualTo(30);
                    assertThat(Math.abs(median(off))).as("rate %d noise %s", rate, noise).isLessThanOrEqualTo(30);
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnChunking() {
        for (int rate : RATES) {
            Corpus c = corpus(rate, -60.0, false, 5);
            // feed() returns the first onset of a call, so the chunks stay short enough to hold at most one event.
            Events whole = run(new WebRtcSpeechDetector(rate), c.samples(), 1);
            assertThat(whole.onsets()).hasSize(UTTERANCES);
            for (int chunk : new int[] {7, 80, 333}) {
                assertThat(run(new WebRtcSpeechDetector(rate), c.samples(), chunk)).as("rate %d chunk %d", rate, chunk)
                        .isEqualTo(whole);
            }
            // Byte chunks that split samples.
            ByteBuf pcm = Unpooled.buffer(c.samples().length * 2);
            for (short s : c.samples()) {
                pcm.writeShortLE(s);
            }
            try {
                WebRtcSpeechDetector d = new WebRtcSpeechDetector(rate);
                List<Long> onsets = new ArrayList<>();
                for (int pos = 0; pos < pcm.writerIndex(); pos += 333) {
                    long o = d.feed(pcm, pos, Math.min(333, pcm.writerIndex() - pos));
                    if (o >= 0) {
                        onsets.add(o);
                    }
                }
                assertThat(onsets).isEqualTo(whole.onsets());
                assertThat(d.lastSpeechSample()).isEqualTo(whole.lastSpeech());
                assertThat(d.samplesFed()).isEqualTo(c.samples().length);
            } finally {
                pcm.release();
            }
        }
    }

    @Test
    void resetGivesTheSameResultsAsANewDetector() {
        Corpus c = corpus(16000, -60.0, true, 11);
        WebRtcSpeechDetector d = new WebRtcSpeechDetector(16000);
        Events first = run(d, c.samples(), 320);
        d.reset();
        assertThat(run(d, c.samples(), 320)).isEqualTo(first);
    }

    @Test
    void noiseAtMinus45DbfsGivesNoSpeech() {
        for (int rate : RATES) {
            for (boolean pink : new boolean[] {false, true}) {
                short[] x = new short[rate * 60];
                Random r = new Random(rate);
                double rms = 32768 * Math.pow(10, -45 / 20.0);
                double b0 = 0;
                double b1 = 0;
                double b2 = 0;
                for (int i = 0; i < x.length; i++) {
                    double w = r.nextGaussian();
                    double v = w;
                    if (pink) {
                        // Paul Kellet's economy pink filter, normalized to unit RMS approximately.
                        b0 = 0.99765 * b0 + w * 0.0990460;
                        b1 = 0.96300 * b1 + w * 0.2965164;
                        b2 = 0.57000 * b2 + w * 1.0526913;
                        v = (b0 + b1 + b2 + w * 0.1848) / 3.2;
                    }
                    x[i] = (short) Math.round(v * rms);
                }
                Events ev = run(new WebRtcSpeechDetector(rate), x, 480);
                assertThat(ev.onsets()).as("rate %d pink %s", rate, pink).isEmpty();
            }
        }
    }

    @Test
    void aClickIsNotSpeech() {
        short[] x = new short[16000];
        for (int i = 8000; i < 8040; i++) {
            x[i] = 20000;
        }
        WebRtcSpeechDetector d = new WebRtcSpeechDetector(16000);
        assertThat(d.feed(x, 0, x.length)).isEqualTo(-1);
        assertThat(d.inSpeech()).isFalse();
    }

    @Test
    void hangoverHoldsInSpeechButNotTheLastSpeechSample() {
        Corpus c = corpus(16000, null, false, 3);
        long end = c.ends()[0];
        short[] x = Arrays.copyOf(c.samples(), (int) end + 1 + 16000 * 320 / 1000);
        WebRtcSpeechDetector d = WebRtcSpeechDetector.builder(16000).hangoverMillis(300).build();
        d.feed(x, 0, (int) end + 1 + 16000 * 250 / 1000);
        assertThat(d.inSpeech()).isTrue();
        d.feed(x, (int) end + 1 + 16000 * 250 / 1000, 16000 * 70 / 1000);
        assertThat(d.inSpeech()).isFalse();
        assertThat(d.lastSpeechSample()).isBetween(end - 16000 * 30 / 1000, end + 16000 * 5 / 1000);
    }

    /** Agents start replies mid-word: a stream that opens with speech has its onset at sample 0, not a dip later. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {8000, 16000, 24000, 48000})
    void streamThatOpensWithSpeechHasItsOnsetAtTheStart(int rateHz) {
        short[] speech = dev.chorus.codecs.pcm.SpeechLikeSignal.generate(rateHz, 1200, 42);
        WebRtcSpeechDetector d = new WebRtcSpeechDetector(rateHz);
        long onset = d.feed(speech, 0, speech.length);
        org.assertj.core.api.Assertions.assertThat(onset * 1000.0 / rateHz).isBetween(0.0, 5.0);
    }
}
