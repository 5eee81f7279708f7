package dev.chorus.engine;

import dev.chorus.engine.config.ConnectionMode;
import dev.chorus.engine.pipeline.CallChannelInitializer;
import dev.chorus.engine.pipeline.HttpSetupChannelInitializer;
import dev.chorus.engine.pipeline.HttpSetupHandler;
import dev.chorus.engine.session.CallSession;
import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.session.NanoClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Dials one call on its event loop: in direct mode the WebSocket at once; in http_first mode the setup call first,
 * then the WebSocket URL its reply names, on the same loop. Thread-safe (holds only immutable state; each dial
 * runs on the loop it is given).
 *
 * <pre>
 *   direct:      connect(endpoint) --> CallChannelInitializer --> CallSession
 *   http_first:  connect(http_endpoint) --> HttpSetupHandler --reply--> session.httpSetupAnswered --> ws URL
 *                  --> connect(ws URL) --> CallChannelInitializer --> CallSession
 * </pre>
 */
final class CallDialer {
    private final CompiledAgent agent;
    private final Bootstrap bootstrap;
    private final NanoClock clock;

    CallDialer(CompiledAgent agent, Bootstrap bootstrap, NanoClock clock) {
        this.agent = agent;
        this.bootstrap = bootstrap;
        this.clock = clock;
    }

    /** Starts {@code session}'s call; every later step runs on {@code loop}. Call on {@code loop}. */
    void dial(CallSession session, EventLoop loop) {
        if (agent.config().connectionMode() == ConnectionMode.DIRECT) {
            connectWebSocket(session, loop, agent.directEndpoint());
            return;
        }
        session.httpSetupStarted();
        FullHttpRequest request;
        try {
            request = HttpSetupHandler.request(agent.config(), session.callId(), session, ByteBufAllocator.DEFAULT);
        } catch (IllegalArgumentException e) {
            session.httpSetupFailed(e);
            return;
        }
        long timeoutMillis = agent.config().handshakeTimeoutMillis();
        HttpSetupHandler handler = new HttpSetupHandler(request, new HttpSetupHandler.Listener() {
            @Override
            public void setupAnswered(int status, ByteBuf body, long answeredNanos) {
                URI ws = session.httpSetupAnswered(status, body, answeredNanos);
                if (ws != null) {
                    // Off the setup channel's read: the setup connection closes while the WebSocket dials.
                    loop.execute(() -> connectWebSocket(session, loop, ws));
                }
            }

            @Override
            public void setupFailed(Throwable cause) {
                session.httpSetupFailed(cause);
            }
        }, session.startNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis, clock);
        URI http = agent.config().httpEndpoint();
        ChannelFuture connect = bootstrap.clone(loop)
                .handler(new HttpSetupChannelInitializer(agent.sslContext(), http, handler))
                .connect(http.getHost(), http.getPort() < 0 ? 443 : http.getPort());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                handler.discard();
                session.httpSetupFailed(f.cause());
            }
        });
    }

    private void connectWebSocket(CallSession session, EventLoop loop, URI ws) {
        if (session.finished()) {
            return;
        }
        session.connectStarted(ws);
        ChannelFuture connect = bootstrap.clone(loop)
                .handler(new CallChannelInitializer(agent, ws, session, clock))
                .connect(ws.getHost(), ws.getPort() < 0 ? 443 : ws.getPort());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                session.connectFailed(f.cause());
            }
        });
    }
}
