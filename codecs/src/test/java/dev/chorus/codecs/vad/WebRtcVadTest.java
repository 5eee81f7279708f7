package dev.chorus.codecs.vad;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The port's primitives against the reference values of WebRTC's own unit tests (vad_filterbank_unittest.cc,
 * vad_sp_unittest.cc, vad_core_unittest.cc, vad_unittest.cc, as carried by libfvad) and against values worked out by
 * hand from the C.
 */
class WebRtcVadTest {
    private static final int[] FRAME_LENGTHS_8KHZ = {80, 160, 240};

    /** The C tests' "speech": {@code (int16_t) (i * i)}, which wraps around on purpose. */
    private static short[] squares(int n) {
        short[] x = new short[n];
        for (int i = 0; i < n; i++) {
            x[i] = (short) (i * i);
        }
        return x;
    }

    @Test
    void featuresMatchTheWebRtcFilterbankReference() {
        short[] expectedTotal = {48, 11, 11};
        short[][] expected = {
            {1213, 759, 587, 462, 434, 272},
            {1479, 1385, 1291, 1200, 1103, 1099},
            {1732, 1692, 1681, 1629, 1436, 1436}
        };
        // One instance across the three lengths, as the C test does: the filter states carry over.
        WebRtcVad vad = new WebRtcVad(8000, 0);
        short[] speech = squares(240);
        short[] features = new short[6];
        for (int j = 0; j < 3; j++) {
            assertThat(vad.calculateFeatures(speech, 0, FRAME_LENGTHS_8KHZ[j], features)).isEqualTo(expectedTotal[j]);
            assertThat(features).as("frame length %d", FRAME_LENGTHS_8KHZ[j]).containsExactly(expected[j]);
        }
    }

    @Test
    void zerosAndOnesGiveTheOffsetVector() {
        short[] features = new short[6];
        WebRtcVad vad = new WebRtcVad(8000, 0);
        for (int length : FRAME_LENGTHS_8KHZ) {
            assertThat(vad.calculateFeatures(new short[240], 0, length, features)).isZero();
            assertThat(features).containsExactly(WebRtcVad.OFFSET_VECTOR);
        }
        short[] ones = new short[240];
        java.util.Arrays.fill(ones, (short) 1);
        for (int length : FRAME_LENGTHS_8KHZ) {
            vad.reset();
            assertThat(vad.calculateFeatures(ones, 0, length, features)).isZero();
            assertThat(features).containsExactly(WebRtcVad.OFFSET_VECTOR);
        }
    }

    @Test
    void downsamplingMatchesTheWebRtcReferenceState() {
        int[] state = new int[2];
        short[] out = new short[480];
        WebRtcDownsampler.downsampling(new short[960], 0, out, 0, state, 0, 960);
        assertThat(state).containsExactly(0, 0);
        assertThat(out).containsOnly((short) 0);
        WebRtcDownsampler.downsampling(squares(960), 0, out, 0, state, 0, 960);
        assertThat(state).containsExactly(207, 2270);
    }

    @Test
    void findMinimumMatchesTheWebRtcReference() {
        short[] expected = {
            1600, 720, 509, 512, 532, 552, 570, 588, 606, 624, 642, 659, 675, 691, 707, 723,
            1600, 544, 502, 522, 542, 561, 579, 597, 615, 633, 651, 667, 683, 699, 715, 731
        };
        WebRtcVad vad = new WebRtcVad(8000, 0);
        for (int i = 0; i < 16; i++) {
            short value = (short) (500 * (i + 1));
            for (int channel = 0; channel < 6; channel++) {
                assertThat(vad.findMinimum(value, channel)).isEqualTo(expected[i]);
                assertThat(vad.findMinimum((short) 12000, channel)).isEqualTo(expected[i + 16]);
            }
            vad.incrementFrameCounter();
        }
    }

    @Test
    void gaussianProbabilityMatchesHandComputedValues() {
        short[] delta = new short[1];
        // x == mean (x = 100 in Q4 is 800 in Q7), std = 1.0 (128 in Q7): inv_std = (131072 + 64) / 128 = 1024
        // (1.0 in Q10), exponent 0, exp_value = 0x400, so 1024 * 1024 = 2^20 (1.0 in Q20) and delta 0.
        assertThat(WebRtcVad.gaussianProbability((short) 100, (short) 800, (short) 128, delta, 0)).isEqualTo(1 << 20);
        assertThat(delta[0]).isZero();
        // One std away (x = 116 in Q4, x - m = 128 in Q7): inv_std2 = (256 * 256) >> 2 = 16384 (Q14),
        // delta = 16384 * 128 >> 10 = 2048 (1.0 in Q11), exponent = 2048 * 128 >> 9 = 512 (0.5 in Q10),
        // log2(e) * 0.5 = 5909 * 512 >> 12 = 738,
        // exp_value = (0x400 | (-738 & 0x3FF)) >> 1 = (1024 | 286) >> 1 = 655 (0.6396 ~ e^-0.5 = 0.6065 in Q10).
        assertThat(WebRtcVad.gaussianProbability((short) 116, (short) 800, (short) 128, delta, 0))
                .isEqualTo(1024 * 655);
        assertThat(delta[0]).isEqualTo((short) 2048);
    }

