package dev.chorus.engine.pipeline;

import dev.chorus.engine.session.CallFailedException;
import dev.chorus.engine.session.ErrorClass;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * Holds everything the caller sends — opening messages, the init message — until the agent's hello has arrived,
 * for protocols where the server speaks first (Deepgram Voice Agent: {@code Welcome}, then the caller's
 * {@code Settings}, then {@code SettingsApplied}). When the hello comes it writes what it held in order, passes the
 * hello on (the call records it), and removes itself. The handshake deadline is the {@link ReadyGate}'s.
 *
 * <pre>
 *   open ──► init written ──► held ─ ─ ─ Welcome arrives ──► init on the wire ──► gate removed
 * </pre>
 *
 * When the call ends first, what it held is failed (and released). Not sharable; runs on its channel's event loop.
 */
public final class HelloGate extends ChannelDuplexHandler {
    private final String helloType;
    private PendingWriteQueue held;

    /** @param helloType the type of the agent's hello message */
    public HelloGate(String helloType) {
        this.helloType = helloType;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = new PendingWriteQueue(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!held.isEmpty()) {
            held.removeAndFailAll(new CallFailedException(ErrorClass.PROTOCOL_ERROR,
                    "call ended before the agent's '" + helloType + "' message"));
        }
    }

    /** Opens on the hello, which is passed on like every other message. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AgentMessage && helloType.equals(((AgentMessage) msg).type())) {
            if (!held.isEmpty()) {
                held.removeAndWriteAll();
                ctx.flush();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Holds text and binary frames, {@link CallerAudio} (a copy: its session reuses it) and {@link CallerMedia} until
     * the hello; passes the rest — the upgrade request (written from the pipeline's tail), close, ping and pong.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CallerAudio) {
            held.add(((CallerAudio) msg).copy(), promise);
        } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof CallerMedia) {
            held.add(msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
