package dev.chorus.engine.session;

import dev.chorus.codecs.template.JsonText;
import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.codecs.vad.SpeechDetector;
import dev.chorus.codecs.vad.WebRtcSpeechDetector;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.RunMetrics;
import dev.chorus.engine.pipeline.AgentAudio;
import dev.chorus.engine.pipeline.AgentMessage;
import dev.chorus.engine.pipeline.AgentProblem;
import dev.chorus.engine.pipeline.CallerAudio;
import dev.chorus.engine.pipeline.CallerMedia;
import dev.chorus.engine.pipeline.PlaybackTimeline;
import dev.chorus.engine.pipeline.SessionReady;
import dev.chorus.engine.schedule.Pacer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One simulated call: the state machine at the bottom of the call pipeline. It sends the init message when the
 * WebSocket opens, runs the test case's script once the agent is ready — one outbound audio frame every
 * {@code chunk_ms}, at absolute deadlines {@code start + k × chunk}, speech or silence like a live microphone —
 * places agent audio on a simulated playback timeline with speech detection, measures, keeps the transcript, and
 * hangs up with a close handshake.
 *
 * <pre>
 *  frame k planned at t0 + k·chunk ──► CallerAudio (reused) ──► encoder ──► wire
 *  agent audio ──► playback: starts at max(arrival, end of previous) ──► speech detector ──► turn, agent turn end
 * </pre>
 *
 * Not thread-safe: confined to its channel's event loop. Ends exactly once, handing a {@link SessionResult} to its
 * {@link Listener}.
 */
public final class CallSession extends ChannelDuplexHandler implements TemplateValues {
    /** Receives the result of a call; called once, on the call's event loop; must not throw. */
    @FunctionalInterface
    public interface Listener {
        void sessionEnded(SessionResult result);
    }

