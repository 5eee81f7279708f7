package dev.chorus.engine.agent;

import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.template.DotPath;
import dev.chorus.codecs.template.InboundMessageScanner;
import dev.chorus.codecs.template.InboundMessageScanner.ScanResult;
import dev.chorus.codecs.vad.WebRtcSpeechDetector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call on the reference agent: sends the ready message, reads caller audio (JSON base64 or binary PCM), finds
 * each utterance's end by speech detection, and replies {@code replyDelayMillis} after the arrival of the caller's
 * last speech with a speech-like clip paced in real time at absolute deadlines; a new utterance cuts a reply short
 * (barge-in). Speaks the wire format of its profile, with the profile's own messages from an {@link AgentProtocol}.
 * Misbehaves as its {@link AgentBehavior} says. Not sharable: runs on its channel's event loop only.
 */
final class AgentCallHandler extends ChannelInboundHandlerAdapter {
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final ReferenceAgentOptions options;
    private final AgentObservations observations;
    private final InboundMessageScanner scanner;
    private final WebRtcSpeechDetector detector;
    private final long silenceSamples;
    private final long silenceNanos;
    private final ReplyAudio reply;
    /** Spoken once after ready, or null. */
    private final ReplyAudio greeting;
    /** What {@link #sendDueFrames} is sending: {@link #reply} or {@link #greeting}. */
    private ReplyAudio playing;
    private ChannelHandlerContext ctx;
    private ObservedCall call;
    private AgentBehavior behavior = AgentBehavior.NORMAL;
    private boolean inUtterance;
    private long lastSpeechSample = -1;
    private long lastSpeechArrivalNanos;
    /** Arrival of the last frame holding any non-zero sample: the end of the caller's utterance as sent. */
    private long lastSoundArrivalNanos;
    private boolean frozenOnce;
    private int replies;
    /** The pacer of the reply in progress ({@link #sendDue}), or null. */
    private Future<?> replyTask;
    /** A scheduled {@link #startReply}, or null: at most one reply waits to start. */
    private Future<?> startTask;
    private long replyStartNanos;
    private int replyFrame = -1;
    /** When the audio sent last will have played at the caller's end (a caller who speaks before barges in). */
    private long playingUntilNanos;
    private AgentProtocol protocol;
    /** The reply in progress ends at {@link #stopAtNanos} (a barge-in with a stop delay). */
    private boolean stopping;
    private long stopAtNanos;
    /** The caller's current utterance was already answered by interrupting it ({@code interruptAfterMillis}). */
    private boolean answered;
    /** When the scheduled reply should start (to report how late it did). */
    private long replyDueNanos;
    private final long leadNanos;
    private final Runnable sendDue = this::sendDueFrames;

    AgentCallHandler(ReferenceAgentOptions options, AgentObservations observations) {
        this(options, observations, ReplyAudio.of(options),
                options.greetingMillis() > 0 ? ReplyAudio.of(options, options.greetingMillis()) : null);
    }

