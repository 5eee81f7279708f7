package dev.chorus.engine.session;

import dev.chorus.codecs.vad.WebRtcSpeechDetector;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.chorus.codecs.pcm.PcmClip;
import dev.chorus.codecs.pcm.SpeechLikeSignal;

import javax.sound.sampled.AudioFormat;
import java.io.ByteArrayOutputStream;

/**
 * Speech for {@code say} text without {@code audio}: FreeTTS's kevin16 diphone voice (16 kHz, pure Java, in this
 * JVM), synthesised into memory, with leading and trailing silence trimmed to {@value #EDGE_MILLIS} ms.
 * Thread-safe: FreeTTS is not, so every synthesis runs under one lock. It runs while a run is prepared, never on an
 * event loop. The same text gives the same samples (FreeTTS's diphone synthesis has no randomness).
 *
 * <p>When FreeTTS cannot load (a stripped runtime without {@code java.desktop}, a broken jar), a deterministic
 * speech-like signal stands in — 60 ms per character, at least 600 ms — and {@link #fallbackReason()} says why.
 */
public final class TextToSpeech {
    public static final String VOICE = "kevin16";
    /** Silence kept before and after the speech. */
    static final int EDGE_MILLIS = 5;
    /** A sample at or below this magnitude (about −54 dBFS) counts as silence when trimming. */
    static final int SILENCE_MAGNITUDE = 64;
    static final long FALLBACK_MILLIS_PER_CHAR = 60;
    static final long FALLBACK_MIN_MILLIS = 600;

    private static final Object LOCK = new Object();
    /** Guarded by LOCK. */
    private static Voice voice;
    private static String fallbackReason;
    private static final MemoryPlayer PLAYER = new MemoryPlayer();

    private TextToSpeech() {
    }

    /** Speaks {@code text} with kevin16; the clip is at the voice's own rate (16 kHz), mono. */
    public static PcmClip synthesise(String text) {
        synchronized (LOCK) {
            Voice v = voice();
            if (v == null) {
                long millis = Math.max(FALLBACK_MIN_MILLIS, text.length() * FALLBACK_MILLIS_PER_CHAR);
                return SpeechLikeSignal.clip(16_000, millis, text.hashCode());
            }
            PLAYER.pcm.reset();
            if (!v.speak(text)) {
                throw new IllegalStateException("FreeTTS could not speak '" + text + "'");
            }
            AudioFormat format = PLAYER.format;
            return trim(samples(PLAYER.pcm.toByteArray(), format.isBigEndian()), (int) format.getSampleRate());
        }
    }

    /** Why the stand-in signal is used instead of FreeTTS, or null when FreeTTS speaks. */
    public static String fallbackReason() {
        synchronized (LOCK) {
            voice();
            return fallbackReason;
        }
    }

    /** Loads kevin16 once; on failure remembers why and returns null. Hold LOCK. */
    private static Voice voice() {
        if (voice != null || fallbackReason != null) {
            return voice;
        }
        try {
            // The voice directory directly, not VoiceManager: no freetts.voices system property or voices.txt.
            for (Voice v : new KevinVoiceDirectory().getVoices()) {
                if (VOICE.equals(v.getName())) {
                    v.setAudioPlayer(PLAYER);
                    v.allocate();
                    voice = v;
                    return v;
                }
            }
            fallbackReason = "FreeTTS has no voice " + VOICE;
        } catch (RuntimeException | LinkageError e) {
            fallbackReason = "FreeTTS cannot load: " + e;
        }
        System.err.println("chorus: text-to-speech unavailable (" + fallbackReason + "); say text without audio "
                + "is sent as a speech-like signal instead of speech");
        return null;
    }

    static short[] samples(byte[] pcm, boolean bigEndian) {
        short[] out = new short[pcm.length / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = bigEndian ? pcm[2 * i] : pcm[2 * i + 1];
            int lo = bigEndian ? pcm[2 * i + 1] : pcm[2 * i];
            out[i] = (short) ((hi << 8) | (lo & 0xff));
        }
        return out;
    }

    /** Cuts leading and trailing silence down to {@link #EDGE_MILLIS}. */
    static PcmClip trim(short[] samples, int sampleRateHz) {
        int first = 0;
        while (first < samples.length && Math.abs(samples[first]) <= SILENCE_MAGNITUDE) {
            first++;
        }
        int last = samples.length - 1;
        while (last > first && Math.abs(samples[last]) <= SILENCE_MAGNITUDE) {
            last--;
        }
        if (first >= samples.length) {
            return new PcmClip(samples, sampleRateHz);
        }
        // The diphone voice fades out over up to ~100 ms below what a listener (or an agent's endpointer) hears as
        // speech; the utterance, and so its turn, ends where the speech detector used on agent audio stops hearing
        // speech, not at the last non-zero sample.
        WebRtcSpeechDetector heard = new WebRtcSpeechDetector(sampleRateHz);
        heard.feed(samples, 0, samples.length);
        heard.feed(new short[sampleRateHz], 0, sampleRateHz);
        long lastHeard = heard.lastSpeechSample();
        if (lastHeard > first && lastHeard < last) {
            last = (int) lastHeard;
        }
        int edge = sampleRateHz * EDGE_MILLIS / 1000;
        int from = Math.max(0, first - edge);
        int to = Math.min(samples.length, last + 1 + edge);
        return new PcmClip(java.util.Arrays.copyOfRange(samples, from, to), sampleRateHz);
    }

    /** An {@link AudioPlayer} that collects the PCM in memory instead of playing it. Used under LOCK only. */
    private static final class MemoryPlayer implements AudioPlayer {
        final ByteArrayOutputStream pcm = new ByteArrayOutputStream(1 << 16);
        AudioFormat format = new AudioFormat(16_000f, 16, 1, true, true);

        @Override public void setAudioFormat(AudioFormat f) { format = f; }
        @Override public AudioFormat getAudioFormat() { return format; }
        @Override public void pause() { }
        @Override public void resume() { }
        @Override public void reset() { }
        @Override public boolean drain() { return true; }
        @Override public void begin(int size) { }
        @Override public boolean end() { return true; }
        @Override public void cancel() { }
        @Override public void close() { }
        @Override public float getVolume() { return 1f; }
        @Override public void setVolume(float volume) { }
        @Override public long getTime() { return 0; }
        @Override public void resetTime() { }
        @Override public void startFirstSampleTimer() { }
        @Override public boolean write(byte[] audio) { return write(audio, 0, audio.length); }
        @Override public boolean write(byte[] audio, int offset, int length) {
            pcm.write(audio, offset, length);
            return true;
        }
        @Override public void showMetrics() { }
    }
}
