/**
 * Speech detection on decoded audio: where the agent's speech starts (for {@code turn}) and stops (for the end of
 * its turn).
 *
 * <p>{@link dev.chorus.codecs.vad.WebRtcVad} is a line-by-line Java port of the WebRTC VAD (BSD-3, notice in its
 * file); {@link dev.chorus.codecs.vad.WebRtcSpeechDetector} puts it behind an energy gate with sample-precise onset
 * and offset and is the detector for agent audio; {@link dev.chorus.codecs.vad.EnergySpeechDetector} is the simple
 * baseline.
 *
 * <p>Threading: detectors are stateful and not thread-safe: one per stream.
 */
package dev.chorus.codecs.vad;
