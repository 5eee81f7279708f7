package dev.chorus.codecs.vad;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EnergySpeechDetectorTest {
    private static short[] silenceThenSpeech(int rate, int silenceSamples, int speechMillis, double noiseRms) {
        short[] speech = SpeechLikeSignal.generate(rate, speechMillis, 1);
        short[] all = new short[silenceSamples + speech.length + rate / 2];
        Random random = new Random(2);
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (random.nextGaussian() * noiseRms);
        }
        for (int i = 0; i < speech.length; i++) {
            all[silenceSamples + i] += speech[i];
        }
        return all;
    }

    @Test
    void findsTheOnsetWithinAMillisecondWhateverTheChunking() {
        for (int rate : new int[] {8000, 16000, 24000, 48000}) {
            int start = rate / 3 + 17;
            short[] x = silenceThenSpeech(rate, start, 800, 20);
            for (int chunk : new int[] {1, 7, 960, x.length}) {
                EnergySpeechDetector d = new EnergySpeechDetector(rate);
                long onset = -1;
                for (int pos = 0; pos < x.length; pos += chunk) {
                    long o = d.feed(x, pos, Math.min(chunk, x.length - pos));
                    if (o >= 0 && onset < 0) {
                        onset = o;
                    }
                }
                assertThat(onset).as("rate %d chunk %d", rate, chunk).isBetween((long) start, start + rate / 1000L);
                assertThat(d.inSpeech()).isFalse();
                assertThat(d.lastSpeechSample()).isBetween(start + rate * 800L / 1000 - rate / 100,
                        start + rate * 800L / 1000);
            }
        }
    }

    @Test
    void ignoresSilenceNoiseAndClicks() {
        EnergySpeechDetector d = new EnergySpeechDetector(16000);
        short[] x = new short[16000];
        Random random = new Random(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) (random.nextGaussian() * 30);
        }
        for (int i = 8000; i < 8040; i++) {
            x[i] = 20000;
        }
        assertThat(d.feed(x, 0, x.length)).isEqualTo(-1);
        assertThat(d.inSpeech()).isFalse();
    }
}
