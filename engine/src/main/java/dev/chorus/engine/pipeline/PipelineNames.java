package dev.chorus.engine.pipeline;

/**
 * Names of the call pipeline's handlers, network at the top, the call at the bottom:
 *
 * <pre>
 *   network
 *     |  tls              SslHandler (BoringSSL when available), SNI = endpoint host
 *     |  http             HttpClientCodec: the upgrade request and response only
 *     |  http-aggregator  HttpObjectAggregator
 *     |  websocket        WebSocketClientProtocolHandler: handshake with auth, custom and X-Chorus-Call-Id headers
 *     |  ws-aggregator    WebSocketFrameAggregator: joins fragmented messages (complete frames pass untouched)
 *     |  agent-decoder    AgentMessageDecoder: text/binary frame -> AgentAudio | AgentMessage | AgentProblem
 *     |  audio-encoder    CallerAudioEncoder: CallerAudio -> template frame (pre-split, base64 in place) | binary
 *     |  ready-gate       ReadyGate: holds caller audio until the ready message; handshake timeout
 *     v  call             CallSession: state machine, script, pacing, playback timeline, metrics
 * </pre>
 *
 * In {@code http_first} mode a short pipeline comes first, on its own connection, to provision the session:
 *
 * <pre>
 *   network
 *     |  tls              SslHandler, SNI = http_endpoint host (same trust as the WebSocket)
 *     |  http             HttpClientCodec
 *     |  http-aggregator  HttpObjectAggregator: the whole reply
 *     v  http-setup       HttpSetupHandler: one request (http_method, http_headers, http_body), reply to the call
 * </pre>
 */
public final class PipelineNames {
    public static final String TLS = "tls";
    public static final String HTTP = "http";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String WEBSOCKET = "websocket";
    public static final String WEBSOCKET_AGGREGATOR = "ws-aggregator";
    public static final String AGENT_DECODER = "agent-decoder";
    public static final String AUDIO_ENCODER = "audio-encoder";
    public static final String READY_GATE = "ready-gate";
    public static final String CALL = "call";
    public static final String HTTP_SETUP = "http-setup";

    private PipelineNames() {
    }
}
