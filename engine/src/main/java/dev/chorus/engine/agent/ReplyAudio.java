package dev.chorus.engine.agent;

import dev.chorus.codecs.pcm.Pcm16;
import dev.chorus.codecs.pcm.SpeechLikeSignal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference agent's spoken reply, encoded once per (rate, duration, form) and shared by every call: 20 ms
 * frames, either {@code {"type":"audio_chunk","data":"<base64>"}} text or raw PCM16LE. Thread-safe; the arrays are
 * never modified.
 */
final class ReplyAudio {
    static final int FRAME_MILLIS = 20;
    private static final Map<String, byte[][]> CACHE = new ConcurrentHashMap<>();

    private ReplyAudio() {
    }

    static byte[][] frames(int sampleRateHz, long durationMillis, boolean binary) {
        return CACHE.computeIfAbsent(sampleRateHz + "/" + durationMillis + "/" + binary,
                k -> encode(sampleRateHz, durationMillis, binary));
    }

    private static byte[][] encode(int sampleRateHz, long durationMillis, boolean binary) {
        byte[] pcm = Pcm16.toLittleEndian(SpeechLikeSignal.generate(sampleRateHz, durationMillis, 42));
        int frameBytes = sampleRateHz / 1000 * FRAME_MILLIS * 2;
        int n = (pcm.length + frameBytes - 1) / frameBytes;
        byte[][] frames = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * frameBytes;
            byte[] chunk = java.util.Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + frameBytes));
            frames[i] = binary ? chunk : ("{\"type\":\"audio_chunk\",\"data\":\""
                    + Base64.getEncoder().encodeToString(chunk) + "\"}").getBytes(StandardCharsets.US_ASCII);
        }
        return frames;
    }
}
