/**
 * Sample-rate conversion: a streaming rational polyphase FIR with a Kaiser-windowed sinc.
 *
 * <p>Threading: a {@link dev.chorus.codecs.resample.Resampler} is stateful and not thread-safe (one per stream);
 * filter designs are immutable and shared.
 */
package dev.chorus.codecs.resample;
