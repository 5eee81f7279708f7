package dev.chorus.engine.agent;

/**
 * One caller audio frame as the agent received it. Immutable.
 *
 * @param arrivalNanos {@link System#nanoTime()} when it was read
 * @param pcmBytes     decoded PCM bytes
 * @param binary       true for a raw binary frame, false for JSON with base64
 */
public record InboundFrame(long arrivalNanos, int pcmBytes, boolean binary) {
}
