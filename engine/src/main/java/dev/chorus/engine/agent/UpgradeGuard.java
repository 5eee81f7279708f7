package dev.chorus.engine.agent;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * Answers an upgrade request before the WebSocket handshake: 404 for another path, 401 without the required
 * credentials (or when the call's behavior is {@link AgentBehavior#REJECT_UPGRADE_401}). Picks the call's behavior
 * (the {@link ReferenceAgent#BEHAVIOR_HEADER} header overrides the agent's default). Sharable: stateless.
 */
@ChannelHandler.Sharable
final class UpgradeGuard extends ChannelInboundHandlerAdapter {
    static final AttributeKey<AgentBehavior> BEHAVIOR = AttributeKey.valueOf("chorus.agent.behavior");

    private final ReferenceAgentOptions options;
    private final AgentObservations observations;

    UpgradeGuard(ReferenceAgentOptions options, AgentObservations observations) {
        this.options = options;
        this.observations = observations;
    }

    /** Passes accepted requests on; answers and releases rejected ones. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(options.path())) {
            request.release();
            reject(ctx, HttpResponseStatus.NOT_FOUND);
            return;
        }
        AgentBehavior behavior = AgentBehavior.fromName(request.headers().get(ReferenceAgent.BEHAVIOR_HEADER));
        if (behavior == null) {
            behavior = options.behavior();
        }
        boolean authorized = options.requiredAuthHeader() == null
                || constantTimeEquals(request.headers().get(options.requiredAuthHeader()), options.requiredAuthValue());
        if (behavior == AgentBehavior.REJECT_UPGRADE_401 || !authorized) {
            request.release();
            observations.rejected();
            reject(ctx, HttpResponseStatus.UNAUTHORIZED);
            return;
        }
        ctx.channel().attr(BEHAVIOR).set(behavior);
        ctx.fireChannelRead(request);
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static void reject(ChannelHandlerContext ctx, HttpResponseStatus status) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