    static final long CLOSE_REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long BARGE_IN_WAIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * A frame more than this overdue when its turn comes is skipped (counted, not sent): after a long stall of the
     * generator, bursting seconds of audio at once would not be what a microphone does and would bury the agent.
     * Shorter stalls are caught up in a burst so the stream does not drift.
     */
    static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int PLAYBACK_RING = 32;
    /**
     * Agent audio arriving up to this long after the audio before it finished playing is not an underrun: timer and
     * scheduling jitter of an agent that sends exactly in real time (microseconds to a fraction of a millisecond,
     * on either side) would otherwise count; a gap a listener hears is longer.
     */
    static final long UNDERRUN_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Read-only silence for {@link #completeDetectorFrame}: one 10 ms frame at the highest receive rate. */
    private static final short[] SILENCE = new short[48_000 / 100];

    private final CompiledAgent agent;
    private final PreparedTestCase plan;
    private final String callId;
    private final String runId;
    private final long startNanos;
    private final long startEpochMillis;
    private final NanoClock clock;
    private final RunMetrics metrics;
    private final Listener listener;
    private final long chunkNanos;
    private final int receiveRateHz;
    private final long quietNanos = TimeUnit.MILLISECONDS.toNanos(CompiledAgent.AGENT_TURN_END_QUIET_MILLIS);
    /** {@code agent_transcript_type}, or null for any message type. */
    private final String transcriptType;

    private ChannelHandlerContext ctx;
    private CallState state = CallState.CONNECTING;
    private boolean finished;
    private ErrorClass errorClass;
    private String errorMessage;
    private String sessionId;
    /** Latest value of each {@code captures} entry (null until one arrives). */
    private String[] captures;
    private CallState failedInState;
    private boolean stopRequested;
    private boolean scriptDone;

    // timings
    /** The timings a call reaches, in the order it reaches them (the result map's order): HTTP_SETUP … GREETING. */
    private static final Metric[] TIMINGS = Arrays.copyOf(Metric.values(), Metric.GREETING.ordinal() + 1);
    /** The call's timings in milliseconds by {@link #TIMINGS} index, NaN until reached (no map held per call). */
    private final double[] timingMillis = unreached();
    private URI endpoint;
    private long connectStartNanos;
    private long tcpNanos;
    private long tlsNanos;
    private long wsNanos;

    // pacing
    private final Pacer.Timed frameTimer = new Pacer.Timed() {
        @Override
        protected void onDeadline(long nowNanos) {
            tick();
        }
    };
    private Pacer pacer;
    private final CallerAudio frame = new CallerAudio();
    private long streamStartNanos;
    private long frameIndex;
    private long nextFramePlannedNanos;
    private long seq;
    private long framesSent;
    private long lateFrames;
    private long skippedFrames;
    private boolean dropping;
    private long startOffsetNanos;
    private long lastLagNanos;
    private Future<?> closeTimeout;
    private Future<?> pinger;
    private long lastPingNanos;
    private long lastPongNanos;

    // script
    private int stepIndex;
    private boolean stepStarted;
    private long stepStartNanos;
    private int utteranceFrame;
    private long utteranceStartPlannedNanos;
    private long lastUserFramePlannedNanos;
    private boolean turnPending;
    private boolean firstAudioPending;
    private int agentTurnsSinceUtterance;
    /** The agent speaks first and its greeting has not started yet: measured from {@link #readyNanos}. */
    private boolean greetingPending;
    private long readyNanos;

    // agent audio and playback
    private final SpeechDetector detector;
    private final long[] ringFirstSample = new long[PLAYBACK_RING];
    private final long[] ringPlayStartNanos = new long[PLAYBACK_RING];
    private int ringCount;
    private long playbackEndNanos;
    private boolean agentTurnOpen;
    private long agentTurnStartNanos;
    private long lastSpeechEndNanos;
    /** The detector's last speech sample when {@link #lastSpeechEndNanos} was last placed. */
    private long lastSpeechSampleSeen = -1;
    /** Agent audio was fed since the detector's frame was last completed with silence. */
    private boolean detectorFramePending;
    /** A caller utterance has started: agent turns are counted from its start ({@link #agentTurnsSinceUtterance}). */
    private boolean uttered;
    private String pendingAgentText;
    private long agentAudioMessages;
    private long agentAudioNanos;
    private long underruns;

    /** The call's audio with {@code --record}; null (the common case) costs one branch per frame. */
    private CallRecording recording;

    private final List<Double> turnMillis = new ArrayList<>(4);
    private final List<Double> firstAudioMillis = new ArrayList<>(4);
    private final EnumMap<ErrorClass, Integer> nonFatal = new EnumMap<>(ErrorClass.class);
    private final List<TranscriptEntry> transcript = new ArrayList<>(32);

    /**
     * @param startNanos {@link NanoClock} time of TCP connect start: the zero of the call's transcript
     */
    public CallSession(CompiledAgent agent, PreparedTestCase plan, String callId, String runId, long startNanos,
                       NanoClock clock, RunMetrics metrics, Listener listener) {
        this.agent = agent;
        this.plan = plan;
        this.callId = callId;
        this.runId = runId;
        this.startNanos = startNanos;
        this.startEpochMillis = System.currentTimeMillis();
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
        this.chunkNanos = agent.chunkNanos();
        this.receiveRateHz = agent.config().receiveSampleRateHz();
        this.detector = new WebRtcSpeechDetector(receiveRateHz);
        this.transcriptType = agent.config().agentTranscriptType();
        this.endpoint = agent.directEndpoint();
        this.connectStartNanos = startNanos;
    }

    public String callId() {
        return callId;
    }

    public CallState state() {
        return state;
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * Delays the first frame by {@code offsetNanos} (less than one chunk) after ready, so that calls started
     * together do not all send in the same instant of every chunk period. Call before the call is ready.
     */
    public void startOffset(long offsetNanos) {
        this.startOffsetNanos = offsetNanos;
    }

    /** {@link NanoClock} time the WebSocket's TCP connect started: the handshake deadline runs from here. */
    public long connectStartNanos() {
        return connectStartNanos;
    }

    /** The WebSocket URL this call dials (in http_first mode known once the setup call has answered), or null. */
    public URI endpoint() {
        return endpoint;
    }

    /** Whether the call has ended (its result handed over). */
    public boolean finished() {
        return finished;
    }

    // ------------------------------------------------------------------ http_first setup

    /** The setup call starts now (http_first mode). Call on the call's event loop. */
    public void httpSetupStarted() {
        state = CallState.HTTP_SETUP;
        URI http = agent.config().httpEndpoint();
        event(clock.nanoTime(), "http_setup_sent", agent.config().httpMethod() + " " + http.getHost()
                + (http.getRawPath() == null ? "" : http.getRawPath()));
    }

    /**
     * The setup call was answered: records {@code http_setup} and reads the WebSocket URL at
     * {@code websocket_url_response_path}. Call on the call's event loop.
     *
     * @param body the reply body (not released here)
     * @return the URL to dial, or null when the call failed (or was stopped) instead
     */
    public URI httpSetupAnswered(int status, ByteBuf body, long answeredNanos) {
        timing(Metric.HTTP_SETUP, answeredNanos - startNanos);
        event(answeredNanos, "http_setup_answered", Integer.toString(status));
        HttpSetupReply reply = HttpSetupReply.read(status, body, agent.config().websocketUrlResponsePath(),
                httpText());
        if (reply.url() == null) {
            fail(reply.errorClass(), reply.message());
            return null;
        }
        if (stopRequested) {
            event(clock.nanoTime(), "stopped", "run stopped in state " + state.wireName());
            finish();
            return null;
        }
        return reply.url();
    }

    /** The setup call failed before a complete reply. Call on the call's event loop. */
    public void httpSetupFailed(Throwable cause) {
        if (cause instanceof CallFailedException) {
            CallFailedException f = (CallFailedException) cause;
            fail(f.errorClass(), f.getMessage() + " (" + httpText() + ")");
        } else if (cause instanceof ConnectException) {
            fail(ErrorClass.CONNECTION_REFUSED, "setup call: connection refused by " + httpText());
        } else if (cause instanceof UnknownHostException) {
            fail(ErrorClass.DNS_FAILURE, "setup call: cannot resolve host of " + httpText());
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            fail(ErrorClass.HTTP_SETUP_FAILED, "setup call: TCP connect to " + httpText() + " timed out");
        } else if (hasCause(cause, SSLException.class)) {
            fail(ErrorClass.TLS_FAILURE, "setup call: TLS with " + httpText() + " failed: " + rootMessage(cause));
        } else if (cause instanceof IllegalArgumentException) {
            fail(ErrorClass.HTTP_SETUP_FAILED, "setup call: " + cause.getMessage());
        } else {
            fail(ErrorClass.HTTP_SETUP_FAILED, "setup call to " + httpText() + " failed: " + rootMessage(cause));
        }
    }

    /**
     * The WebSocket's TCP connect to {@code url} starts now; {@code connect} and the handshake deadline run from
     * here. Call on the call's event loop.
     */
    public void connectStarted(URI url) {
        endpoint = url;
        connectStartNanos = clock.nanoTime();
        state = CallState.CONNECTING;
    }

    private String httpText() {
        URI http = agent.config().httpEndpoint();
        return http.getHost() + ":" + (http.getPort() < 0 ? 443 : http.getPort());
    }

    // ------------------------------------------------------------------ connection lifecycle

    /**
     * The frame timer of the event loop this call runs on, shared by its calls; without one (tests) the call makes
     * its own on {@link #handlerAdded}. Call before the call is added to a pipeline.
     */
    public void pacer(Pacer loopPacer) {
        this.pacer = loopPacer;
    }

    /**
     * Records the call's audio ({@code --record}): caller frames and agent playback on one timeline from stream
     * start, handed over in the {@link SessionResult}. Call before the call is added to a pipeline.
     */
    public void record() {
        this.recording = new CallRecording(agent.config().sendAudioEncoding(), agent.config().sendSampleRateHz(),
                receiveRateHz);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (pacer == null) {
            pacer = new Pacer(ctx.executor(), clock);
        }
        if (stopRequested) {
            ctx.executor().execute(this::stop);
        }
    }

    /**
     * Ends the call early for a graceful run stop: a streaming call hangs up with a close handshake, an earlier one
     * closes. The result is neither passed nor failed but stopped. Call on the channel's event loop.
     */
    public void stop() {
        if (finished) {
            return;
        }
        stopRequested = true;
        if (ctx == null) {
            // http_first: the setup call is in flight; httpSetupAnswered ends the call as stopped.
            return;
        }
        if (state == CallState.STREAMING) {
            hangUp();
        } else if (state != CallState.CLOSING) {
            event(clock.nanoTime(), "stopped", "run stopped in state " + state.wireName());
            finish();
        }
    }

    /**
     * The TCP connect failed before the pipeline saw the channel active. Call on the channel's event loop (the
     * connect future's listener runs there).
     */
    public void connectFailed(Throwable cause) {
        if (cause instanceof ConnectException) {
            fail(ErrorClass.CONNECTION_REFUSED, "connection refused by " + endpointText() + ": " + cause.getMessage());
        } else if (cause instanceof UnknownHostException) {
            fail(ErrorClass.DNS_FAILURE, "cannot resolve host of " + endpointText() + ": " + cause.getMessage());
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            fail(ErrorClass.HANDSHAKE_TIMEOUT, "TCP connect to " + endpointText() + " did not complete within "
                    + agent.config().handshakeTimeoutMillis() + " ms");
        } else {
            fail(ErrorClass.CONNECTION_REFUSED, "cannot connect to " + endpointText() + ": " + cause);
        }
    }

    private String endpointText() {
        URI uri = endpoint;
        return uri == null ? "the agent" : uri.getHost() + ":" + (uri.getPort() < 0 ? 443 : uri.getPort());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        tcpNanos = clock.nanoTime();
        timing(Metric.CONNECT, tcpNanos - connectStartNanos);
        state = CallState.TLS;
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent tls = (SslHandshakeCompletionEvent) evt;
            if (tls.isSuccess()) {
                tlsNanos = clock.nanoTime();
                timing(Metric.TLS, tlsNanos - tcpNanos);
                state = CallState.UPGRADING;
            } else {
                fail(ErrorClass.TLS_FAILURE, "TLS handshake with " + endpointText() + " failed: "
                        + rootMessage(tls.cause()));
            }
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            wsNanos = clock.nanoTime();
            timing(Metric.WS_HANDSHAKE, wsNanos - tlsNanos);
            state = CallState.AWAITING_READY;
            sendInit();
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(ErrorClass.HANDSHAKE_TIMEOUT, "WebSocket upgrade not answered in time");
        } else if (evt instanceof SessionReady) {
            onReady((SessionReady) evt);
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    private void sendInit() {
        String init = agent.config().initializationJson();
        if (init == null) {
            return;
        }
        String text;
        try {
            text = TextTemplate.render(init, true, this);
        } catch (IllegalArgumentException e) {
            fail(ErrorClass.PROTOCOL_ERROR, "initialization_json: " + e.getMessage());
            return;
        }
        ctx.writeAndFlush(new TextWebSocketFrame(text), ctx.voidPromise());
        event(clock.nanoTime(), "init_sent", null);
    }

    private void onReady(SessionReady ready) {
        if (state != CallState.AWAITING_READY) {
            return;
        }
        sessionId = ready.sessionId();
        if (ready.gated()) {
            timing(Metric.READY, ready.readyNanos() - wsNanos);
        }
        event(ready.readyNanos(), "ready", sessionId);
        readyNanos = ready.readyNanos();
        greetingPending = plan.testCase().agentSpeaksFirst();
        state = CallState.STREAMING;
        long now = clock.nanoTime();
        streamStartNanos = now + startOffsetNanos;
        nextFramePlannedNanos = streamStartNanos;
        if (recording != null) {
            event(streamStartNanos, "recording_start", "recordings/" + callId + ".wav starts here");
        }
        long pingMillis = agent.config().pingIntervalMillis();
        if (pingMillis > 0) {
            pinger = ctx.executor().scheduleAtFixedRate(this::ping, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        }
        tick();
    }

    private void ping() {
        if (lastPingNanos != 0 && lastPongNanos - lastPingNanos < 0) {
            fail(ErrorClass.CONNECTION_LOST, "no pong within " + agent.config().pingIntervalMillis()
                    + " ms of a ping");
            return;
        }
        lastPingNanos = clock.nanoTime();
        ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    }

    // ------------------------------------------------------------------ inbound

    /** Consumes (and releases) everything that reaches the bottom of the pipeline. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AgentAudio) {
            AgentAudio audio = (AgentAudio) msg;
            ByteBuf pcm = audio.pcm();
            try {
                if (!finished) {
                    onAgentAudio(pcm, audio.arrivalNanos());
                }
            } finally {
                pcm.release();
            }
        } else if (msg instanceof AgentMessage) {
            onAgentMessage((AgentMessage) msg);
        } else if (msg instanceof AgentProblem) {
            AgentProblem p = (AgentProblem) msg;
            nonFatal.merge(p.errorClass(), 1, Integer::sum);
            event(p.arrivalNanos(), p.errorClass().wireName(), p.message());
        } else if (msg instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
            int status = close.statusCode();
            String reason = close.reasonText();
            close.release();
            onClose(status, reason);
        } else if (msg instanceof PongWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            lastPongNanos = clock.nanoTime();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onAgentMessage(AgentMessage m) {
        String[] captured = m.captures();
        if (captured != null) {
            if (captures == null) {
                captures = new String[agent.captureCount()];
            }
            for (int i = 0; i < captured.length; i++) {
                if (captured[i] != null) {
                    captures[i] = captured[i];
                }
            }
        }
        if (m.text() != null && (transcriptType == null || transcriptType.equals(m.type()))) {
            pendingAgentText = pendingAgentText == null ? m.text() : pendingAgentText + " " + m.text();
        }
        event(m.arrivalNanos(), "agent_message", m.type());
    }

    private void onClose(int status, String reason) {
        if (state == CallState.CLOSING) {
            event(clock.nanoTime(), "close_received", Integer.toString(status));
            ctx.close();
            return;
        }
        fail(ErrorClass.CONNECTION_LOST, "agent closed the WebSocket in state " + state.wireName()
                + " (status " + status + (reason == null || reason.isEmpty() ? "" : ", reason '" + reason + "'") + ")");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == CallState.CLOSING) {
            finish();
        } else {
            fail(ErrorClass.CONNECTION_LOST, "connection closed by the agent in state " + state.wireName()
                    + " without a WebSocket close");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CallFailedException) {
            CallFailedException f = (CallFailedException) cause;
            fail(f.errorClass(), f.getMessage());
        } else if (cause instanceof WebSocketClientHandshakeException) {
            HttpResponse response = ((WebSocketClientHandshakeException) cause).response();
            int status = response == null ? 0 : response.status().code();
            if (status == 401 || status == 403) {
                fail(ErrorClass.AUTHENTICATION_FAILED, "agent refused the WebSocket upgrade with HTTP " + status
                        + "; check authorization_header");
            } else {
                fail(ErrorClass.PROTOCOL_ERROR, "WebSocket upgrade failed: " + cause.getMessage());
            }
        } else if (cause instanceof WebSocketHandshakeException) {
            String message = String.valueOf(cause.getMessage());
            fail(message.contains("timed out") ? ErrorClass.HANDSHAKE_TIMEOUT : ErrorClass.PROTOCOL_ERROR,
                    "WebSocket upgrade failed: " + message);
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            fail(ErrorClass.PROTOCOL_ERROR, "agent sent a malformed WebSocket frame: " + cause.getMessage());
        } else if (hasCause(cause, SSLException.class)) {
            fail(ErrorClass.TLS_FAILURE, "TLS with " + endpointText() + " failed: " + rootMessage(cause));
        } else if (cause instanceof DecoderException) {
            fail(ErrorClass.PROTOCOL_ERROR, "cannot decode what the agent sent: " + rootMessage(cause));
        } else if (cause instanceof IOException) {
            fail(ErrorClass.CONNECTION_LOST, "connection to the agent lost in state " + state.wireName() + ": "
                    + cause.getMessage());
        } else {
            fail(ErrorClass.PROTOCOL_ERROR, "unexpected error in state " + state.wireName() + ": " + cause);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    // ------------------------------------------------------------------ agent audio and the playback timeline

    private void onAgentAudio(ByteBuf pcm, long arrivalNanos) {
        int samples = pcm.readableBytes() / 2;
        if (samples == 0) {
            return;
        }
        long durationNanos = samples * 1_000_000_000L / receiveRateHz;
        agentAudioMessages++;
        agentAudioNanos += durationNanos;
        metrics.agentAudio(durationNanos);
        if (firstAudioPending) {
            firstAudioPending = false;
            long nanos = arrivalNanos - lastUserFramePlannedNanos;
            metrics.record(Metric.FIRST_AUDIO, nanos);
            firstAudioMillis.add(millis(nanos));
        }
        long playStart;
        if (playbackEndNanos == 0 || arrivalNanos - playbackEndNanos >= 0) {
            if (playbackEndNanos != 0 && detector.inSpeech() && agentTurnOpen
                    && arrivalNanos - playbackEndNanos > UNDERRUN_TOLERANCE_NANOS) {
                underruns++;
                metrics.underrun();
            }
            playStart = arrivalNanos;
        } else {
            playStart = playbackEndNanos;
        }
        playbackEndNanos = playStart + durationNanos;
        long firstSample = detector.samplesFed();
        detectorFramePending = true;
        int slot = ringCount++ % PLAYBACK_RING;
        ringFirstSample[slot] = firstSample;
        ringPlayStartNanos[slot] = playStart;
        if (recording != null && streamStartNanos != 0) {
            recording.agent(playStart - streamStartNanos, pcm);
        }
        detected(detector.feed(pcm, pcm.readerIndex(), samples * 2));
    }

    /** After a feed of the detector: a new turn at a confirmed {@code onset}, and where the speech ends so far. */
    private void detected(long onset) {
        if (onset >= 0) {
            onAgentSpeechOnset(playTimeOf(onset));
        }
        long lastSpeech = detector.lastSpeechSample();
        if (lastSpeech >= 0 && lastSpeech != lastSpeechSampleSeen) {
            // Sample-precise: the detector's hangover keeps inSpeech() up a little after the speech, not its end.
            lastSpeechSampleSeen = lastSpeech;
            lastSpeechEndNanos = playTimeOf(lastSpeech + 1);
        }
    }

    /**
     * The agent's audio stopped (playback ran dry a chunk ago) in the middle of one of the detector's 10 ms frames:
     * what plays after it is silence, so the frame is completed with silence and its speech, cut anywhere, counts.
     * The silence sits at the end of playback, in the past, and moves nothing that comes after.
     */
    private void completeDetectorFrame() {
        detectorFramePending = false;
        int frameSamples = receiveRateHz / 100;
        int pending = (int) (detector.samplesFed() % frameSamples);
        if (pending == 0) {
            return;
        }
        int slot = ringCount++ % PLAYBACK_RING;
        ringFirstSample[slot] = detector.samplesFed();
        ringPlayStartNanos[slot] = playbackEndNanos;
        detected(detector.feed(SILENCE, 0, frameSamples - pending));
    }

    /** Whether agent speech is playing at {@code atNanos} (as far as the audio received so far tells). */
    private boolean agentSpeakingAt(long atNanos) {
        return agentTurnOpen && (detector.inSpeech() || lastSpeechEndNanos - atNanos > 0);
    }

    /**
     * Drops what the agent sent but has not "played" by {@code nowNanos} (a barge-in): playback ends now, the
     * speech in the dropped audio never reaches the caller, and the detector starts afresh on what comes next, so
     * the agent's end of speech is where the caller stopped hearing it.
     */
    private void flushPlayback(long nowNanos) {
        if (playbackEndNanos == 0 || playbackEndNanos - nowNanos <= 0) {
            return;
        }
        playbackEndNanos = nowNanos;
        if (lastSpeechEndNanos - nowNanos > 0) {
            lastSpeechEndNanos = nowNanos;
        }
        detector.reset();
        ringCount = 0;
        lastSpeechSampleSeen = -1;
        if (recording != null && streamStartNanos != 0) {
            recording.flushAgent(nowNanos - streamStartNanos);
        }
    }

    /** Playback time of an absolute detector sample index, from the ring of recent chunks. */
    private long playTimeOf(long sample) {
        int newest = ringCount - 1;
        int oldest = Math.max(0, ringCount - PLAYBACK_RING);
        for (int i = newest; i >= oldest; i--) {
            int slot = i % PLAYBACK_RING;
            if (ringFirstSample[slot] <= sample) {
                return ringPlayStartNanos[slot] + (sample - ringFirstSample[slot]) * 1_000_000_000L / receiveRateHz;
            }
        }
        return ringPlayStartNanos[oldest % PLAYBACK_RING];
    }

    private void onAgentSpeechOnset(long playNanos) {
        if (agentTurnOpen) {
            return;
        }
        agentTurnOpen = true;
        agentTurnStartNanos = playNanos;
        if (greetingPending) {
            greetingPending = false;
            timing(Metric.GREETING, playNanos - readyNanos);
        }
        if (turnPending) {
            turnPending = false;
            long nanos = playNanos - lastUserFramePlannedNanos;
            metrics.record(Metric.TURN, nanos);
            turnMillis.add(millis(nanos));
        }
    }

    /** Closes the agent's turn once its speech has been quiet long enough (checked every frame tick). */
    private void checkAgentTurnEnd(long nowNanos) {
        if (agentTurnOpen && detectorFramePending && nowNanos - playbackEndNanos >= chunkNanos) {
            completeDetectorFrame();
        }
        if (agentTurnOpen && nowNanos - lastSpeechEndNanos >= quietNanos) {
            closeAgentTurn();
        }
    }

    private void closeAgentTurn() {
        agentTurnOpen = false;
        if (!uttered || agentTurnStartNanos - utteranceStartPlannedNanos >= 0) {
            // A turn the caller's last utterance talked over (it started before) is not an answer to it.
            agentTurnsSinceUtterance++;
        }
        transcript.add(new TranscriptEntry("agent", millisSinceStart(agentTurnStartNanos),
                millisSinceStart(lastSpeechEndNanos), pendingAgentText, null));
        pendingAgentText = null;
        if (detector.inSpeech()) {
            // The agent stopped sending mid-speech: start the next turn from a clean detector so its onset counts.
            detector.reset();
            ringCount = 0;
            lastSpeechSampleSeen = -1;
        }
    }

    // ------------------------------------------------------------------ pacing and the script

    /**
     * Sends every frame whose planned time has come ({@code t0 + k × chunk}), catching up after a stall instead of
     * drifting, then sleeps until the next planned time.
     */
    private void tick() {
        if (state != CallState.STREAMING) {
            return;
        }
        long now = clock.nanoTime();
        boolean wrote = false;
        while (state == CallState.STREAMING && nextFramePlannedNanos - now <= 0) {
            long planned = nextFramePlannedNanos;
            checkAgentTurnEnd(now);
            dropping = now - planned > MAX_CATCH_UP_NANOS;
            // runScript says whether the slot carried a frame; when dropping, send() only advanced the stream.
            boolean framed = runScript(planned, now);
            if (framed && dropping) {
                skippedFrames++;
                metrics.frameSkipped();
            } else if (framed) {
                wrote = true;
                long lag = now - planned;
                boolean late = lag >= chunkNanos;
                framesSent++;
                if (late) {
                    lateFrames++;
                }
                metrics.frameSent(lag, framesSent == 1 ? -1 : Math.abs(lag - lastLagNanos), late, chunkNanos);
                lastLagNanos = lag;
            }
            frameIndex++;
            nextFramePlannedNanos = streamStartNanos + frameIndex * chunkNanos;
        }
        if (wrote) {
            ctx.flush();
        }
        if (state == CallState.STREAMING) {
            pacer.schedule(frameTimer, nextFramePlannedNanos);
        }
    }

    /**
     * Advances the script by one frame slot planned at {@code plannedNanos}; returns whether the slot carried an
     * audio frame ({@link #send}: written, or skipped when dropping). Steps that take no time (media, finished
     * waits) run in the same slot.
     */
    private boolean runScript(long plannedNanos, long nowNanos) {
        List<PreparedTestCase.Step> steps = plan.steps();
        while (stepIndex < steps.size()) {
            PreparedTestCase.Step step = steps.get(stepIndex);
            if (!stepStarted) {
                stepStarted = true;
                stepStartNanos = plannedNanos;
            }
            if (step instanceof PreparedTestCase.Utterance) {
                PreparedTestCase.Utterance u = (PreparedTestCase.Utterance) step;
                if (utteranceFrame == 0 && u.bargeInAfterNanos() >= 0 && !bargeInDue(u, plannedNanos, nowNanos)) {
                    return state == CallState.STREAMING && sendSilence();
                }
                if (utteranceFrame == 0) {
                    utteranceStartPlannedNanos = plannedNanos;
                    uttered = true;
                }
                int frameBytes = agent.frameBytes();
                send(u.audio(), utteranceFrame * frameBytes, frameBytes, u.audioBase64(),
                        utteranceFrame * agent.base64FrameBytes());
                if (++utteranceFrame == u.frames()) {
                    utteranceEnded(u, plannedNanos, nowNanos);
                    nextStep();
                }
                return true;
            } else if (step instanceof PreparedTestCase.WaitForAgent) {
                if (agentTurnsSinceUtterance > 0 && !agentTurnOpen) {
                    nextStep();
                    continue;
                }
                PreparedTestCase.WaitForAgent wait = (PreparedTestCase.WaitForAgent) step;
                long timeoutNanos = wait.timeoutNanos();
                if (plannedNanos - stepStartNanos >= timeoutNanos) {
                    fail(ErrorClass.NO_RESPONSE, wait.greeting()
                            ? "agent did not greet (speak and finish its turn) within "
                                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms of ready (first_speaker agent,"
                                    + " greeting_timeout_seconds)"
                            : "agent did not speak and finish its turn within "
                                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (wait_for_agent, step "
                                    + scriptStepNumber() + ")");
                    return false;
                }
                return sendSilence();
            } else if (step instanceof PreparedTestCase.Pause) {
                if (plannedNanos - stepStartNanos >= ((PreparedTestCase.Pause) step).nanos()) {
                    nextStep();
                    continue;
                }
                return sendSilence();
            } else if (step instanceof PreparedTestCase.SendMedia) {
                PreparedTestCase.SendMedia media = (PreparedTestCase.SendMedia) step;
                ctx.write(new CallerMedia(media.bytes(), new MediaValues(media)), ctx.voidPromise());
                event(nowNanos, "media_sent", media.name());
                nextStep();
            } else {
                scriptDone = true;
                hangUp();
                return false;
            }
        }
        scriptDone = true;
        hangUp();
        return false;
    }

    /**
     * The last frame of utterance {@code u} goes out in the slot planned at {@code plannedNanos}: the user turn
     * spans its frames' planned times. An agent turn the caller talked over ends here when its speech has
     * stopped; when the agent is still speaking no {@code turn} or {@code first_audio} is measured for this
     * utterance (there is no reply to wait for: it interrupted the caller, or the caller it).
     */
    private void utteranceEnded(PreparedTestCase.Utterance u, long plannedNanos, long nowNanos) {
        lastUserFramePlannedNanos = plannedNanos;
        transcript.add(new TranscriptEntry("user", millisSinceStart(utteranceStartPlannedNanos),
                millisSinceStart(plannedNanos + chunkNanos), u.text(), null));
        boolean agentSpeaking = agentSpeakingAt(nowNanos);
        agentTurnsSinceUtterance = 0;
        if (agentTurnOpen && !agentSpeaking) {
            // Counted as the answer (wait_for_agent) only when it started after this utterance did.
            closeAgentTurn();
        }
        turnPending = !agentSpeaking;
        firstAudioPending = !agentSpeaking;
    }

    /** For a barge-in utterance: whether the agent has been speaking long enough for the caller to cut in. */
    private boolean bargeInDue(PreparedTestCase.Utterance u, long plannedNanos, long nowNanos) {
        if (agentTurnOpen && plannedNanos - agentTurnStartNanos >= u.bargeInAfterNanos()) {
            // The caller interrupts: what the agent sent but has not "played" yet is flushed.
            flushPlayback(nowNanos);
            event(nowNanos, "barge_in", null);
            return true;
        }
        if (plannedNanos - stepStartNanos >= BARGE_IN_WAIT_TIMEOUT_NANOS) {
            fail(ErrorClass.NO_RESPONSE, "agent did not speak within "
                    + TimeUnit.NANOSECONDS.toMillis(BARGE_IN_WAIT_TIMEOUT_NANOS) + " ms, so the caller could not barge in"
                    + " (step " + scriptStepNumber() + ")");
        }
        return false;
    }

    /** The current step's 1-based number in the test-set file's script (the implicit greeting wait is not in it). */
    private int scriptStepNumber() {
        return stepIndex + (plan.testCase().agentSpeaksFirst() ? 0 : 1);
    }

    private void nextStep() {
        stepIndex++;
        stepStarted = false;
        utteranceFrame = 0;
    }

    private boolean sendSilence() {
        ByteBuf silence = agent.silenceFrame();
        send(silence, 0, silence.capacity(), agent.silenceBase64(), 0);
        return true;
    }

    /** Writes one audio frame, or, when the slot is too far overdue, only advances as if it had been sent. */
    private void send(ByteBuf source, int index, int length, ByteBuf base64, int base64Index) {
        seq++;
        if (dropping) {
            return;
        }
        if (recording != null) {
            recording.caller(frameIndex * chunkNanos, source, index, length);
        }
        frame.set(source, index, length, this);
        if (base64 != null) {
            frame.base64(base64, base64Index, agent.base64FrameBytes());
        }
        ctx.write(frame, ctx.voidPromise());
    }

    private void hangUp() {
        if (state != CallState.STREAMING) {
            return;
        }
        state = CallState.CLOSING;
        cancelTimers();
        event(clock.nanoTime(), "hang_up", null);
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, "hang_up"), ctx.voidPromise());
        closeTimeout = ctx.executor().schedule(() -> {
            if (!finished) {
                event(clock.nanoTime(), "close_timeout", "no close reply within "
                        + TimeUnit.NANOSECONDS.toMillis(CLOSE_REPLY_TIMEOUT_NANOS) + " ms");
                ctx.close();
            }
        }, CLOSE_REPLY_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ protocol profile hooks

    /** Placeholders of the protocol profile ({@code {{stream_sid}}}, {@code {{sequence_number}}} …); default none. */
    private TemplateValues profileValues = TemplateValues.NONE;
    private final PlaybackTimeline playbackView = new PlaybackTimeline() {
        @Override
        public long playbackEndNanos() {
            return playbackEndNanos;
        }

        @Override
        public void flushPlayback(long nowNanos, String cause) {
            if (finished) {
                return;
            }
            // The same flush as a barge-in: what was flushed never played, so the agent's speech ends here.
            CallSession.this.flushPlayback(nowNanos);
            event(nowNanos, "playback_flush", cause);
        }

        @Override
        public void protocolEvent(long atNanos, String type, String text) {
            if (!finished) {
                event(atNanos, type, text);
            }
        }
    };

    /**
     * Placeholders the protocol profile adds, consulted after the built-in ones and before captures. Call before the
     * call is added to a pipeline. On the hot path: {@code values} must write without allocating.
     */
    public void profileValues(TemplateValues values) {
        this.profileValues = values;
    }

    /** The call's playback timeline as the protocol profile handlers see it. */
    public PlaybackTimeline playbackTimeline() {
        return playbackView;
    }

    // ------------------------------------------------------------------ template values

    /** Resolves the per-call placeholders; JSON-escapes strings that sit inside a JSON string. */
    @Override
    public boolean write(String name, boolean insideJsonString, ByteBuf out) {
        switch (name) {
            case "seq":
                JsonText.writeLong(seq, out);
                return true;
            case "timestamp_ms":
                JsonText.writeLong(System.currentTimeMillis(), out);
                return true;
            case "call_id":
                return text(callId, insideJsonString, out);
            case "run_id":
                return text(runId, insideJsonString, out);
            case "test_case_id":
                return text(plan.id(), insideJsonString, out);
            case "session_id":
                return text(sessionId == null ? "" : sessionId, insideJsonString, out);
            default:
                return profileValues.write(name, insideJsonString, out) || capture(name, insideJsonString, out);
        }
    }

    /** A {@code captures} value: empty until the agent has sent it; false for a name that is not a capture. */
    private boolean capture(String name, boolean insideJsonString, ByteBuf out) {
        for (int i = 0, n = agent.captureCount(); i < n; i++) {
            if (agent.captureName(i).equals(name)) {
                String v = captures == null ? null : captures[i];
                return text(v == null ? "" : v, insideJsonString, out);
            }
        }
        return false;
    }

    static boolean text(String value, boolean insideJsonString, ByteBuf out) {
        if (insideJsonString) {
            JsonText.writeJsonEscaped(value, out);
        } else {
            out.writeCharSequence(value, java.nio.charset.StandardCharsets.UTF_8);
        }
        return true;
    }

    /** The media placeholders on top of the call's own. */
    private final class MediaValues implements TemplateValues {
        private final PreparedTestCase.SendMedia media;

        MediaValues(PreparedTestCase.SendMedia media) {
            this.media = media;
        }

        @Override
        public boolean write(String name, boolean insideJsonString, ByteBuf out) {
            switch (name) {
                case "media_name":
                    return text(media.name(), insideJsonString, out);
                case "mime_type":
                    return text(media.mimeType(), insideJsonString, out);
                default:
                    return CallSession.this.write(name, insideJsonString, out);
            }
        }
    }

    // ------------------------------------------------------------------ ending

    private void fail(ErrorClass cls, String message) {
        if (finished || state == CallState.FAILED) {
            return;
        }
        errorClass = cls;
        errorMessage = message;
        CallState at = state;
        failedInState = at;
        state = CallState.FAILED;
        event(clock.nanoTime(), "error", cls.wireName() + " in " + at.wireName() + ": " + message);
        finish();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (state != CallState.FAILED) {
            state = CallState.DONE;
        }
        if (framesSent > 0) {
            metrics.record(Metric.DRIFT, Math.max(0, lastLagNanos));
        }
        cancelTimers();
        if (closeTimeout != null) {
            closeTimeout.cancel(false);
        }
        if (agentTurnOpen) {
            closeAgentTurn();
        }
        if (utteranceFrame > 0 && stepIndex < plan.steps().size()
                && plan.steps().get(stepIndex) instanceof PreparedTestCase.Utterance) {
            // Cut off mid-utterance (hang-up on stop, a failure): the user turn holds the frames that went out.
            transcript.add(new TranscriptEntry("user", millisSinceStart(utteranceStartPlannedNanos),
                    millisSinceStart(utteranceStartPlannedNanos + utteranceFrame * chunkNanos),
                    ((PreparedTestCase.Utterance) plan.steps().get(stepIndex)).text(), null));
        }
        if (ctx != null && ctx.channel().isOpen()) {
            ctx.close();
        }
        listener.sessionEnded(result());
    }

    private void cancelTimers() {
        if (pacer != null) {
            pacer.cancel(frameTimer);
        }
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
    }

    private SessionResult result() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("frames_sent", framesSent);
        counters.put("late_frames", lateFrames);
        counters.put("skipped_frames", skippedFrames);
        counters.put("agent_audio_messages", agentAudioMessages);
        counters.put("agent_audio_ms", TimeUnit.NANOSECONDS.toMillis(agentAudioNanos));
        counters.put("underruns", underruns);
        Map<String, Integer> errors = new LinkedHashMap<>();
        for (Map.Entry<ErrorClass, Integer> e : nonFatal.entrySet()) {
            errors.put(e.getKey().wireName(), e.getValue());
        }
        List<TranscriptEntry> ordered = new ArrayList<>(transcript);
        ordered.sort((a, b) -> Double.compare(a.startMillis(), b.startMillis()));
        TurnTaking.Figures talk = TurnTaking.of(ordered);
        for (long stop : talk.bargeInStopNanos()) {
            metrics.record(Metric.BARGE_IN_STOP, stop);
        }
        if (talk.longestMutualSilenceNanos() >= 0) {
            metrics.record(Metric.MUTUAL_SILENCE, talk.longestMutualSilenceNanos());
        }
        metrics.turnTaking(talk.agentInterruptions(), talk.callerInterruptions(), talk.agentSpeechNanos(),
                talk.callerSpeechNanos());
        counters.put("agent_interruptions", (long) talk.agentInterruptions());
        counters.put("caller_interruptions", (long) talk.callerInterruptions());
        boolean passed = errorClass == null && scriptDone;
        return new SessionResult(callId, plan.id(), passed, errorClass, errorMessage,
                errorClass == null ? state : failedInState, sessionId, startEpochMillis,
                millis(clock.nanoTime() - startNanos), timingsMillis(), turnMillis, firstAudioMillis, counters, errors,
                ordered, talk, streamStartNanos == 0 ? null : recording);
    }

    // ------------------------------------------------------------------ helpers

    /** Records one of {@link #TIMINGS}: in the run's histogram and, for the call's result, under its wire name. */
    private void timing(Metric metric, long nanos) {
        metrics.record(metric, nanos);
        timingMillis[metric.ordinal()] = millis(nanos);
    }

    private static double[] unreached() {
        double[] t = new double[TIMINGS.length];
        Arrays.fill(t, Double.NaN);
        return t;
    }

    private Map<String, Double> timingsMillis() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Metric t : TIMINGS) {
            if (!Double.isNaN(timingMillis[t.ordinal()])) {
                m.put(t.wireName(), timingMillis[t.ordinal()]);
            }
        }
        return m;
    }

    private void event(long atNanos, String type, String text) {
        transcript.add(TranscriptEntry.event(millisSinceStart(atNanos), type, text));
    }

    private double millisSinceStart(long nanos) {
        return millis(nanos - startNanos);
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
