package dev.chorus.codecs.mp3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class Mp3StreamDecoderTest {
    /**
     * Onset threshold, −40 dBFS. Lower thresholds catch MP3 pre-echo: at 16 kbps and 8 kHz noise at −66 dBFS starts
     * up to 23 ms before the speech (measured, and the same in mpg123's output), which is the codec, not timing.
     */
    private static final double ONSET_FULL_SCALE = 0.01;
    /**
     * What LAME 3.100 did to the −6 dBFS 1 kHz tone, measured by decoding the tone fixtures with mpg123 1.31.2 (f32):
     * −0.4452 to −0.4454 dB at every rate. Our gain is checked against that, and directly against mpg123 at 8 kHz.
     */
    private static final double LAME_TONE_GAIN_DB = -0.445;
    /** Fixture, sample rate, whether LAME wrote a tag (it does not when the frame is too small for one). */
    static Stream<Arguments> speechFixtures() {
        return Stream.of(
                Arguments.of("speech_8k_16kbps.mp3", 8000, false),
                Arguments.of("speech_16k_32kbps.mp3", 16000, false),
                Arguments.of("speech_24k_48kbps.mp3", 24000, false),
                Arguments.of("speech_48k_128kbps.mp3", 48000, true),
                Arguments.of("speech_44k1_vbr_v2.mp3", 44100, true));
    }

    static Stream<Arguments> toneFixtures() {
        return Stream.of(
                Arguments.of("tone_8k_16kbps.mp3", 8000),
                Arguments.of("tone_16k_32kbps.mp3", 16000),
                Arguments.of("tone_24k_48kbps.mp3", 24000),
                Arguments.of("tone_48k_128kbps.mp3", 48000));
    }

    static byte[] fixture(String name) {
        try (InputStream in = Mp3StreamDecoderTest.class.getResourceAsStream("/mp3/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes {@code mp3} fed in chunks of {@code chunkBytes.applyAsInt(i)} bytes into a short[] and finishes. */
    static short[] decode(Mp3StreamDecoder d, byte[] mp3, IntUnaryOperator chunkBytes) {
        short[] out = new short[mp3.length * 24 + 4 * Mp3StreamDecoder.MAX_SAMPLES_PER_FRAME];
        int n = 0;
        ByteBuf in = Unpooled.wrappedBuffer(mp3);
        try {
            for (int i = 0; in.isReadable(); i++) {
                int len = Math.min(in.readableBytes(), Math.max(1, chunkBytes.applyAsInt(i)));
                n += d.feed(in.readSlice(len), out, n);
                assertThat(d.moreOutputPending()).isFalse();
            }
            n += d.finish(out, n);
        } finally {
            in.release();
        }
        return Arrays.copyOf(out, n);
    }

    static short[] decode(byte[] mp3) {
        return decode(new Mp3StreamDecoder(), mp3, i -> 640);
    }

    @ParameterizedTest
    @MethodSource("speechFixtures")
    void firstOutputSampleIsFirstInputSample(String name, int rateHz, boolean lameTag) {
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, fixture(name), i -> 417);
        short[] original = Mp3TestSignals.speech(rateHz);

        assertThat(d.lastErrors()).isZero();
        assertThat(d.skippedBytes()).isZero();
        assertThat(d.sampleRateHz()).isEqualTo(rateHz);
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.encoderDelaySamples()).isEqualTo(576);
        assertThat(d.startTrimSamples()).isEqualTo(576 + 529);
        if (lameTag) {
            // The LAME tag's padding trims the end too: exactly the original length.
            assertThat(pcm).hasSize(original.length);
            assertThat(d.paddingSamples()).isPositive();
        } else {
            assertThat(d.paddingSamples()).isEqualTo(-1);
            assertThat(pcm.length).isBetween(original.length, original.length + 1152);
        }
        assertThat(d.samplesTrimmed() + d.samplesOut())
                .isEqualTo(d.framesDecoded() * (rateHz >= 32000 ? 1152 : 576));

        int lag = Signals.bestLag(pcm, original, rateHz / 50);
        int onset = Signals.onset(pcm, ONSET_FULL_SCALE);
        int originalOnset = Signals.onset(original, ONSET_FULL_SCALE);
        double snrDb = Signals.snrDb(pcm, original, 0);
        System.out.printf("%s: lag %d samples, onset %.3f ms (original %.3f ms), snr %.1f dB, trimmed %d%n",
                name, lag, onset * 1000.0 / rateHz, originalOnset * 1000.0 / rateHz, snrDb, d.samplesTrimmed());
        assertThat(lag).as("cross-correlation lag").isZero();
        int oneMs = rateHz / 1000;
        assertThat(onset).as("onset").isBetween(rateHz * 3 / 10 - oneMs, rateHz * 3 / 10 + oneMs);
        assertThat(Math.abs(onset - originalOnset)).as("onset vs original").isLessThanOrEqualTo(oneMs);
        // Digital silence before the onset decodes to (near) silence: no pre-roll of decoder garbage.
        assertThat(Signals.peak(pcm, 0, rateHz * 3 / 10 - 2 * oneMs)).isLessThan(0.01);
    }

    @ParameterizedTest
    @MethodSource("toneFixtures")
    void toneComesOutAtOneKilohertzWithUnityGain(String name, int rateHz) {
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, fixture(name), i -> 333);
        int from = rateHz / 20;
        int to = Mp3TestSignals.tone(rateHz).length - rateHz / 20;
        Signals.SineFit fit = Signals.fitSine(pcm, from, to, Mp3TestSignals.TONE_HZ, rateHz);
        double gainDb = 20 * Math.log10(fit.amplitude() / Mp3TestSignals.TONE_AMPLITUDE);
        System.out.printf("%s: gain %.4f dB, snr vs fitted 1 kHz sine %.1f dB, phase %.3f samples%n", name, gainDb,
                fit.snrDb(), fit.phaseSamples());
        assertThat(Math.abs(gainDb - LAME_TONE_GAIN_DB)).as("gain dB vs mpg123's").isLessThan(0.03);
        assertThat(fit.snrDb()).as("SNR dB").isGreaterThanOrEqualTo(60);
        // Phase of the fit is the phase of the source (a sine starting at sample 0): timing again, within 1 sample.
        assertThat(Math.abs(fit.phaseSamples())).isLessThan(1.0);
    }

    /** mpg123 1.31.2 output ({@code --no-gapless -e s16}, see the README), which still holds both delays. */
    static short[] mpg123Reference(String name) {
        byte[] raw = fixture(name + ".mpg123.s16");
        short[] pcm = new short[raw.length / 2];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (raw[2 * i] & 0xFF | raw[2 * i + 1] << 8);
        }
        return pcm;
    }

    @ParameterizedTest
    @MethodSource("mpg123Fixtures")
    void matchesMpg123AfterTrimmingBothDelays(String name) {
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, fixture(name), i -> 100);
        short[] ref = mpg123Reference(name);
        short[] trimmed = Arrays.copyOfRange(ref, d.startTrimSamples(), ref.length);
        assertThat(pcm).hasSameSizeAs(trimmed);
        double snrDb = Signals.snrDb(pcm, trimmed, 0);
        Signals.SineFit ours = Signals.fitSine(pcm, 800, 7200, 1000, 8000);
        Signals.SineFit theirs = Signals.fitSine(trimmed, 800, 7200, 1000, 8000);
        double gainDb = 20 * Math.log10(ours.amplitude() / theirs.amplitude());
        System.out.printf("%s vs mpg123: lag %d, snr %.1f dB%n", name, Signals.bestLag(pcm, trimmed, 200), snrDb);
        assertThat(Signals.bestLag(pcm, trimmed, 200)).isZero();
        assertThat(snrDb).isGreaterThanOrEqualTo(70);
        if (name.startsWith("tone")) {
            assertThat(Math.abs(gainDb)).as("gain vs mpg123, dB").isLessThan(0.03);
        }
    }

    static Stream<String> mpg123Fixtures() {
        return Stream.of("tone_8k_16kbps.mp3", "speech_8k_16kbps.mp3");
    }

    @Test
    void stereoIsMixedToMono() {
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, fixture("speech_stereo_44k1_128kbps.mp3"), i -> 500);
        short[] mono = Mp3TestSignals.speech(44100);
        short[] expected = new short[mono.length];
        for (int i = 0; i < mono.length; i++) {
            expected[i] = (short) (mono[i] * 3 / 4);
        }
        assertThat(d.channels()).isEqualTo(2);
        assertThat(pcm).hasSize(expected.length);
        assertThat(Signals.bestLag(pcm, expected, 441)).isZero();
        double snrDb = Signals.snrDb(pcm, expected, 0);
        System.out.printf("stereo: snr vs 0.75 x speech %.1f dB%n", snrDb);
        assertThat(snrDb).isGreaterThan(20);
    }

    @Test
    void outputDoesNotDependOnChunking() {
        for (String name : new String[] {"speech_8k_16kbps.mp3", "speech_44k1_vbr_v2.mp3",
            "speech_stereo_44k1_128kbps.mp3"}) {
            byte[] mp3 = fixture(name);
            short[] whole = decode(new Mp3StreamDecoder(), mp3, i -> mp3.length);
            assertThat(decode(new Mp3StreamDecoder(), mp3, i -> 1)).as(name + " 1 byte").isEqualTo(whole);
            assertThat(decode(new Mp3StreamDecoder(), mp3, i -> 7)).as(name + " 7 bytes").isEqualTo(whole);
            Random random = new Random(name.hashCode());
            assertThat(decode(new Mp3StreamDecoder(), mp3, i -> random.nextInt(700)))
                    .as(name + " random").isEqualTo(whole);
            assertThat(decodeToByteBuf(mp3, 97)).as(name + " ByteBuf output").isEqualTo(whole);
        }
    }

    private static short[] decodeToByteBuf(byte[] mp3, int chunk) {
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(mp3.length).writeBytes(mp3);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        try {
            int samples = 0;
            while (in.isReadable()) {
                int before = in.readerIndex();
                ByteBuf slice = in.retainedSlice(before, Math.min(chunk, in.readableBytes()));
                try {
                    samples += d.feed(slice, out);
                    assertThat(slice.isReadable()).isFalse();
                } finally {
                    slice.release();
                }
                in.skipBytes(Math.min(chunk, in.readableBytes()));
            }
            samples += d.finish(out);
            assertThat(out.readableBytes()).isEqualTo(2 * samples);
            short[] pcm = new short[samples];
            for (int i = 0; i < samples; i++) {
                pcm[i] = out.getShortLE(2 * i);
            }
            return pcm;
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void smallOutputArrayIsFilledFrameByFrame() {
        byte[] mp3 = fixture("speech_24k_48kbps.mp3");
        short[] whole = decode(mp3);
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] out = new short[Mp3StreamDecoder.MAX_SAMPLES_PER_FRAME];
        short[] all = new short[whole.length + out.length];
        int n = 0;
        ByteBuf in = Unpooled.wrappedBuffer(mp3);
        try {
            int k = d.feed(in, out, 0);
            System.arraycopy(out, 0, all, n, k);
            n += k;
            while (d.moreOutputPending()) {
                k = d.feed(Unpooled.EMPTY_BUFFER, out, 0);
                System.arraycopy(out, 0, all, n, k);
                n += k;
            }
            k = d.finish(out, 0);
            System.arraycopy(out, 0, all, n, k);
            n += k;
        } finally {
            in.release();
        }
        assertThat(Arrays.copyOf(all, n)).isEqualTo(whole);
    }

    @Test
    void garbageBetweenFramesIsFlaggedSkippedAndDoesNotChangeTheAudio() {
        byte[] mp3 = fixture("speech_16k_32kbps.mp3");
        short[] clean = decode(mp3);
        int frameBytes = 144; // 32 kbps at 16 kHz, no padding
        int cut = 20 * frameBytes;
        byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        byte[] dirty = concat(Arrays.copyOf(mp3, cut), garbage, Arrays.copyOfRange(mp3, cut, mp3.length));

        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] out = new short[clean.length * 2];
        int n = 0;
        ByteBuf in = Unpooled.wrappedBuffer(dirty);
        try {
            n += d.feed(in.readSlice(cut), out, n);
            assertThat(d.lastErrors()).isZero();
            n += d.feed(in.readSlice(garbage.length), out, n);
            assertThat(d.lastErrors() & Mp3StreamDecoder.ERROR_SKIPPED_BYTES).isNotZero();
            n += d.feed(in.readSlice(in.readableBytes()), out, n);
            n += d.finish(out, n);
        } finally {
            in.release();
        }
        assertThat(d.skippedBytes()).isEqualTo(garbage.length);
        assertThat(d.badFrames()).isZero();
        // JLayer never saw the garbage, so its bit reservoir is intact and the audio is the same.
        assertThat(Arrays.copyOf(out, n)).isEqualTo(clean);
    }

    @Test
    void garbageAloneGivesNoAudioAndAFlag() {
        byte[] garbage = new byte[20_000];
        new Random(7).nextBytes(garbage);
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] out = new short[garbage.length * 24];
        ByteBuf in = Unpooled.wrappedBuffer(garbage);
        int n;
        try {
            n = d.feed(in, out, 0);
            assertThat(d.lastErrors() & Mp3StreamDecoder.ERROR_SKIPPED_BYTES).isNotZero();
            n += d.finish(out, n);
        } finally {
            in.release();
        }
        // A random header can survive the next-header check (about 1 in 10^5 positions); never much audio.
        assertThat(n).isLessThan(3 * 1152);
        assertThat(d.skippedBytes()).isGreaterThan(garbage.length - 3 * 1441);
    }

    @Test
    void garbageBeforeTheFirstFrameIsSkippedAndTheStreamDecodes() {
        byte[] mp3 = fixture("speech_48k_128kbps.mp3");
        byte[] junk = new byte[1000];
        new Random(3).nextBytes(junk);
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, concat(junk, mp3), i -> 100);
        assertThat(d.skippedBytes()).isEqualTo(junk.length);
        assertThat(pcm).isEqualTo(decode(mp3));
    }

    @Test
    void corruptFramePayloadNeitherThrowsNorShiftsTheTimeline() {
        byte[] mp3 = fixture("speech_24k_48kbps.mp3");
        short[] clean = decode(mp3);
        Random random = new Random(11);
        int frameBytes = 144; // 48 kbps at 24 kHz, no padding
        for (int trial = 0; trial < 20; trial++) {
            byte[] bad = mp3.clone();
            int frame = 8 + random.nextInt(20);
            for (int f = frame; f < frame + 3; f++) {
                for (int i = f * frameBytes + 4; i < (f + 1) * frameBytes; i++) {
                    bad[i] = (byte) random.nextInt();
                }
            }
            Mp3StreamDecoder d = new Mp3StreamDecoder();
            short[] pcm = decode(d, bad, i -> 200);
            assertThat(pcm).as("trial %d", trial).hasSameSizeAs(clean);
            // A few frames later the decoder has forgotten the damage (filter bank memory is one frame or so).
            int resumed = (frame + 3 + 6) * 576 - 1105;
            assertThat(Arrays.copyOfRange(pcm, resumed, pcm.length))
                    .as("trial %d", trial).isEqualTo(Arrays.copyOfRange(clean, resumed, clean.length));
        }
    }

    @Test
    void truncatedLastFrameIsFlaggedByFinish() {
        byte[] mp3 = fixture("speech_8k_16kbps.mp3");
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] out = new short[mp3.length * 24];
        ByteBuf in = Unpooled.wrappedBuffer(mp3, 0, mp3.length - 50);
        try {
            int n = d.feed(in, out, 0);
            assertThat(d.lastErrors()).isZero();
            assertThat(d.pendingBytes()).isEqualTo(144 - 50);
            d.finish(out, n);
            assertThat(d.lastErrors()).isEqualTo(Mp3StreamDecoder.ERROR_TRUNCATED);
            assertThat(d.pendingBytes()).isZero();
        } finally {
            in.release();
        }
    }

    @Test
    void id3TagsAreSkippedSilently() {
        byte[] mp3 = fixture("speech_48k_128kbps.mp3");
        byte[] id3v2 = new byte[10 + 300];
        id3v2[0] = 'I';
        id3v2[1] = 'D';
        id3v2[2] = '3';
        id3v2[3] = 4;
        id3v2[8] = 300 >> 7;
        id3v2[9] = 300 & 0x7F;
        Arrays.fill(id3v2, 10, id3v2.length, (byte) 0xFF); // sync-like bytes inside the tag must not matter
        byte[] id3v1 = new byte[128];
        id3v1[0] = 'T';
        id3v1[1] = 'A';
        id3v1[2] = 'G';
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, concat(id3v2, mp3, id3v1), i -> 50);
        assertThat(d.lastErrors()).isZero();
        assertThat(d.skippedBytes()).isZero();
        assertThat(pcm).isEqualTo(decode(mp3));
    }

    @Test
    void aTagFrameMidStreamStartsANewFileWithItsOwnDelay() {
        byte[] mp3 = fixture("speech_48k_128kbps.mp3");
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        short[] pcm = decode(d, concat(mp3, mp3), i -> 1000);
        short[] one = decode(mp3);
        assertThat(d.lastErrors()).isZero();
        assertThat(pcm).hasSize(2 * one.length);
        assertThat(Arrays.copyOf(pcm, one.length)).isEqualTo(one);
        int onset = Signals.onset(Arrays.copyOfRange(pcm, one.length, pcm.length), ONSET_FULL_SCALE);
        assertThat(onset).isBetween(48000 * 3 / 10 - 48, 48000 * 3 / 10 + 48);
    }

    @Test
    void steadyStateDecodingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] mp3 = fixture("speech_stereo_44k1_128kbps.mp3");
        ByteBuf in = Unpooled.wrappedBuffer(mp3);
        short[] out = new short[mp3.length * 24];
        Mp3StreamDecoder d = new Mp3StreamDecoder();
        try {
            long[] allocated = new long[3];
            for (int file = 0; file < allocated.length; file++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                int n = 0;
                for (int pos = 0; pos < mp3.length; pos += 320) {
                    in.setIndex(pos, Math.min(pos + 320, mp3.length));
                    n += d.feed(in, out, n);
                }
                allocated[file] = threads.getCurrentThreadAllocatedBytes() - before;
                assertThat(n).isEqualTo(44100);
            }
            System.out.printf("allocated per file (3 runs): %s bytes%n", Arrays.toString(allocated));
            // The first file pays for JLayer's lazily built tables; a stream after that allocates nothing.
            assertThat(allocated[2]).isZero();
        } finally {
            in.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