    /**
     * @param reply the reply every call of the agent sends (shared)
     * @param greeting what it says right after ready (shared), or null for no greeting
     */
    AgentCallHandler(ReferenceAgentOptions options, AgentObservations observations, ReplyAudio reply,
                     ReplyAudio greeting) {
        this.options = options;
        this.observations = observations;
        this.scanner = new InboundMessageScanner(DotPath.parse(options.callerTypePath()),
                options.callerAudioType().isEmpty() ? List.of() : List.of(options.callerAudioType()),
                DotPath.parse(options.callerDataPath()), List.of(), List.of());
        this.detector = new WebRtcSpeechDetector(options.receiveSampleRateHz());
        this.silenceSamples = options.receiveSampleRateHz() * options.endOfSpeechSilenceMillis() / 1000;
        this.silenceNanos = TimeUnit.MILLISECONDS.toNanos(options.endOfSpeechSilenceMillis());
        this.reply = reply;
        this.greeting = greeting;
        this.playing = reply;
        this.leadNanos = TimeUnit.MILLISECONDS.toNanos(options.replyLeadMillis());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            WebSocketServerProtocolHandler.HandshakeComplete hc = (WebSocketServerProtocolHandler.HandshakeComplete) evt;
            AgentBehavior chosen = ctx.channel().attr(UpgradeGuard.BEHAVIOR).get();
            behavior = chosen == null ? options.behavior() : chosen;
            String sessionId = "ref-" + SESSIONS.incrementAndGet();
            call = observations.newCall();
            call.upgraded(hc.requestUri(), hc.requestHeaders(), sessionId);
            protocol = AgentProtocol.create(options, ctx, call, sessionId);
            onOpen(sessionId);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void onOpen(String sessionId) {
        if (!options.readyMessageType().isEmpty() && behavior != AgentBehavior.NO_READY) {
            String ready = behavior == AgentBehavior.READY_WITHOUT_SESSION_ID
                    ? "{\"type\":\"" + options.readyMessageType() + "\"}"
                    : "{\"type\":\"" + options.readyMessageType() + "\",\"session_id\":\"" + sessionId + "\"}";
            ctx.write(new TextWebSocketFrame(ready));
        }
        if (behavior == AgentBehavior.INVALID_JSON) {
            ctx.write(new TextWebSocketFrame("{not json"));
        }
        ctx.flush();
        protocol.opened();
        if (greeting != null) {
            startPlaying(greeting, "Hello, how can I help you?");
        }
        if (behavior == AgentBehavior.CLOSE_MID_CALL) {
            ctx.executor().schedule(() -> {
                ctx.channel().close();
            }, options.closeAfterMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Consumes and releases every WebSocket frame. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long arrival = System.nanoTime();
        try {
            if (call == null) {
                return;
            }
            if (msg instanceof TextWebSocketFrame) {
                ByteBuf content = ((TextWebSocketFrame) msg).content();
                ByteBuf pcm = ctx.alloc().buffer(content.readableBytes() * 3 / 4 + 4);
                try {
                    ScanResult r = scanner.scan(content, content.readerIndex(), content.readableBytes(), pcm);
                    if (r.kind() == InboundMessageScanner.Kind.AUDIO) {
                        if (options.recordAudio()) {
                            call.lastAudioMessage(content.toString(StandardCharsets.UTF_8));
                        }
                        protocol.audioMessage(content, r.audioBytes(), arrival);
                        audio(pcm, arrival, false);
                    } else {
                        String text = content.toString(StandardCharsets.UTF_8);
                        call.text(text);
                        protocol.text(text, AgentProtocol.parse(text), arrival);
                    }
                } finally {
                    pcm.release();
                }
            } else if (msg instanceof BinaryWebSocketFrame && options.binaryIsMedia()) {
                ByteBuf content = ((BinaryWebSocketFrame) msg).content();
                byte[] bytes = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), bytes);
                call.binaryMedia(bytes);
            } else if (msg instanceof BinaryWebSocketFrame) {
                audio(((BinaryWebSocketFrame) msg).content(), arrival, true);
            } else if (msg instanceof CloseWebSocketFrame) {
                int status = ((CloseWebSocketFrame) msg).statusCode();
                call.closeStatus(status);
                stopReply(false);
                ctx.writeAndFlush(new CloseWebSocketFrame(status == -1 ? 1000 : status, "bye"))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopReply(false);
        if (protocol != null) {
            protocol.closed();
        }
        if (call != null) {
            call.closed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Caller audio: {@code encoded}'s readable bytes in the caller encoding (not released here). */
    private void audio(ByteBuf encoded, long arrivalNanos, boolean binary) {
        if ("pcm".equals(options.callerEncoding())) {
            pcm(encoded, arrivalNanos, binary);
            return;
        }
        ByteBuf wide = ctx.alloc().buffer(encoded.readableBytes() * 2);
        try {
            if ("ulaw".equals(options.callerEncoding())) {
                G711.decodeUlaw(encoded, encoded.readerIndex(), encoded.readableBytes(), wide);
            } else {
                G711.decodeAlaw(encoded, encoded.readerIndex(), encoded.readableBytes(), wide);
            }
            pcm(wide, arrivalNanos, binary);
        } finally {
            wide.release();
        }
    }

    /** Whether the first {@code bytes} readable bytes of {@code pcm} are all zero (digital silence). */
    private static boolean silent(ByteBuf pcm, int bytes) {
        int i = pcm.readerIndex();
        int end = i + bytes;
        for (; i + 8 <= end; i += 8) {
            if (pcm.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (pcm.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Caller audio as PCM16LE: {@code pcm}'s readable bytes (not released here). */
    private void pcm(ByteBuf pcm, long arrivalNanos, boolean binary) {
        int bytes = pcm.readableBytes() & ~1;
        byte[] copy = null;
        if (options.recordAudio()) {
            copy = new byte[bytes];
            pcm.getBytes(pcm.readerIndex(), copy);
        }
        call.audio(new InboundFrame(arrivalNanos, bytes, binary), copy, 0, bytes);
        long firstSample = detector.samplesFed();
        long onset = detector.feed(pcm, pcm.readerIndex(), bytes);
        if (onset >= 0) {
            inUtterance = true;
            boolean interrupting = playingUntilNanos != 0 && System.nanoTime() - playingUntilNanos < 0;
            playingUntilNanos = 0;
            // The profile's barge-in message (clear, interruption …) goes before the end of the reply it cuts, as it
            // does when the reply stops later (bargeInStopMillis > 0) and as the services send them.
            protocol.callerSpeechStarted(interrupting);
            // Caller audio comes in real time, so sample k of this frame was spoken k samples after its arrival.
            callerSpeechStarted(arrivalNanos + (onset - firstSample) * 1_000_000_000L / options.receiveSampleRateHz());
            if (behavior == AgentBehavior.BARGE_IN) {
                scheduleReply(arrivalNanos + TimeUnit.MILLISECONDS.toNanos(options.bargeInAfterMillis()));
            }
        }
        if (detector.lastSpeechSample() != lastSpeechSample) {
            lastSpeechSample = detector.lastSpeechSample();
            lastSpeechArrivalNanos = arrivalNanos;
        }
        if (!silent(pcm, bytes)) {
            lastSoundArrivalNanos = arrivalNanos;
        }
        if (inUtterance && !detector.inSpeech() && detector.samplesFed() - lastSpeechSample >= silenceSamples) {
            inUtterance = false;
            call.utterance();
            if (answered) {
                answered = false;
                return;
            }
            // The reply is timed from the end of the utterance as the caller sent it — its last frame before the
            // digital silence a caller streams between lines — so the delay is exact whatever the clip's quiet tail
            // (a voice fading out under the detector's gate); the detector's end is used when sound went on.
            long utteranceEnd = lastSoundArrivalNanos - lastSpeechArrivalNanos >= 0
                    && lastSoundArrivalNanos - lastSpeechArrivalNanos < silenceNanos
                    ? lastSoundArrivalNanos : lastSpeechArrivalNanos;
            long replyAt = utteranceEnd + TimeUnit.MILLISECONDS.toNanos(options.replyDelayMillis());
            if (behavior == AgentBehavior.FREEZE && !frozenOnce) {
                frozenOnce = true;
                ctx.channel().config().setAutoRead(false);
                long freezeNanos = TimeUnit.MILLISECONDS.toNanos(options.freezeMillis());
                ctx.executor().schedule(() -> {
                    ctx.channel().config().setAutoRead(true);
                }, freezeNanos, TimeUnit.NANOSECONDS);
                replyAt = Math.max(replyAt, System.nanoTime() + freezeNanos);
            }
            scheduleReply(replyAt);
        }
    }

    /**
     * The caller started speaking at {@code onsetNanos} (its first loud sample): a reply in progress is barged in on
     * and ends {@code bargeInStopMillis} after it (never with -1); one not yet started is dropped. With
     * {@code interruptAfterMillis} the agent answers this utterance while it goes on.
     */
    private void callerSpeechStarted(long onsetNanos) {
        if (replyFrame >= 0) {
            long stopMillis = options.bargeInStopMillis();
            if (stopMillis >= 0) {
                call.bargedIn();
                stopping = true;
                stopAtNanos = onsetNanos + TimeUnit.MILLISECONDS.toNanos(stopMillis);
                if (stopAtNanos - System.nanoTime() <= 0) {
                    stopReply();
                }
            }
        } else {
            stopReply();
        }
        if (options.interruptAfterMillis() >= 0) {
            answered = true;
            scheduleStart(onsetNanos + TimeUnit.MILLISECONDS.toNanos(options.interruptAfterMillis()));
        }
    }

    private void scheduleReply(long atNanos) {
        if (replyFrame >= 0 && options.bargeInStopMillis() < 0) {
            // Not interruptible: the answer to the barge-in follows the reply it talked over (the answer to a later
            // barge-in replaces one still waiting).
            scheduleStart(Math.max(atNanos, replyStartNanos + playing.offsetNanos(playing.count() - 1)
                    + playing.durationNanos(playing.count() - 1)));
            return;
        }
        stopReply();
        scheduleStart(atNanos);
    }

    /** Starts a reply at {@code atNanos} instead of any reply still waiting to start. */
    private void scheduleStart(long atNanos) {
        if (startTask != null) {
            startTask.cancel(false);
        }
        replyDueNanos = atNanos;
        startTask = ctx.executor().schedule(this::startReply, Math.max(0, atNanos - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    private void startReply() {
        startTask = null;
        replies++;
        call.reply();
        startPlaying(protocol.reply(reply), options.replyText() != null ? options.replyText() : "Reply " + replies);
        call.replyLate(replyStartNanos - replyDueNanos);
    }

    /**
     * Starts sending {@code audio} now, paced in real time, after a transcript message with {@code text}; a reply
     * still playing is cut (and ended) first.
     */
    private void startPlaying(ReplyAudio audio, String text) {
        stopReply();
        playing = audio;
        if ("default".equals(options.profile())) {
            ctx.write(new TextWebSocketFrame(transcriptMessage(options.transcriptType(), options.transcriptPath(),
                    text)));
        }
        replyStartNanos = System.nanoTime();
        playingUntilNanos = replyStartNanos + audio.durationNanos();
        call.protocolEvent("reply_started", text, replyStartNanos);
        replyFrame = 0;
        protocol.replyStarted();
        stopping = false;
        sendDueFrames();
    }

    /** {@code {"type": type, <path as nested objects>: text}}. */
    static String transcriptMessage(String type, String path, String text) {
        StringBuilder b = new StringBuilder("{\"type\":\"").append(escape(type)).append("\"");
        String[] keys = path.split("\\.");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "," : "").append('"').append(escape(keys[i])).append("\":");
            if (i < keys.length - 1) {
                b.append('{');
            }
        }
        b.append('"').append(escape(text)).append('"');
        for (int i = 1; i < keys.length; i++) {
            b.append('}');
        }
        return b.append('}').toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Sends every reply frame whose time (start + k × 20 ms) has come, then sleeps until the next. After a barge-in
     * the frame that spans {@link #stopAtNanos} is cut there and the reply ends.
     */
    private void sendDueFrames() {
        if (replyFrame < 0 || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        while (replyFrame < playing.count()
                && (options.replyBurst() || replyStartNanos + playing.offsetNanos(replyFrame) - leadNanos - now <= 0)) {
            long due = replyStartNanos + playing.offsetNanos(replyFrame);
            call.frameLate(now - Math.max(replyStartNanos, due - leadNanos));
            if (stopping && due - stopAtNanos >= 0) {
                replyFrame = playing.count();
                break;
            }
            byte[] message = playing.message(replyFrame);
            if (stopping && due + playing.durationNanos(replyFrame) - stopAtNanos > 0) {
                message = playing.messageCut(replyFrame, stopAtNanos - due);
                replyFrame = playing.count() - 1;
            }
            replyFrame++;
            ByteBuf bytes = Unpooled.wrappedBuffer(message);
            ctx.write(playing.binary() ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes));
        }
        ctx.flush();
        if (replyFrame < playing.count()) {
            replyTask = ctx.executor().schedule(sendDue,
                    replyStartNanos + playing.offsetNanos(replyFrame) - leadNanos - now, TimeUnit.NANOSECONDS);
        } else {
            replyFrame = -1;
            replyTask = null;
            protocol.replyEnded();
        }
    }

    /** {@link #stopReply(boolean) stopReply(true)}: a reply cut short ends as the profile ends every reply. */
    private void stopReply() {
        stopReply(true);
    }

    /**
     * Drops the reply waiting to start, if any, and cuts the one in progress where it is.
     *
     * @param ended whether a cut reply gets the profile's end-of-reply message ({@link AgentProtocol#replyEnded}) —
     *              not once the caller has closed: nothing may follow the close frame
     */
    private void stopReply(boolean ended) {
        if (startTask != null) {
            startTask.cancel(false);
            startTask = null;
        }
        if (replyTask != null) {
            replyTask.cancel(false);
            replyTask = null;
        }
        boolean wasPlaying = replyFrame >= 0;
        replyFrame = -1;
        stopping = false;
        if (wasPlaying && ended && protocol != null) {
            protocol.replyEnded();
        }
    }
}
