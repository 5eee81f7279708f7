package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

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
 * {@link ThreadLocalRandom}, as in Netty's own client encoder.
 *
 * <p>Frames skip the pipeline below: the first frame comes after the ready message (ReadyGate holds audio until
 * then), so the WebSocket is open, and every handler between here and TLS (ws-aggregator, websocket, Netty's ws codec,
 * the HTTP codec on its way out) only passes bytes on and holds nothing back. So this handler writes its frames, and
 * passes flushes, straight to the {@link CallTlsHandler} with that handler's own context, as the pipeline would after
 * walking five or six contexts, each a cold cache line when a loop serves a thousand calls (a fifth of the
 * generator's user time per frame, {@code bench/load/README.md}). Once a {@link CloseWebSocketFrame} has passed here
 * everything takes the pipeline again, so Netty's WebSocket handler still fails what is written after the close.
 * Without a {@link CallTlsHandler} in the pipeline (plain test channels) frames take the pipeline.
 * <pre>
 *   call --frame--> audio-encoder --(skips ws-aggregator, websocket, ws-encoder)--> tls --> network
 * </pre>
 * Not sharable: one per call, confined to its event loop.
 */
public final class CallerAudioEncoder extends ChannelOutboundHandlerAdapter {
    private final MessageTemplate audioTemplate;
    private final MessageTemplate mediaTemplate;
    /** The TLS handler's context once the first frame looked it up; null before, or when there is none. */
    private ChannelHandlerContext tlsContext;
    /** The first frame has looked for the TLS handler. */
    private boolean lookedUp;
    /** A close frame went down: no more shortcuts. */
    private boolean closing;

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
            writeFrame(ctx, a.base64() != null && !audioTemplate.isRawPayload()
                    ? encodePreencoded(ctx, audioTemplate, a)
                    : encode(ctx, audioTemplate, a.source(), a.index(), a.length(), a.values()), promise);
        } else if (msg instanceof CallerMedia) {
            CallerMedia m = (CallerMedia) msg;
            ByteBuf bytes = m.bytes();
            writeFrame(ctx, encode(ctx, mediaTemplate, bytes, bytes.readerIndex(), bytes.readableBytes(),
                    m.values()), promise);
        } else {
            if (msg instanceof CloseWebSocketFrame) {
                closing = true;
            }
            ctx.write(msg, promise);
        }
    }

    /** Passes the flush straight to TLS once frames do (nothing between holds writes back). */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        ChannelHandlerContext t = shortcut();
        if (t == null) {
            ctx.flush();
            return;
        }
        try {
            ((CallTlsHandler) t.handler()).flush(t);
        } catch (Throwable e) {
            t.fireExceptionCaught(e);
        }
    }

    private void writeFrame(ChannelHandlerContext ctx, ByteBuf frame, ChannelPromise promise) {
        if (!lookedUp) {
            lookedUp = true;
            tlsContext = ctx.pipeline().context(CallTlsHandler.class);
        }
        ChannelHandlerContext t = shortcut();
        if (t == null) {
            ctx.write(frame, promise);
            return;
        }
        try {
            ((CallTlsHandler) t.handler()).write(t, frame, promise);
        } catch (Throwable e) {
            // As the pipeline does for a handler's exception: the promise fails (a void one fires the exception).
            promise.tryFailure(e);
        }
    }

    /** The TLS context when frames may skip the pipeline to it; null when they take the pipeline. */
    private ChannelHandlerContext shortcut() {
        ChannelHandlerContext t = tlsContext;
        return t == null || closing || t.isRemoved() ? null : t;
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
