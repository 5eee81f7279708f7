/**
 * MP3 (MPEG-1/2/2.5 Layer III) decoding of inbound agent audio to mono PCM16: our own framing, resync and gapless
 * trimming around JLayer's Layer III decoder.
 *
 * <p>Threading: a {@link dev.chorus.codecs.mp3.Mp3StreamDecoder} is stateful and not thread-safe: one per stream,
 * used from one thread (the channel's event loop). {@link dev.chorus.codecs.mp3.Mp3Header} is static and stateless.
 */
package dev.chorus.codecs.mp3;
