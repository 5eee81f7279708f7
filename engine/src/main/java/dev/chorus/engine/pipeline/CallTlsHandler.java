package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * The call's TLS: Netty's {@link SslHandler} (handshake, unwrap, close_notify, alerts — all unchanged), with one
 * shortcut on the write path once the handshake is done: each outbound buffer (a complete WebSocket frame) is
 * wrapped into a TLS record at once and written below with the caller's promise, instead of being queued for the
 * flush. {@code SslHandler.wrap} allocates a new promise per wrap plus one for the empty second turn of its loop
 * (96 B per flushed frame); this allocates only the engine's {@link SSLEngineResult} (40 B, the {@code SSLEngine}
 * API's floor). See {@code bench/.../OutboundFrameBenchmark}.
 *
 * <pre>
 *   write(ByteBuf) --handshake done, nothing queued, engine open, direct, <= 16 KB--> engine.wrap --> ctx.write
 *                  --otherwise--> SslHandler.write (queued; wrapped on flush, in order)
 *   flush          --something queued--> SslHandler.flush        --else--> ctx.flush
 * </pre>
 *
 * Order on the wire is the order of writes: once anything went to the queue, every write takes the queue until a
 * flush after the handshake has emptied it. Not sharable; runs on its channel's event loop.
 */
public final class CallTlsHandler extends SslHandler {
    /** Plaintext above this goes through SslHandler, which splits it into records of at most 16 KB. */
    static final int MAX_DIRECT_BYTES = 16 * 1024 - 64;
    /** Room for a record's header, AEAD tag and any pending handshake bytes the engine writes first. */
    private static final int RECORD_OVERHEAD_BYTES = 128;

    private final SSLEngine engine;
    private final ByteBuffer[] single = new ByteBuffer[1];
    /** SslHandler may hold queued plaintext: writes go to it until a flush after the handshake. */
    private boolean queued;
    private long directWrites;

    public CallTlsHandler(SSLEngine engine) {
        super(engine);
        this.engine = engine;
    }

    /** Releases {@code msg} once wrapped (or hands it to SslHandler, which does). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!queued && msg instanceof ByteBuf && direct((ByteBuf) msg) && handshakeFuture().isSuccess()
                && !engine.isOutboundDone() && wrapNow(ctx, (ByteBuf) msg, promise)) {
            return;
        }
        queued = true;
        super.write(ctx, msg, promise);
    }

    /** Buffers wrapped at once (not through SslHandler's queue), for tests. */
    long directWrites() {
        return directWrites;
    }

    /** One direct memory region of at most one record: what the engine can read in place. */
    private static boolean direct(ByteBuf in) {
        return in.readableBytes() <= MAX_DIRECT_BYTES && in.isDirect() && in.nioBufferCount() == 1;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        if (queued || !handshakeFuture().isSuccess()) {
            super.flush(ctx);
            if (handshakeFuture().isSuccess()) {
                queued = false;
            }
        } else {
            ctx.flush();
        }
    }

    /**
     * Wraps all of {@code in} into records and writes them with {@code promise}; false when the engine takes none of
     * it now (so SslHandler gets it instead, after whatever handshake bytes the engine produced). A wrap that fails
     * or stops part way fails the promise (with a void promise: an exception event), releases {@code in} and closes
     * the channel.
     */
    private boolean wrapNow(ChannelHandlerContext ctx, ByteBuf in, ChannelPromise promise) {
        int start = in.readerIndex();
        ByteBuf out = ctx.alloc().directBuffer(in.readableBytes() + RECORD_OVERHEAD_BYTES);
        try {
            for (int turn = 0; in.isReadable(); turn++) {
                single[0] = in.internalNioBuffer(in.readerIndex(), in.readableBytes());
                SSLEngineResult result = engine.wrap(single, out.internalNioBuffer(out.writerIndex(),
                        out.writableBytes()));
                in.skipBytes(result.bytesConsumed());
                out.writerIndex(out.writerIndex() + result.bytesProduced());
                SSLEngineResult.Status status = result.getStatus();
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW && turn < 4) {
                    out.ensureWritable(engine.getSession().getPacketBufferSize());
                } else if (status != SSLEngineResult.Status.OK || turn >= 4
                        || result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                    if (in.readerIndex() != start) {
                        throw new SSLException("TLS wrap of an outbound frame stopped part way: " + result);
                    }
                    if (out.isReadable()) {
                        ctx.write(out, ctx.voidPromise());
                    } else {
                        out.release();
                    }
                    return false;
                }
            }
        } catch (SSLException | RuntimeException e) {
            out.release();
            in.release();
            promise.tryFailure(e);
            // The engine numbered the records it made for this frame (earlier turns, perhaps the one that threw) and
            // they are dropped here: any later record would reach the peer after a sequence gap, fail its MAC check
            // and read as an attack. Close below TLS (ctx, not this handler: no close_notify) so none goes out.
            ctx.close();
            return true;
        } finally {
            single[0] = null;
        }
        in.release();
        directWrites++;
        ctx.write(out, promise);
        return true;
    }
}
