package dev.chorus.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream on the target, default protocol: after the upgrade it sends {@code session_ready}; the first text
 * frame is the caller's init message; every later text frame holding {@code "audio_chunk"} is an audio frame and
 * is timed. Answers a close frame with one and closes. Not thread safe: one instance per channel, on its loop.
 *
 * <p>Buffers: frames are released by {@link SimpleChannelInboundHandler} after {@link #channelRead0}; nothing is
 * retained.
 */
final class StreamRecorderHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final ByteBuf AUDIO_TYPE = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer("audio_chunk", StandardCharsets.US_ASCII).asReadOnly());
    /** Base64 of one 20 ms PCM16 16 kHz frame (640 bytes) is 856 characters; shorter audio frames are an error. */
    private static final int MIN_AUDIO_FRAME_BYTES = 856;
    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final LoopRecorder recorder;
    private StreamStats stream;
    private boolean initReceived;

    StreamRecorderHandler(LoopRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            stream = recorder.openStream(System.nanoTime());
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"session_ready\",\"session_id\":\"load-"
                    + SESSION_IDS.incrementAndGet() + "\"}"), ctx.voidPromise());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long nowNanos = System.nanoTime();
        if (frame instanceof TextWebSocketFrame) {
            if (!initReceived) {
                initReceived = true;
                return;
            }
            ByteBuf content = frame.content();
            if (ByteBufUtil.indexOf(AUDIO_TYPE, content) < 0) {
                recorder.nonAudioFrame();
            } else if (content.readableBytes() < MIN_AUDIO_FRAME_BYTES || !frame.isFinalFragment()) {
                recorder.error("short_audio_frame");
            } else {
                recorder.frame(stream, nowNanos);
            }
        } else if (frame instanceof CloseWebSocketFrame) {
            end(nowNanos, true);
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            recorder.error("unexpected_" + (frame instanceof BinaryWebSocketFrame ? "binary" : "continuation")
                    + "_frame");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        recorder.readComplete(ctx.executor());
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (stream == null) {
            recorder.error("closed_before_upgrade");
        } else if (!stream.closedCleanly) {
            recorder.error("closed_without_close_frame");
            end(System.nanoTime(), false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        recorder.error("exception_" + root.getClass().getSimpleName());
        ctx.close();
    }

    private void end(long nowNanos, boolean clean) {
        if (stream != null && stream.endNanos == 0) {
            stream.endNanos = nowNanos;
            stream.closedCleanly = clean;
        }
    }
}
