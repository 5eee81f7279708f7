/**
 * Speech detection on decoded audio: where the agent's speech starts (for {@code turn}) and stops (for the end of
 * its turn).
 *
 * <p>Threading: detectors are stateful and not thread-safe: one per stream.
 */
package dev.chorus.codecs.vad;
