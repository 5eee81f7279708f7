/**
 * Pure building blocks for Chorus: templates, PCM, resampling, G.711, MP3, speech detection.
 *
 * <p>Nothing here knows about channels, pipelines or event loops; every class is usable and benchmarkable alone.
 * Classes are not thread-safe unless their first javadoc sentence says so; compiled, immutable descriptions
 * (templates, paths) may be shared freely.
 */
package dev.chorus.codecs;
