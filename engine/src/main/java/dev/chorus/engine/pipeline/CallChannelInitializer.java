package dev.chorus.engine.pipeline;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AuthorizationHeader;
import dev.chorus.engine.config.ProtocolProfile;
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
import java.util.ArrayList;
import java.util.List;
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
        ProtocolProfile profile = config.protocolProfile();
        StreamCounterHandler counters = null;
        if (profile.streamIds()) {
            // Before the handshake headers are rendered: they may carry {{stream_sid}} too.
            counters = new StreamCounterHandler(config.chunkMillis());
            session.profileValues(counters);
        }
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
                config.receiveAudioChannels(), agent.captureCount(), config.receiveSampleRateHz(), agent.kindNames(),
                profile.binaryFramesCarryJson(), clock));
        p.addLast(PipelineNames.AUDIO_ENCODER, new CallerAudioEncoder(agent.audioTemplate(), agent.mediaTemplate()));
        p.addLast(PipelineNames.READY_GATE, new ReadyGate(config.handshakeReadyMessageType(),
                config.handshakeRequiresSessionId(), config.sessionIdPath(),
                session.connectStartNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis, clock));
        addProfileHandlers(p, profile, counters);
        p.addLast(PipelineNames.CALL, session);
    }

    /** What the profile (and the keys it fills) adds between the ready gate and the call; nothing for default. */
    private void addProfileHandlers(ChannelPipeline p, ProtocolProfile profile, StreamCounterHandler counters) {
        AgentConfig config = agent.config();
        PlaybackTimeline playback = session.playbackTimeline();
        List<String> captureNames = new ArrayList<>();
        for (int i = 0; i < agent.captureCount(); i++) {
            captureNames.add(agent.captureName(i));
        }
        if (profile.helloMessageType() != null) {
            p.addLast(PipelineNames.HELLO_GATE, new HelloGate(profile.helloMessageType()));
        }
        if (!profile.openingMessages().isEmpty() || profile.closingMessage() != null) {
            p.addLast(PipelineNames.OPENING, new OpeningHandler(profile.openingMessages(), profile.closingMessage(),
                    session));
        }
        if (!profile.autoReplies().isEmpty()) {
            List<AutoReplyHandler.Rule> rules = new ArrayList<>();
            for (ProtocolProfile.AutoReply r : profile.autoReplies()) {
                rules.add(new AutoReplyHandler.Rule(r.messageType(), r.template(),
                        r.requiredCapture() == null ? -1 : agent.captureIndex(r.requiredCapture())));
            }
            p.addLast(PipelineNames.AUTO_REPLY, new AutoReplyHandler(rules, captureNames, session));
        }
        if (!config.playbackFlushMessageTypes().isEmpty()) {
            p.addLast(PipelineNames.PLAYBACK_FLUSH, new PlaybackFlushHandler(config.playbackFlushMessageTypes(),
                    playback));
        }
        ProtocolProfile.MarkEcho marks = profile.markEcho();
        if (marks != null) {
            p.addLast(PipelineNames.MARK_ECHO, new MarkEchoHandler(marks.markType(), marks.clearType(),
                    marks.nameCapture(), marks.echoTemplate(), captureNames, session, playback, clock));
        }
        if (config.keepaliveMessage() != null) {
            p.addLast(PipelineNames.KEEP_ALIVE, new KeepAliveHandler(config.keepaliveMessage(),
                    config.keepaliveIntervalMillis(), session));
        }
        ProtocolProfile.SpeechEvents speech = profile.speechEvents();
        if (speech != null) {
            p.addLast(PipelineNames.SPEECH_EVENTS, new SpeechEventHandler(agent.silenceFrame(),
                    speech.startedMessage(), speech.completedMessage(), speech.agentStartedType(), playback));
        }
        if (counters != null) {
            p.addLast(PipelineNames.STREAM_COUNTERS, counters);
        }
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
