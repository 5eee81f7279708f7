/**
 * Message templates and inbound message scanning: outbound templates are split once into literal bytes and
 * placeholder slots and written straight into a {@code ByteBuf} (base64 in place); inbound JSON is read with
 * jackson-core's streaming parser along pre-parsed dot paths, without building a tree.
 *
 * <p>Threading: {@link dev.chorus.codecs.template.MessageTemplate} and {@link dev.chorus.codecs.template.DotPath}
 * are immutable and shared; an {@link dev.chorus.codecs.template.InboundMessageScanner} belongs to one thread.
 */
package dev.chorus.codecs.template;
