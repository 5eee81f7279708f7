package dev.chorus.bench.load;

/**
 * Scalars of one stream as the target sees it (no histogram per stream: they would cost ~70 KB each). Not thread
 * safe: written and read on the stream's event loop only.
 */
final class StreamStats {
    /** Arrival of frame 0, {@code System.nanoTime()}; meaningful once {@link #frames} &gt; 0. */
    long firstNanos;
    long lastNanos;
    long frames;
    /**
     * Smallest {@code (a_k - a_0) - k × chunk} seen so far: the stream's earliest-arriving point of its plan. Drift is
     * measured against it (RFC 5481 PDV, D − Dmin), so a late frame 0 does not shift every later frame.
     */
    long minOffsetNanos;
    long maxDriftNanos;
    long maxGapDeviationNanos;
    /** Close frame received, or the connection ended; 0 while open. */
    long endNanos;
    boolean closedCleanly;

    /**
     * Frames whose slot {@code a_0 + k × chunk} lies more than half a chunk before the end (the close frame, or
     * {@code nowNanos} while open): a caller that hangs up at the slot after its last frame, as Chorus and the
     * Gatling scenario do, is expected to have sent exactly its frames. Never fewer than received.
     */
    long expectedFrames(long nowNanos, long chunkNanos) {
        if (frames == 0) {
            return 0;
        }
        long end = endNanos != 0 ? endNanos : nowNanos;
        return Math.max(frames, (end - firstNanos - chunkNanos / 2) / chunkNanos + 1);
    }
}
