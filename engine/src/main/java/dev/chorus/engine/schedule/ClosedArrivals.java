package dev.chorus.engine.schedule;

import dev.chorus.engine.session.NanoClock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed arrival model: a fixed number of callers, each starting a new call when its previous one ends, until
 * {@code iterations} calls have started in all (k6's shared iterations) or {@code durationMillis} has passed, or a
 * stop is asked for. Thread-safe and lock-free.
 */
public final class ClosedArrivals {
    private final int concurrency;
    private final long rampNanos;
    private final long iterations;
    private final long durationNanos;
    private final NanoClock clock;
    private final AtomicLong started = new AtomicLong();
    private volatile long startNanos;
    private volatile boolean stopping;

    /**
     * @param iterations     calls in all; 0 = unbounded (then {@code durationMillis} must be set)
     * @param durationMillis start calls for this long; 0 = unbounded (then {@code iterations} must be set)
     */
    public ClosedArrivals(int concurrency, long rampMillis, long iterations, long durationMillis, NanoClock clock) {
        this.concurrency = concurrency;
        this.rampNanos = rampMillis * 1_000_000L;
        this.iterations = iterations;
        this.durationNanos = durationMillis * 1_000_000L;
        this.clock = clock;
    }

    /** Marks the start of the run. */
    public void begin() {
        startNanos = clock.nanoTime();
    }

    /** How many calls start at first: the concurrency, or fewer when iterations are fewer. */
    public int initialCalls() {
        return iterations > 0 ? (int) Math.min(concurrency, iterations) : concurrency;
    }

    /** Delay of the i-th initial call from the start, spreading them evenly over the ramp. */
    public long initialDelayNanos(int i) {
        return rampNanos == 0 ? 0 : rampNanos * i / concurrency;
    }

    /**
     * Takes the right to start one more call.
     *
     * @return the call's 1-based number, or 0 when no more calls may start
     */
    public long reserve() {
        while (true) {
            if (stopping) {
                return 0;
            }
            if (durationNanos > 0 && clock.nanoTime() - startNanos >= durationNanos) {
                return 0;
            }
            long s = started.get();
            if (iterations > 0 && s >= iterations) {
                return 0;
            }
            if (started.compareAndSet(s, s + 1)) {
                return s + 1;
            }
        }
    }

    /** No call starts after this. */
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    public long started() {
        return started.get();
    }
}
