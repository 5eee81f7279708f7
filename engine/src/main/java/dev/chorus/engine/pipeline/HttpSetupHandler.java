package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.session.CallFailedException;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import dev.chorus.engine.session.TextTemplate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP-first setup call (CONTRACT §1, {@code connection_mode: http_first}): at the bottom of its own short
 * pipeline it sends one request when the connection opens and hands the reply to its {@link Listener}.
 *
 * <pre>
 *   tls -> http (HttpClientCodec) -> http-aggregator -> http-setup (this)
 *   channelActive: write request (SslHandler holds it until TLS is up)
 *   FullHttpResponse: listener.setupAnswered(status, body)   then close
 *   error / close / deadline first: listener.setupFailed(CallFailedException | cause)
 * </pre>
 *
 * Only {@code http_headers} (and {@code X-Chorus-Call-Id}) go on this request: the WebSocket's
 * {@code authorization_header} and {@code custom_headers} never do. Not sharable: one per setup call, on its
 * channel's event loop. The listener is called exactly once.
 */
public final class HttpSetupHandler extends ChannelInboundHandlerAdapter {
    /** Receives the outcome of the setup call; called once on the event loop; must not throw. */
    public interface Listener {
        /** @param body the reply body (not released by the listener: this handler releases it after the call) */
        void setupAnswered(int status, ByteBuf body, long answeredNanos);

        void setupFailed(Throwable cause);
    }

    private final FullHttpRequest request;
    private final Listener listener;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private final NanoClock clock;
    private Future<?> timeout;
    private boolean done;

    /**
     * @param request       sent once, released by the pipeline (or here, if the channel never opens)
     * @param deadlineNanos {@link NanoClock} time by which the reply must be complete
     */
    public HttpSetupHandler(FullHttpRequest request, Listener listener, long deadlineNanos, long timeoutMillis,
                            NanoClock clock) {
        this.request = request;
        this.listener = listener;
        this.deadlineNanos = deadlineNanos;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
    }

    /**
     * Builds the setup request: method, path and query of {@code http_endpoint}, {@code http_headers} and the body
     * with placeholders rendered from {@code values}.
     *
     * @throws IllegalArgumentException naming an unknown placeholder
     */
    public static FullHttpRequest request(AgentConfig config, String callId, TemplateValues values,
                                          ByteBufAllocator alloc) {
        URI uri = config.httpEndpoint();
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (config.httpBody() != null) {
            String text = TextTemplate.render(config.httpBody(), true, values);
            body = alloc.buffer(text.length() + 16);
            body.writeCharSequence(text, StandardCharsets.UTF_8);
        }
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(config.httpMethod().toUpperCase(java.util.Locale.ROOT)), target, body);
        r.headers().set(HttpHeaderNames.HOST, uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort())
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (body.isReadable()) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        try {
            for (Map.Entry<String, String> h : config.httpHeaders().entrySet()) {
                r.headers().set(h.getKey(), TextTemplate.render(h.getValue(), false, values));
            }
        } catch (IllegalArgumentException e) {
            r.release();
            throw e;
        }
        r.headers().set(CallChannelInitializer.CALL_ID_HEADER, callId);
        return r;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long delayNanos = Math.max(0, deadlineNanos - clock.nanoTime());
        timeout = ctx.executor().schedule(() -> fail(ctx, new CallFailedException(ErrorClass.HTTP_SETUP_FAILED,
                "the setup call was not answered within " + timeoutMillis + " ms (handshake_timeout_seconds)")),
                delayNanos, TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            send(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx);
        ctx.fireChannelActive();
    }

    private boolean sent;

    private void send(ChannelHandlerContext ctx) {
        if (sent) {
            return;
        }
        sent = true;
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, f.cause());
            }
        });
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        discard();
    }

    /** Releases the request if it was never sent (the connect failed); idempotent. Call on the event loop. */
    public void discard() {
        if (!sent) {
            sent = true;
            ReferenceCountUtil.safeRelease(request);
        }
    }

    /** Consumes the reply; releases it after the listener has read it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpResponse && !done) {
                done = true;
                cancelTimeout();
                FullHttpResponse response = (FullHttpResponse) msg;
                listener.setupAnswered(response.status().code(), response.content(), clock.nanoTime());
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new CallFailedException(ErrorClass.HTTP_SETUP_FAILED,
                "the setup server closed the connection without a complete reply"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent
                && !((io.netty.handler.ssl.SslHandshakeCompletionEvent) evt).isSuccess()) {
            fail(ctx, ((io.netty.handler.ssl.SslHandshakeCompletionEvent) evt).cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        listener.setupFailed(cause);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
