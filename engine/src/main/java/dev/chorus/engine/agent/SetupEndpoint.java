package dev.chorus.engine.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The reference agent's HTTP-first setup endpoint (CONTRACT §1 {@code http_first}): a request to
 * {@code setupPath} is answered with the WebSocket URL of a fresh session, nested as real provisioning APIs do:
 *
 * <pre>
 *   {"data": {"session": {"id": "setup-7", "ws_url": "wss://127.0.0.1:PORT/agent?session=setup-7"}}}
 * </pre>
 *
 * Misbehaves when the {@link ReferenceAgent#BEHAVIOR_HEADER} header says {@code setup_500}, {@code setup_no_url}
 * or {@code setup_ws_scheme}; answers 401 without the required header. Other requests pass on. Sharable:
 * stateless but for an atomic counter.
 */
@ChannelHandler.Sharable
final class SetupEndpoint extends ChannelInboundHandlerAdapter {
    private static final AtomicLong SETUPS = new AtomicLong();

    private final ReferenceAgentOptions options;
    private final AgentObservations observations;
    private final Supplier<URI> webSocketEndpoint;

    SetupEndpoint(ReferenceAgentOptions options, AgentObservations observations, Supplier<URI> webSocketEndpoint) {
        this.options = options;
        this.observations = observations;
        this.webSocketEndpoint = webSocketEndpoint;
    }

    /** Answers and releases setup requests; passes everything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)
                || !new QueryStringDecoder(((FullHttpRequest) msg).uri()).path().equals(options.setupPath())) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        try {
            String behavior = request.headers().get(ReferenceAgent.BEHAVIOR_HEADER, "");
            String body = request.content().toString(StandardCharsets.UTF_8);
            String id = "setup-" + SETUPS.incrementAndGet();
            String wsUrl = webSocketEndpoint.get() + "?session=" + id;
            if ("setup_ws_scheme".equals(behavior)) {
                wsUrl = wsUrl.replaceFirst("^wss:", "ws:");
            }
            boolean authorized = options.setupRequiredHeader() == null
                    || options.setupRequiredValue().equals(request.headers().get(options.setupRequiredHeader()));
            HttpResponseStatus status;
            String reply;
            if (!authorized) {
                status = HttpResponseStatus.UNAUTHORIZED;
                reply = "{\"error\": \"unauthorized\"}";
                wsUrl = "";
            } else if ("setup_500".equals(behavior)) {
                status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                reply = "{\"error\": \"no capacity\"}";
                wsUrl = "";
            } else if ("setup_no_url".equals(behavior)) {
                status = HttpResponseStatus.OK;
                reply = "{\"data\": {\"session\": {\"id\": \"" + id + "\"}}}";
                wsUrl = "";
            } else {
                status = HttpResponseStatus.OK;
                reply = "{\"data\": {\"session\": {\"id\": \"" + id + "\", \"ws_url\": \"" + wsUrl + "\"}}}";
            }
            observations.setup(new ObservedSetup(request.method().name(), request.uri(),
                    new DefaultHttpHeaders().add(request.headers()), body, wsUrl));
            ByteBuf content = Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8);
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } finally {
            request.release();
        }
    }
}
