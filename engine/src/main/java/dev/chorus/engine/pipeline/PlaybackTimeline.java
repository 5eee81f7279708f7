package dev.chorus.engine.pipeline;

/**
 * What the protocol profile handlers may ask of a call's simulated playback timeline (CONTRACT §4 "Latency
 * definitions"): when the agent audio received so far will have played, dropping what has not played yet, and
 * recording what they did in the call's transcript. Implemented by the call session; not thread-safe: call it on the
 * call's event loop only.
 */
public interface PlaybackTimeline {
    /**
     * {@code NanoClock} time at which the agent audio received so far has finished playing; at or before now (or 0)
     * when nothing is waiting to play.
     */
    long playbackEndNanos();

    /**
     * Drops the agent audio that has not played by {@code nowNanos} (a {@code clear}, an interruption), as a barge-in
     * does, and records a {@code playback_flush} transcript event naming {@code cause}.
     */
    void flushPlayback(long nowNanos, String cause);

    /** Records a transcript event of {@code type} ({@code mark_echo}, {@code agent_barge_in} …) at the time. */
    void protocolEvent(long atNanos, String type, String text);
}
