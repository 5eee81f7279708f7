package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.session.TextTemplate;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.Future;

import java.util.concurrent.TimeUnit;

/**
 * Sends {@code keepalive_message} as a text frame every {@code keepalive_interval_seconds} from the moment the call
 * is ready until its close frame (Deepgram Voice Agent: {@code {"type":"KeepAlive"}}, else the server closes an idle
 * socket). A text frame, not a WebSocket ping: that is {@code ping_interval_seconds}. Not sharable; runs on its
 * channel's event loop.
 */
public final class KeepAliveHandler extends ChannelDuplexHandler {
    private final String message;
    private final long intervalMillis;
    private final TemplateValues values;
    private ChannelHandlerContext ctx;
    private Future<?> task;
    private boolean closed;

    /**
     * @param message        JSON text, placeholders rendered at each send
     * @param intervalMillis period, from ready
     */
    public KeepAliveHandler(String message, long intervalMillis, TemplateValues values) {
        this.message = message;
        this.intervalMillis = intervalMillis;
        this.values = values;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SessionReady && task == null && !closed) {
            task = ctx.executor().scheduleAtFixedRate(this::send, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void send() {
        if (closed || !ctx.channel().isActive()) {
            stop();
            return;
        }
        ctx.writeAndFlush(new TextWebSocketFrame(TextTemplate.render(message, true, values)), ctx.voidPromise());
    }

    /** No keep-alive follows the caller's close frame. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame) {
            stop();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        closed = true;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
