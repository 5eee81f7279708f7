package dev.chorus.engine.pipeline;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AuthorizationHeader;
import dev.chorus.engine.session.CallSession;
import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.session.NanoClock;
import dev.chorus.engine.session.TextTemplate;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds one call's pipeline, top to bottom as {@link PipelineNames} draws it. Not sharable: it carries its call.
 */
public final class CallChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest inbound WebSocket message: generous for base64 audio bursts and MP3. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    public static final String CALL_ID_HEADER = "X-Chorus-Call-Id";

    private final CompiledAgent agent;
    private final URI endpoint;
    private final CallSession session;
    private final NanoClock clock;

    public CallChannelInitializer(CompiledAgent agent, URI endpoint, CallSession session, NanoClock clock) {
        this.agent = agent;
        this.endpoint = endpoint;
        this.session = session;
        this.clock = clock;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        AgentConfig config = agent.config();
        int port = endpoint.getPort() < 0 ? 443 : endpoint.getPort();
        long timeoutMillis = config.handshakeTimeoutMillis();
        ChannelPipeline p = ch.pipeline();
        CallTlsHandler tls = new CallTlsHandler(agent.sslContext().newEngine(ch.alloc(), endpoint.getHost(), port));
        // handshake_timeout_seconds governs the whole way to ready (ReadyGate); SslHandler's own 10 s limit would
        // fail slow TLS handshakes (thousands starting on one core) before it.
        tls.setHandshakeTimeoutMillis(Math.max(1, timeoutMillis));
        p.addLast(PipelineNames.TLS, tls);
        p.addLast(PipelineNames.HTTP, new HttpClientCodec());
        p.addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(64 * 1024));
        p.addLast(PipelineNames.WEBSOCKET, new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(endpoint)
                .customHeaders(handshakeHeaders(config))
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .handshakeTimeoutMillis(Math.max(1, timeoutMillis))
                .generateOriginHeader(false)
                .withUTF8Validator(false)
                .build()));
        p.addLast(PipelineNames.WEBSOCKET_AGGREGATOR, new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
        p.addLast(PipelineNames.AGENT_DECODER, new AgentMessageDecoder(agent.newScanner(), config.audioEncoding(),
                config.receiveAudioChannels(), agent.captureCount(), config.receiveSampleRateHz(), clock));
        p.addLast(PipelineNames.AUDIO_ENCODER, new CallerAudioEncoder(agent.audioTemplate(), agent.mediaTemplate()));
        p.addLast(PipelineNames.READY_GATE, new ReadyGate(config.handshakeReadyMessageType(),
                config.handshakeRequiresSessionId(), config.sessionIdPath(),
                session.connectStartNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis, clock));
        p.addLast(PipelineNames.CALL, session);
    }

    /** Authorization (either form), custom headers with placeholders rendered, and the call id. */
    private HttpHeaders handshakeHeaders(AgentConfig config) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : config.customHeaders().entrySet()) {
            headers.set(h.getKey(), TextTemplate.render(h.getValue(), false, session));
        }
        AuthorizationHeader auth = config.authorization();
        if (auth != null) {
            headers.set(auth.headerName(), auth.value());
        }
        headers.set(CALL_ID_HEADER, session.callId());
        return headers;
    }
}