    @Test
    void splNormsMatchTheirDefinitions() {
        assertThat(WebRtcVad.normW32(0)).isZero();
        assertThat(WebRtcVad.normW32(1)).isEqualTo(30);
        assertThat(WebRtcVad.normW32(-1)).isEqualTo(31);
        assertThat(WebRtcVad.normW32(0x40000000)).isZero();
        assertThat(WebRtcVad.normU32(1)).isEqualTo(31);
        assertThat(WebRtcVad.normU32(0x80000000)).isZero();
        // 80 samples of 10000: 10^8 needs 27 bits, times = 80 needs 7, so 27 + 7 - 31 = 3 right shifts.
        short[] x = new short[80];
        java.util.Arrays.fill(x, (short) 10000);
        assertThat(WebRtcVad.getScalingSquare(x, 80, 80)).isEqualTo(3);
    }

    @Test
    void zerosAreNoiseAndTheReferenceSpeechIsSpeechAtEveryRateAndLength() {
        for (int rate : new int[] {8000, 16000, 24000, 32000, 48000}) {
            WebRtcVad vad = new WebRtcVad(rate, 0);
            short[] zeros = new short[rate * 3 / 100];
            for (int ms = 10; ms <= 30; ms += 10) {
                assertThat(vad.process(zeros, 0, rate * ms / 1000)).as("rate %d, %d ms", rate, ms).isZero();
            }
            short[] speech = squares(rate * 3 / 100);
            for (int ms = 10; ms <= 30; ms += 10) {
                assertThat(vad.process(speech, 0, rate * ms / 1000)).as("rate %d, %d ms", rate, ms).isEqualTo(1);
            }
        }
    }

    @Test
    void everyModeFindsTheReferenceSpeechAsInTheApiTest() {
        // vad_unittest.cc TEST_VAD_API: one instance, zeros once, then every mode and frame length in turn.
        short[] speech = squares(240);
        WebRtcVad vad = new WebRtcVad(8000, 0);
        assertThat(vad.process(new short[80], 0, 80)).isZero();
        for (int mode = 0; mode <= 3; mode++) {
            vad.setMode(mode);
            for (int length : FRAME_LENGTHS_8KHZ) {
                assertThat(vad.process(speech, 0, length)).as("mode %d length %d", mode, length).isEqualTo(1);
            }
        }
    }

    @Test
    void rejectsBadModesRatesAndLengths() {
        assertThatThrownBy(() -> new WebRtcVad(16000, 4)).hasMessageContaining("mode=4");
        assertThatThrownBy(() -> new WebRtcVad(44100, 0)).hasMessageContaining("sampleRateHz=44100");
        assertThatThrownBy(() -> new WebRtcVad(16000, 0).process(new short[200], 0, 200))
                .hasMessageContaining("length=200");
    }

    @Test
    void decisionsAreDeterministic() {
        Random random = new Random(3);
        short[] x = new short[48000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) (random.nextGaussian() * (i % 9600 < 4800 ? 3000 : 30));
        }
        WebRtcVad a = new WebRtcVad(48000, 3);
        WebRtcVad b = new WebRtcVad(48000, 3);
        for (int pos = 0; pos < x.length; pos += 480) {
            assertThat(a.processRaw(x, pos, 480)).isEqualTo(b.processRaw(x, pos, 480));
        }
        a.reset();
        WebRtcVad c = new WebRtcVad(48000, 3);
        for (int pos = 0; pos < x.length; pos += 480) {
            assertThat(a.processRaw(x, pos, 480)).isEqualTo(c.processRaw(x, pos, 480));
        }
    }
    @Test
    void silentFramesFromTheMemoDecideAsTheFilterBankDoes() {
        for (int rate : new int[] {8000, 16000, 24000, 32000, 48000}) {
            WebRtcVad filtered = new WebRtcVad(rate, 3);
            WebRtcVad memo = new WebRtcVad(rate, 3);
            int n = rate / 100;
            short[] frame = new short[n];
            Random random = new Random(rate);
            for (int k = 0; k < 2000; k++) {
                // Bursts of tone-modulated noise (speech-like to the models) between runs of digital silence.
                boolean sound = (k / 150) % 2 == 0 && k % 150 < 60;
                for (int i = 0; i < n; i++) {
                    frame[i] = sound ? (short) (random.nextGaussian() * 2500 * Math.sin(i * 0.3 + k)) : 0;
                }
                int expected = filtered.processRaw(frame, 0, n);
                int actual = sound ? memo.processRaw(frame, 0, n) : memo.processSilence10ms();
                assertThat(actual).as("rate %d frame %d", rate, k).isEqualTo(expected);
            }
            assertThat(memo.silenceMemoHits).as("rate %d: silent frames taken from the memo", rate)
                    .isGreaterThan(1000);
        }
    }
}
