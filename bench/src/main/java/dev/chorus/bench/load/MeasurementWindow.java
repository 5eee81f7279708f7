package dev.chorus.bench.load;

/**
 * When histograms record: from {@code warmupNanos} after the first stream opened, so connection set-up, TLS
 * handshakes and JIT compilation stay out of the steady-state percentiles, for {@code lengthNanos} (0 = to the end),
 * so the hang-up of the first streams stays out too (frame counts and per-stream maxima still cover the whole run).
 * Thread-safe: one writer wins the first-stream time.
 */
final class MeasurementWindow {
    private final long warmupNanos;
    private final long lengthNanos;
    private volatile boolean started;
    private volatile long recordFromNanos;

    MeasurementWindow(long warmupNanos, long lengthNanos) {
        this.warmupNanos = warmupNanos;
        this.lengthNanos = lengthNanos;
    }

    void streamOpened(long nowNanos) {
        if (!started) {
            first(nowNanos);
        }
    }

    private synchronized void first(long nowNanos) {
        if (!started) {
            recordFromNanos = nowNanos + warmupNanos;
            started = true;
        }
    }

    boolean recording(long nowNanos) {
        if (!started) {
            return false;
        }
        long sinceStart = nowNanos - recordFromNanos;
        return sinceStart >= 0 && (lengthNanos == 0 || sinceStart < lengthNanos);
    }
}
