package dev.chorus.codecs.mp3;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.pcm.WavWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The source signals the MP3 fixtures were encoded from (see {@code src/test/resources/mp3/README.md}). They are
 * deterministic, so tests regenerate them instead of committing the WAVs. Stateless and thread-safe.
 *
 * <p>Run {@link #main} to write the WAVs again: {@code java -cp codecs/target/classes:codecs/target/test-classes
 * dev.chorus.codecs.mp3.Mp3TestSignals DIR}.
 */
final class Mp3TestSignals {
    static final int TONE_HZ = 1000;
    /** Tone amplitude, −6 dBFS. */
    static final double TONE_AMPLITUDE = 0.5 * 32767;
    static final int TONE_MILLIS = 1000;
    static final int SPEECH_ONSET_MILLIS = 300;
    static final int SPEECH_MILLIS = 700;
    private static final long SPEECH_SEED = 7;

    private Mp3TestSignals() {
    }

    /** 1 kHz at −6 dBFS with 10 ms fades, so the encoder sees no click. */
    static short[] tone(int sampleRateHz) {
        int n = sampleRateHz * TONE_MILLIS / 1000;
        int fade = sampleRateHz / 100;
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double edge = Math.min(1.0, Math.min(i / (double) fade, (n - 1 - i) / (double) fade));
            out[i] = (short) Math.round(edge * TONE_AMPLITUDE * Math.sin(2 * Math.PI * TONE_HZ * i / sampleRateHz));
        }
        return out;
    }

    /** Digital silence for {@value #SPEECH_ONSET_MILLIS} ms, then {@value #SPEECH_MILLIS} ms of speech-like signal. */
    static short[] speech(int sampleRateHz) {
        short[] voice = SpeechLikeSignal.generate(sampleRateHz, SPEECH_MILLIS, SPEECH_SEED);
        int onset = sampleRateHz * SPEECH_ONSET_MILLIS / 1000;
        short[] out = new short[onset + voice.length];
        System.arraycopy(voice, 0, out, onset, voice.length);
        return out;
    }

    /** Interleaved stereo: the speech on the left, the same at half level on the right (mono mix = 0.75 × speech). */
    static short[] speechStereo(int sampleRateHz) {
        short[] mono = speech(sampleRateHz);
        short[] out = new short[mono.length * 2];
        for (int i = 0; i < mono.length; i++) {
            out[2 * i] = mono[i];
            out[2 * i + 1] = (short) (mono[i] / 2);
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(dir);
        for (int rate : new int[] {8000, 16000, 24000, 44100, 48000}) {
            WavWriter.write(dir.resolve("tone_" + rate + ".wav"), tone(rate), 1, rate);
            WavWriter.write(dir.resolve("speech_" + rate + ".wav"), speech(rate), 1, rate);
        }
        WavWriter.write(dir.resolve("speech_stereo_44100.wav"), speechStereo(44100), 2, 44100);
    }
}
