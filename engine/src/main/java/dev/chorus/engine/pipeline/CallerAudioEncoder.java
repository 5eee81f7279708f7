package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes {@link CallerAudio} and {@link CallerMedia} into complete, masked WebSocket frames, each one pooled
 * direct buffer: a template that is exactly the payload placeholder sends the raw bytes as a binary frame; any other
 * writes its literals and the base64 of the payload (copied when the run pre-encoded it) as a text frame. Then the
 * header goes in front and the payload is masked in place ({@link MaskedFrames}).
 *
 * <pre>
 *   [hdr|mask]{"type": "audio_chunk", "data": "{{audio_data}}"}
 *   |-frame--||-- literal --------------------|-- base64 --|-lit-|    one pooled direct buffer, masked in place
 * </pre>
 *
 * The output is a plain {@link ByteBuf}, which Netty's WebSocket encoder below passes untouched: no frame object
 * and no second buffer per frame (issue 4: the generator must not allocate per frame). Masking keys come from
 * {@link ThreadLocalRandom}, as in Netty's own client encoder. Sharable: the templates are immutable and the
 * handler keeps no state.
 */
@ChannelHandler.Sharable
public final class CallerAudioEncoder extends ChannelOutboundHandlerAdapter {
    private final MessageTemplate audioTemplate;
    private final MessageTemplate mediaTemplate;

    public CallerAudioEncoder(MessageTemplate audioTemplate, MessageTemplate mediaTemplate) {
        this.audioTemplate = audioTemplate;
        this.mediaTemplate = mediaTemplate;
    }

    /**
     * Consumes {@link CallerAudio} / {@link CallerMedia} (whose sources nobody releases) and writes the frame, which
     * the transport releases; passes others on.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CallerAudio) {
            CallerAudio a = (CallerAudio) msg;
            ctx.write(a.base64() != null && !audioTemplate.isRawPayload()
                    ? encodePreencoded(ctx, audioTemplate, a)
                    : encode(ctx, audioTemplate, a.source(), a.index(), a.length(), a.values()), promise);
        } else if (msg instanceof CallerMedia) {
            CallerMedia m = (CallerMedia) msg;
            ByteBuf bytes = m.bytes();
            ctx.write(encode(ctx, mediaTemplate, bytes, bytes.readerIndex(), bytes.readableBytes(), m.values()),
                    promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private static ByteBuf encodePreencoded(ChannelHandlerContext ctx, MessageTemplate template, CallerAudio a) {
        ByteBuf out = ctx.alloc().directBuffer(MaskedFrames.MAX_HEADER_BYTES
                + template.encodedLengthUpperBound(a.length()));
        try {
            int payload = MaskedFrames.reserveHeader(out);
            template.encodePreencoded(a.base64(), a.base64Index(), a.base64Length(), a.values(), out);
            MaskedFrames.finish(out, payload, MaskedFrames.OPCODE_TEXT, ThreadLocalRandom.current().nextInt());
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static ByteBuf encode(ChannelHandlerContext ctx, MessageTemplate template, ByteBuf source, int index,
                                  int length, TemplateValues values) {
        boolean raw = template.isRawPayload();
        ByteBuf out = ctx.alloc().directBuffer(MaskedFrames.MAX_HEADER_BYTES
                + (raw ? length : template.encodedLengthUpperBound(length)));
        try {
            int payload = MaskedFrames.reserveHeader(out);
            if (raw) {
                out.writeBytes(source, index, length);
            } else {
                template.encode(source, index, length, values, out);
            }
            MaskedFrames.finish(out, payload, raw ? MaskedFrames.OPCODE_BINARY : MaskedFrames.OPCODE_TEXT,
                    ThreadLocalRandom.current().nextInt());
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
