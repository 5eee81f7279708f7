package dev.chorus.engine.agent;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the reference agent saw of one WebSocket call. Thread-safe: written by one event loop, read by tests. */
public final class ObservedCall {
    static final int MAX_FRAMES = 100_000;

    /**
     * Something the agent's protocol did or saw ({@code mark_sent}, {@code mark_echo}, {@code ping}, {@code pong},
     * {@code welcome_sent}, {@code settings} …), at {@link System#nanoTime()}. Immutable.
     */
    public record ProtocolEvent(String type, String detail, long nanos) {
    }

    private final List<ProtocolEvent> protocolEvents = new ArrayList<>();

    private volatile String requestUri;
    private volatile HttpHeaders requestHeaders = new DefaultHttpHeaders();
    private volatile String sessionId;
    private volatile String initializationJson;
    private final List<String> textMessages = new ArrayList<>();
    private final List<InboundFrame> audioFrames = new ArrayList<>();
    private final ByteArrayOutputStream callerAudio = new ByteArrayOutputStream();
    private final List<byte[]> binaryMedia = new ArrayList<>();
    private volatile int utterances;
    private volatile String lastAudioMessage;
    private volatile int replies;
    private volatile int bargeIns;
    private final List<Long> replyLateNanos = new ArrayList<>();
    private volatile long maxFrameLateNanos;
    private volatile int closeStatus = -1;
    private final CountDownLatch closed = new CountDownLatch(1);

    void upgraded(String uri, HttpHeaders headers, String sessionId) {
        this.requestUri = uri;
        this.requestHeaders = new DefaultHttpHeaders().add(headers);
        this.sessionId = sessionId;
    }

    synchronized void text(String text) {
        if (initializationJson == null) {
            initializationJson = text;
        }
        textMessages.add(text);
    }

    synchronized void audio(InboundFrame frame, byte[] pcm, int offset, int length) {
        if (audioFrames.size() < MAX_FRAMES) {
            audioFrames.add(frame);
        }
        if (pcm != null) {
            callerAudio.write(pcm, offset, length);
        }
    }

    synchronized void protocolEvent(String type, String detail, long nanos) {
        if (protocolEvents.size() < MAX_FRAMES) {
            protocolEvents.add(new ProtocolEvent(type, detail, nanos));
        }
    }

    /** What the agent's protocol did and saw, in order. */
    public synchronized List<ProtocolEvent> protocolEvents() {
        return new ArrayList<>(protocolEvents);
    }

    /** The protocol events of one type, in order. */
    public synchronized List<ProtocolEvent> protocolEvents(String type) {
        List<ProtocolEvent> out = new ArrayList<>();
        for (ProtocolEvent e : protocolEvents) {
            if (e.type().equals(type)) {
                out.add(e);
            }
        }
        return out;
    }

    synchronized void binaryMedia(byte[] bytes) {
        binaryMedia.add(bytes);
    }

    /** Binary frames received as media (when the agent treats binary frames as media). */
    public synchronized List<byte[]> binaryMedia() {
        return new ArrayList<>(binaryMedia);
    }

    void lastAudioMessage(String text) {
        lastAudioMessage = text;
    }

    /** The last caller audio message that came as JSON text, or null. */
    public String lastAudioMessage() {
        return lastAudioMessage;
    }

    void utterance() {
        utterances++;
    }

    void reply() {
        replies++;
    }

    synchronized void replyLate(long nanos) {
        replyLateNanos.add(nanos);
    }

    void frameLate(long nanos) {
        if (nanos > maxFrameLateNanos) {
            maxFrameLateNanos = nanos;
        }
    }

    /** For each reply, how much later than planned (reply delay, interrupt time) its first frame went out. */
    public synchronized List<Long> replyLateNanos() {
        return new ArrayList<>(replyLateNanos);
    }

    /** The latest any reply or greeting frame went out after its planned time (the agent's own timer jitter). */
    public long maxFrameLateNanos() {
        return maxFrameLateNanos;
    }

    void bargedIn() {
        bargeIns++;
    }

    void closeStatus(int status) {
        closeStatus = status;
    }

    void closed() {
        closed.countDown();
    }

    public String requestUri() {
        return requestUri;
    }

    /** The upgrade request's headers (a copy). */
    public HttpHeaders requestHeaders() {
        return requestHeaders;
    }

    public String sessionId() {
        return sessionId;
    }

    /** The first text frame that was not audio, or null. */
    public String initializationJson() {
        return initializationJson;
    }

    public synchronized List<String> textMessages() {
        return new ArrayList<>(textMessages);
    }

    public synchronized List<InboundFrame> audioFrames() {
        return new ArrayList<>(audioFrames);
    }

    /** Decoded caller PCM16LE, when the agent records audio. */
    public synchronized byte[] callerAudio() {
        return callerAudio.toByteArray();
    }

    public int utterancesDetected() {
        return utterances;
    }

    public int repliesSent() {
        return replies;
    }

    /** Replies (or the greeting) the caller's speech cut into, so the agent stopped them early. */
    public int bargeInsHeard() {
        return bargeIns;
    }

    /** Close status from the caller, or -1. */
    public int closeStatusReceived() {
        return closeStatus;
    }

    public boolean awaitClosed(long timeoutMillis) throws InterruptedException {
        return closed.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
