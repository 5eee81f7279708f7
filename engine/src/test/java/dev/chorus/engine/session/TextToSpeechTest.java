package dev.chorus.engine.session;

import dev.chorus.codecs.pcm.PcmClip;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;

import static org.assertj.core.api.Assertions.assertThat;

class TextToSpeechTest {
    private static final String TEXT = "Hi, I would like to book a table for two.";

    @Test
    void freeTtsLoadsHere() {
        assertThat(TextToSpeech.fallbackReason()).isNull();
    }

    @Test
    void sameTextGivesTheSameSamples() throws Exception {
        assertThat(sha256(PreparedTestCase.synthesise(TEXT, 8000)))
                .isEqualTo(sha256(PreparedTestCase.synthesise(TEXT, 8000)));
        assertThat(sha256(PreparedTestCase.synthesise(TEXT, 8000)))
                .isNotEqualTo(sha256(PreparedTestCase.synthesise("Actually, make it three.", 8000)));
    }

    @Test
    void speaksLoudEnoughForLongEnoughAtTheSendRate() {
        PcmClip clip = PreparedTestCase.synthesise(TEXT, 24_000);
        assertThat(clip.sampleRateHz()).isEqualTo(24_000);
        assertThat(clip.durationMillis()).isGreaterThan(300);
        assertThat(loudestWindowDbfs(clip, 20)).isGreaterThan(-40.0);
        // trimmed: the first and last 20 ms are not long silences
        assertThat(Math.abs(clip.samples()[0])).isLessThan(2000);
        PcmClip raw = TextToSpeech.synthesise(TEXT);
        int edge = raw.sampleRateHz() * 20 / 1000;
        assertThat(rms(raw.samples(), 0, edge)).isGreaterThan(0.0);
        assertThat(rms(raw.samples(), raw.length() - edge, raw.length())).isGreaterThan(0.0);
    }

    static double loudestWindowDbfs(PcmClip clip, int windowMillis) {
        int n = clip.sampleRateHz() * windowMillis / 1000;
        double best = 0;
        for (int from = 0; from + n <= clip.length(); from += n) {
            best = Math.max(best, rms(clip.samples(), from, from + n));
        }
        return 20 * Math.log10(Math.max(best, 1e-9) / 32768.0);
    }

    static double rms(short[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    private static String sha256(PcmClip clip) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (short s : clip.samples()) {
            md.update((byte) s);
            md.update((byte) (s >> 8));
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
