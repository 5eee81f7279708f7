package dev.chorus.engine.schedule;

import dev.chorus.engine.session.NanoClock;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bookkeeping of a {@link LoadProfile} during a run: how many calls are open, the right to start one more,
 * when no more may start, and the open model's dropped arrivals. Thread-safe and lock-free: event loops start and
 * end calls, one pump task drives the profile's clock, the recorder thread reads.
 *
 * <p>A call is counted open <em>before</em> it asks for the right to start ({@link #tryOpen}), so "no more may start
 * and none is open" ({@link #finished()}) can never be seen while a start is half done.
 */
public final class Arrivals {
    private final LoadProfile profile;
    private final long iterations;
    private final long durationNanos;
    private final NanoClock clock;
    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long startNanos;
    private volatile boolean exhausted;
    private long nextArrival;

    /**
     * @param iterations     calls in all; 0 = unbounded (then {@code durationMillis} ends the run)
     * @param durationMillis start calls for this long; 0 = unbounded
     */
    public Arrivals(LoadProfile profile, long iterations, long durationMillis, NanoClock clock) {
        this.profile = profile;
        this.iterations = iterations;
        this.durationNanos = durationMillis * 1_000_000L;
        this.clock = clock;
    }

    public void begin() {
        startNanos = clock.nanoTime();
    }

    public LoadProfile profile() {
        return profile;
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * Counts a call open and takes the right to start it.
     *
     * @return its 1-based number, or 0 (nothing counted) when no more calls may start
     */
    public long tryOpen(long nowNanos) {
        open.incrementAndGet();
        long n = reserve(nowNanos);
        if (n == 0) {
            open.decrementAndGet();
        }
        return n;
    }

    private long reserve(long nowNanos) {
        while (true) {
            if (exhausted) {
                return 0;
            }
            if (durationNanos > 0 && nowNanos - startNanos >= durationNanos) {
                exhausted = true;
                return 0;
            }
            long s = started.get();
            if (iterations > 0 && s >= iterations) {
                exhausted = true;
                return 0;
            }
            if (started.compareAndSet(s, s + 1)) {
                return s + 1;
            }
        }
    }

    /** A call ended (it was counted by {@link #tryOpen}). */
    public void closed() {
        open.decrementAndGet();
    }

    /** Closed model: whether a caller whose call just ended should start another now. */
    public boolean wantsReplacement(long nowNanos) {
        return profile.model() == LoadProfile.Model.CLOSED && !exhausted
                && open.get() < profile.targetAt(nowNanos - startNanos);
    }

    /**
     * Closed model: how many calls to start now to reach the target. Open model: how many arrivals are due, after
     * counting those that find the cap reached as dropped. Marks the run exhausted when its time is up. Called by
     * the single pump task only.
     */
    public int due(long nowNanos) {
        long elapsed = nowNanos - startNanos;
        if (durationNanos > 0 && elapsed >= durationNanos || iterations > 0 && started.get() >= iterations) {
            exhausted = true;
        }
        if (exhausted) {
            return 0;
        }
        if (profile.model() == LoadProfile.Model.CLOSED) {
            return Math.max(0, profile.targetAt(elapsed) - open.get());
        }
        int due = 0;
        int room = profile.maxConcurrency() - open.get();
        while (profile.arrivalOffsetNanos(nextArrival) <= elapsed) {
            nextArrival++;
            if (due < room) {
                due++;
            } else {
                dropped.incrementAndGet();
            }
        }
        return due;
    }

    /** Open model: nanoseconds from now to the next planned arrival (for the pump's next wake-up). */
    public long nanosToNextArrival(long nowNanos) {
        return startNanos + profile.arrivalOffsetNanos(nextArrival) - nowNanos;
    }

    /** No call starts after this. */
    public void stop() {
        exhausted = true;
    }

    public boolean exhausted() {
        return exhausted;
    }

    /** No more calls may start and none is open: the run is over. */
    public boolean finished() {
        return exhausted && open.get() == 0;
    }

    public long started() {
        return started.get();
    }

    public int open() {
        return open.get();
    }

    /** Open model: arrivals not started because {@code maxConcurrency} calls were already open. */
    public long dropped() {
        return dropped.get();
    }
}
