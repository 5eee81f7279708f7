package dev.chorus.engine.schedule;

import dev.chorus.engine.session.NanoClock;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * One event loop's frame timer: every paced call on the loop files its next frame deadline here, and one timer
 * wake-up serves every call due in the same {@link #RESOLUTION_NANOS} slot, so a thousand calls spread over a 20 ms
 * chunk cost ~5,000 wake-ups a second instead of 50,000 (one timerfd re-arm and epoll round-trip each) and no
 * scheduled-task object per frame.
 *
 * <pre>
 *   wheel of SLOTS slots x 200 us (~100 ms)      slot = ceil((deadline - epoch) / 200 us) - 1
 *   [ ][ ][a,c][ ][b][ ]...                    intrusive doubly linked lists: file and cancel are O(1), allocate nothing
 *            ^ wake at the END of the next non-empty slot: each deadline in it has passed, lag 0..200 us
 * </pre>
 *
 * Deadlines further than the wheel are filed in its last slot and re-filed when it comes round; deadlines already
 * past go in the current slot and run at the next wake-up. Each wake-up is a one-shot Netty task (one
 * {@code ScheduledFutureTask}, ~80 B, at most 5,000 a second per loop: under 8 B per frame from ~1,000 calls a loop
 * on): a fixed-rate ticker would allocate nothing but runs ~1 ms late on Netty 4.2's epoll loop (measured p50
 * 0.8-1.0 ms against 0.1 ms for one-shot tasks), five slots' worth. Not thread-safe: confined to its event loop
 * (like the calls that use it).
 */
public final class Pacer {
    /** Width of a slot: how late a frame may go out for the sake of batching. */
    public static final long RESOLUTION_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    static final int SLOTS = 512;
    private static final int MASK = SLOTS - 1;

    /** Something with a deadline; a call embeds one. Fields are the pacer's. */
    public abstract static class Timed {
        private Timed prev;
        private Timed next;
        private long deadlineNanos;
        private long slot;
        private boolean filed;

        /** Runs on the loop once the deadline has passed. */
        protected abstract void onDeadline(long nowNanos);
    }

    private final EventExecutor executor;
    private final NanoClock clock;
    private final long epochNanos;
    private final Timed[] heads = new Timed[SLOTS];
    private final Runnable wake = this::run;
    private Timed[] dueBuffer = new Timed[64];
    private Timed[] laterBuffer = new Timed[64];
    private long cursor;
    private int size;
    private long wakeAtSlot = Long.MIN_VALUE;
    /** In {@link #run}: what the due timers file is armed for once, after them, not one wake-up each. */
    private boolean running;

    public Pacer(EventExecutor executor, NanoClock clock) {
        this.executor = executor;
        this.clock = clock;
        this.epochNanos = clock.nanoTime();
    }

    /** Slot k holds the deadlines in (epoch + k·res, epoch + (k+1)·res]: a wake-up at its end finds them all due. */
    private long slotOf(long nanos) {
        return -Math.floorDiv(-(nanos - epochNanos), RESOLUTION_NANOS) - 1;
    }

    /** Files {@code t} to run at {@code deadlineNanos} (re-filing it if it was filed). Call on the loop. */
    public void schedule(Timed t, long deadlineNanos) {
        if (t.filed) {
            unlink(t);
        }
        t.deadlineNanos = deadlineNanos;
        long slot = Math.max(slotOf(deadlineNanos), cursor);
        link(t, Math.min(slot, cursor + SLOTS - 1));
        if (!running) {
            armFor(t.slot);
        }
    }

    /** Takes {@code t} out if it is filed. Call on the loop. */
    public void cancel(Timed t) {
        if (t.filed) {
            unlink(t);
        }
    }

    public int size() {
        return size;
    }

    private void link(Timed t, long slot) {
        int i = (int) (slot & MASK);
        t.slot = slot;
        t.prev = null;
        t.next = heads[i];
        if (t.next != null) {
            t.next.prev = t;
        }
        heads[i] = t;
        t.filed = true;
        size++;
    }

    private void unlink(Timed t) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            heads[(int) (t.slot & MASK)] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.filed = false;
        size--;
    }

    /** Makes sure a wake-up comes by the end of {@code slot}. */
    private void armFor(long slot) {
        if (wakeAtSlot != Long.MIN_VALUE && wakeAtSlot <= slot) {
            return;
        }
        wakeAtSlot = slot;
        long endNanos = epochNanos + (slot + 1) * RESOLUTION_NANOS;
        executor.schedule(wake, Math.max(0, endNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * A wake-up: takes out everything due in the slots up to now, moves the cursor to now, re-files what is not due
     * yet, and only then runs the due ones — so what they file lands relative to the new cursor — and arms for the
     * next non-empty slot.
     */
    private void run() {
        long now = clock.nanoTime();
        long nowSlot = slotOf(now);
        if (wakeAtSlot != Long.MIN_VALUE && wakeAtSlot > nowSlot) {
            // A stale wake-up (an earlier slot was armed later); the armed one is still coming.
            return;
        }
        wakeAtSlot = Long.MIN_VALUE;
        int due = 0;
        int later = 0;
        long last = Math.min(nowSlot, cursor + SLOTS - 1);
        for (long s = cursor; s <= last && size > 0; s++) {
            Timed t = heads[(int) (s & MASK)];
            while (t != null) {
                Timed next = t.next;
                if (t.slot <= s) {
                    unlink(t);
                    if (t.deadlineNanos - now <= 0) {
                        dueBuffer = add(dueBuffer, due++, t);
                    } else {
                        laterBuffer = add(laterBuffer, later++, t);
                    }
                }
                t = next;
            }
        }
        cursor = Math.max(cursor, nowSlot);
        for (int k = 0; k < later; k++) {
            Timed t = laterBuffer[k];
            laterBuffer[k] = null;
            link(t, Math.max(cursor, Math.min(slotOf(t.deadlineNanos), cursor + SLOTS - 1)));
        }
        running = true;
        try {
            for (int k = 0; k < due; k++) {
                Timed t = dueBuffer[k];
                dueBuffer[k] = null;
                t.onDeadline(now);
            }
        } finally {
            running = false;
        }
        if (size > 0) {
            armFor(nextNonEmptySlot());
        }
    }

    /** Appends to a reused buffer, growing it (rarely: to the most timers ever due at once). */
    private static Timed[] add(Timed[] buffer, int index, Timed t) {
        if (index == buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        }
        buffer[index] = t;
        return buffer;
    }

    private long nextNonEmptySlot() {
        long best = Long.MAX_VALUE;
        for (int k = 0; k < SLOTS; k++) {
            Timed t = heads[(int) ((cursor + k) & MASK)];
            for (; t != null; t = t.next) {
                best = Math.min(best, t.slot);
            }
            if (best != Long.MAX_VALUE && best <= cursor + k) {
                break;
            }
        }
        return Math.max(best, cursor);
    }
}
