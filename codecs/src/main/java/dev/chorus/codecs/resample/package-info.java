/**
 * Sample-rate conversion: a streaming rational polyphase FIR with a Kaiser-windowed sinc, transparent for the
 * 8/16/24/48 kHz pairs (figures in {@link dev.chorus.codecs.resample.PolyphaseResampler}), with a 16-bit path and a
 * float path over one filter core.
 *
 * <p>Threading: a {@link dev.chorus.codecs.resample.Resampler} is stateful and not thread-safe (one per stream);
 * filter designs are immutable and shared.
 */
package dev.chorus.codecs.resample;
