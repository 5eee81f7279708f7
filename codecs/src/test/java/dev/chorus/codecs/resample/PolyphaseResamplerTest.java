package dev.chorus.codecs.resample;

import dev.chorus.codecs.pcm.PcmClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The contract for {@link PolyphaseResampler}, plus whole-clip conversion through {@link Resamplers#convert}. */
class PolyphaseResamplerTest extends ResamplerContractTest {
    @Override
    protected Resampler newResampler(int inRateHz, int outRateHz) {
        return new PolyphaseResampler(inRateHz, outRateHz);
    }

    @Test
    void createGivesThePolyphaseResamplerForDifferentRates() {
        assertThat(Resamplers.create(8000, 48000)).isInstanceOf(PolyphaseResampler.class);
        assertThat(Resamplers.create(16000, 16000).groupDelaySamples()).isZero();
    }

    /** convert removes the delay: a 1 kHz sine at phase 0 comes out at phase 0, sample-aligned, same length. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void convertKeepsLengthLevelAndTimeAlignment(int in, int out) {
        short[] x = new short[in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * 1000.0 * i / in));
        }
        PcmClip y = Resamplers.convert(new PcmClip(x, in), out);
        assertThat(y.length()).isEqualTo(out);
        assertThat(y.sampleRateHz()).isEqualTo(out);
        float[] yf = new float[y.length()];
        for (int j = 0; j < yf.length; j++) {
            yf[j] = y.samples()[j] / 32767f;
        }
        SineFit fit = SineFit.fit(yf, out / 5, out * 4 / 5, 1000.0 / out);
        assertThat(fit.amplitude).isCloseTo(0.5, within(0.0005));
        assertThat(fit.phase).isCloseTo(0.0, within(1e-3));
    }

    @Test
    void convertsCdRateToo() {
        short[] x = new short[44100];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * 440.0 * i / 44100));
        }
        PcmClip y = Resamplers.convert(new PcmClip(x, 44100), 16000);
        assertThat(y.length()).isEqualTo(16000);
        float[] yf = new float[y.length()];
        for (int j = 0; j < yf.length; j++) {
            yf[j] = y.samples()[j] / 32767f;
        }
        assertThat(SineFit.fit(yf, 3200, 12800, 440.0 / 16000).amplitude).isCloseTo(0.5, within(0.001));
    }
}
