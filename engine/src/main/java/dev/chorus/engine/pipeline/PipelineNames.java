package dev.chorus.engine.pipeline;

/**
 * Names of the call pipeline's handlers, network at the top, the call at the bottom:
 *
 * <pre>
 *   network
 *     |  tls              CallTlsHandler: Netty's SslHandler (BoringSSL when available, SNI = endpoint host) that,
 *     |                   once the handshake is done, wraps each outbound frame into one TLS record at once
 *     |  http             HttpClientCodec: the upgrade request and response only (Netty removes it after the upgrade)
 *     |  http-aggregator  HttpObjectAggregator (removed after the upgrade)
 *     |  (ws-decoder, ws-encoder: Netty's WebSocket13 codec, added by the handshaker; data frames from
 *     |   audio-encoder are already bytes and pass ws-encoder untouched)
 *     |  websocket        WebSocketClientProtocolHandler: handshake with auth, custom and X-Chorus-Call-Id headers
 *     |  ws-aggregator    WebSocketFrameAggregator: joins fragmented messages (complete frames pass untouched)
 *     |  agent-decoder    AgentMessageDecoder: text/binary frame -> AgentAudio | AgentMessage | AgentProblem
 *     |  audio-encoder    CallerAudioEncoder: CallerAudio -> complete masked WebSocket frame in one pooled buffer,
 *     |                   written (and flushes passed) straight to tls once streaming: the handlers between pass bytes
 *     |                   (template pre-split, base64 copied or encoded in place, masked in place)
 *     |  ready-gate       ReadyGate: holds caller audio until the ready message; handshake timeout
 *     |  hello-gate       HelloGate: holds everything until the agent's hello (deepgram_agent Welcome)      *
 *     |  opening          OpeningHandler: opening messages before the init, closing before the close frame *
 *     |  auto-reply       AutoReplyHandler: ping -> pong with the ping's id (elevenlabs)                     *
 *     |  playback-flush   PlaybackFlushHandler: clear / interruption messages flush the playback timeline   *
 *     |  mark-echo        MarkEchoHandler: marks echoed when playback reaches them; clear returns them      *
 *     |  keep-alive       KeepAliveHandler: keepalive_message every keepalive_interval_seconds               *
 *     |  speech-events    SpeechEventHandler: speech.started/completed around utterances; agent barge-in   *
 *     |  stream-counters  StreamCounterHandler: {{stream_sid}}, {{sequence_number}}, {{chunk}} … (twilio)    *
 *     v  call             CallSession: state machine, script, pacing, playback timeline, metrics
 *
 *   * only when the agent file's profile (or keys) need it; all of them see the call's messages before the
 *     call does, and the call's writes before the encoder does
 * </pre>
 *
 * Per outbound audio frame the path allocates one {@code SSLEngineResult} (40 B, the SSLEngine API's floor) and
 * nothing else: {@code bench/.../pipeline/OutboundFrameBenchmark}, {@code bench/.../load/LoopAllocation}.
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
    public static final String HELLO_GATE = "hello-gate";
    public static final String OPENING = "opening";
    public static final String AUTO_REPLY = "auto-reply";
    public static final String PLAYBACK_FLUSH = "playback-flush";
    public static final String MARK_ECHO = "mark-echo";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String SPEECH_EVENTS = "speech-events";
    public static final String STREAM_COUNTERS = "stream-counters";
    public static final String CALL = "call";
    public static final String HTTP_SETUP = "http-setup";

    private PipelineNames() {
    }
}
