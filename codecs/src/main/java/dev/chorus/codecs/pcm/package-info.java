/**
 * PCM audio: clips, WAV files, 16-bit little-endian helpers, G.711 μ-law/A-law, and synthetic speech-like signals.
 *
 * <p>Threading: {@link dev.chorus.codecs.pcm.PcmClip} is immutable; the rest is static and stateless.
 */
package dev.chorus.codecs.pcm;
