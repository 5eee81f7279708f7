package dev.chorus.engine.pipeline;

import dev.chorus.engine.session.CallFailedException;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.concurrent.Future;

import java.util.concurrent.TimeUnit;

/**
 * Holds caller audio until the agent says it is ready, and enforces the handshake deadline.
 *
 * <ul>
 *   <li>Inbound, it watches for the message whose type is {@code handshake_ready_message_type}; when it comes (with
 *       a session id, if {@code handshake_requires_session_id}) it fires {@link SessionReady}, writes what it held,
 *       and removes itself. The ready message itself is not passed on. With the type empty the gate opens as soon
 *       as the WebSocket handshake completes (after the session has sent its init message).</li>
 *   <li>Outbound, {@link CallerAudio} written before that is held (copied) in a {@link PendingWriteQueue}; anything
 *       else — the init message, close frames — passes.</li>
 *   <li>The deadline runs from TCP connect start ({@code handshake_timeout_seconds}); it is scheduled on the
 *       channel's event loop and, when it passes first, fires a {@link CallFailedException} of class
 *       {@link ErrorClass#HANDSHAKE_TIMEOUT} and fails what it held.</li>
 * </ul>
 * A ready message without a session id when one is required fires {@link ErrorClass#MISSING_SESSION_ID}.
 * Not sharable; runs on its channel's event loop only.
 */
public final class ReadyGate extends ChannelDuplexHandler {
    private final String readyType;
    private final boolean requireSessionId;
    private final String sessionIdPath;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private final NanoClock clock;
    private PendingWriteQueue held;
    private Future<?> timeout;
    private boolean done;

    /**
     * @param readyType        the ready message's type; empty disables the gate
     * @param requireSessionId whether the ready message must carry a non-empty session id
     * @param sessionIdPath    where the id is (for messages only)
     * @param deadlineNanos    absolute {@link NanoClock} time by which the agent must be ready
     * @param timeoutMillis    the configured timeout (for messages only)
     */
    public ReadyGate(String readyType, boolean requireSessionId, String sessionIdPath, long deadlineNanos,
                     long timeoutMillis, NanoClock clock) {
        this.readyType = readyType;
        this.requireSessionId = requireSessionId;
        this.sessionIdPath = sessionIdPath;
        this.deadlineNanos = deadlineNanos;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = new PendingWriteQueue(ctx);
        long delayNanos = deadlineNanos - clock.nanoTime();
        timeout = ctx.executor().schedule(() -> onTimeout(ctx), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (!held.isEmpty()) {
            held.removeAndFailAll(new CallFailedException(ErrorClass.PROTOCOL_ERROR, "call ended before ready"));
        }
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        done = true;
        CallFailedException failure = new CallFailedException(ErrorClass.HANDSHAKE_TIMEOUT,
                "agent not ready within " + timeoutMillis + " ms of connect start"
                        + (readyType.isEmpty() ? "" : " (waiting for a '" + readyType + "' message)"));
        held.removeAndFailAll(failure);
        ctx.fireExceptionCaught(failure);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ctx.fireUserEventTriggered(evt);
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && readyType.isEmpty() && !done) {
            open(ctx, new SessionReady(null, clock.nanoTime(), false));
        }
    }

    /** Consumes the ready message; passes every other message on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!done && msg instanceof AgentMessage && readyType.equals(((AgentMessage) msg).type())) {
            AgentMessage ready = (AgentMessage) msg;
            String sessionId = ready.sessionId();
            if (requireSessionId && (sessionId == null || sessionId.isEmpty())) {
                done = true;
                CallFailedException failure = new CallFailedException(ErrorClass.MISSING_SESSION_ID,
                        "ready message '" + readyType + "' has no session id at path '" + sessionIdPath + "'");
                held.removeAndFailAll(failure);
                ctx.fireExceptionCaught(failure);
                return;
            }
            open(ctx, new SessionReady(sessionId, ready.arrivalNanos(), true));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void open(ChannelHandlerContext ctx, SessionReady ready) {
        done = true;
        timeout.cancel(false);
        if (!held.isEmpty()) {
            held.removeAndWriteAll();
            ctx.flush();
        }
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(ready);
    }

    /** Holds a copy of {@link CallerAudio} until ready (the session reuses its instance); passes others. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!done && msg instanceof CallerAudio) {
            held.add(((CallerAudio) msg).copy(), promise);
            return;
        }
        ctx.write(msg, promise);
    }
}
