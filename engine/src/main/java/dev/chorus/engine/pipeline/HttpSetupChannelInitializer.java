package dev.chorus.engine.pipeline;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;

import java.net.URI;

/**
 * Builds the pipeline of one HTTP-first setup call: {@code tls -> http -> http-aggregator -> http-setup}. Not
 * sharable: it carries its call's {@link HttpSetupHandler}.
 */
public final class HttpSetupChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest setup reply accepted. */
    static final int MAX_REPLY_BYTES = 1024 * 1024;

    private final SslContext sslContext;
    private final URI httpEndpoint;
    private final HttpSetupHandler handler;

    public HttpSetupChannelInitializer(SslContext sslContext, URI httpEndpoint, HttpSetupHandler handler) {
        this.sslContext = sslContext;
        this.httpEndpoint = httpEndpoint;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        int port = httpEndpoint.getPort() < 0 ? 443 : httpEndpoint.getPort();
        ChannelPipeline p = ch.pipeline();
        p.addLast(PipelineNames.TLS, sslContext.newHandler(ch.alloc(), httpEndpoint.getHost(), port));
        p.addLast(PipelineNames.HTTP, new HttpClientCodec());
        p.addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_REPLY_BYTES));
        p.addLast(PipelineNames.HTTP_SETUP, handler);
    }
}
