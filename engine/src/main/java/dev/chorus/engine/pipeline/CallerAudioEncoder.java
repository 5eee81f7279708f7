package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * Encodes {@link CallerAudio} and {@link CallerMedia} into WebSocket frames through their pre-split templates:
 * a template that is exactly the payload placeholder sends the raw bytes in a binary frame; any other writes its
 * literals and the base64 of the payload straight into one pooled buffer sent as a text frame.
 *
 * <pre>
 *   {"type": "audio_chunk", "data": "{{audio_data}}"}
 *   |-- literal --------------------|-- base64 --|-lit-|    one pooled direct buffer, no Strings
 * </pre>
 *
 * Sharable: the templates are immutable and the handler keeps no state.
 */
@ChannelHandler.Sharable
public final class CallerAudioEncoder extends ChannelOutboundHandlerAdapter {
    private final MessageTemplate audioTemplate;
    private final MessageTemplate mediaTemplate;

    public CallerAudioEncoder(MessageTemplate audioTemplate, MessageTemplate mediaTemplate) {
        this.audioTemplate = audioTemplate;
        this.mediaTemplate = mediaTemplate;
    }

    /** Consumes {@link CallerAudio} / {@link CallerMedia} (whose sources nobody releases); passes others on. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CallerAudio) {
            CallerAudio a = (CallerAudio) msg;
            if (a.base64() != null && !audioTemplate.isRawPayload()) {
                ByteBuf out = ctx.alloc().directBuffer(audioTemplate.encodedLengthUpperBound(a.length()));
                audioTemplate.encodePreencoded(a.base64(), a.base64Index(), a.base64Length(), a.values(), out);
                ctx.write(new TextWebSocketFrame(out), promise);
            } else {
                ctx.write(encode(ctx, audioTemplate, a.source(), a.index(), a.length(), a.values()), promise);
            }
        } else if (msg instanceof CallerMedia) {
            CallerMedia m = (CallerMedia) msg;
            ByteBuf bytes = m.bytes();
            ctx.write(encode(ctx, mediaTemplate, bytes, bytes.readerIndex(), bytes.readableBytes(), m.values()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private static Object encode(ChannelHandlerContext ctx, MessageTemplate template, ByteBuf source, int index,
                                 int length, TemplateValues values) {
        if (template.isRawPayload()) {
            // No copy: the frame holds a slice of the shared source (retaining it is a no-op for the unreleasable
            // shared clips and attachments); the WebSocket encoder's masking pass is the only copy of a
            // multi-megabyte attachment.
            return new BinaryWebSocketFrame(source.retainedSlice(index, length));
        }
        ByteBuf out = ctx.alloc().directBuffer(template.encodedLengthUpperBound(length));
        try {
            template.encode(source, index, length, values, out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return new TextWebSocketFrame(out);
    }
}
