package dev.chorus.engine.schedule;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The per-loop frame timer on an EmbeddedChannel's loop with frozen time. */
class PacerTest {
    private static final long US = 1000;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final List<String> fired = new ArrayList<>();
    private final List<Long> lateness = new ArrayList<>();

    PacerTest() {
        ch.freezeTime();
    }

    private void advance(long nanos) {
        now.addAndGet(nanos);
        ch.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }

    private Pacer.Timed timed(String name, long[] deadline) {
        return new Pacer.Timed() {
            @Override
            protected void onDeadline(long nowNanos) {
                fired.add(name);
                lateness.add(nowNanos - deadline[0]);
            }
        };
    }

    @Test
    void firesEachDeadlineWithinOneSlotAndNeverEarly() {
        Pacer pacer = new Pacer(ch.eventLoop(), now::get);
        long t0 = now.get();
        long[] da = {t0 + 1000 * US};
        long[] db = {t0 + 1050 * US};
        long[] dc = {t0 + 5000 * US};
        pacer.schedule(timed("a", da), da[0]);
        pacer.schedule(timed("b", db), db[0]);
        pacer.schedule(timed("c", dc), dc[0]);
        for (int i = 0; i < 60; i++) {
            advance(100 * US);
        }
        assertThat(fired).containsExactly("a", "b", "c");
        assertThat(lateness).allSatisfy(l -> assertThat(l).isBetween(0L, Pacer.RESOLUTION_NANOS));
        assertThat(pacer.size()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void batchesCallsDueInTheSameSlotIntoOneWakeUp() {
        Pacer pacer = new Pacer(ch.eventLoop(), now::get);
        long t0 = now.get();
        for (int i = 0; i < 10; i++) {
            long[] d = {t0 + 2000 * US + i * 15 * US};
            pacer.schedule(timed("t" + i, d), d[0]);
        }
        advance(2000 * US);
        assertThat(fired).as("deadline 2000 us is a slot end").containsExactly("t0");
        advance(200 * US);
        assertThat(fired).hasSize(10);
        assertFalse(ch.finish());
    }

    @Test
    void cancelledTimersDoNotFireAndFarDeadlinesComeRound() {
        Pacer pacer = new Pacer(ch.eventLoop(), now::get);
        long t0 = now.get();
        long[] da = {t0 + 500 * US};
        Pacer.Timed a = timed("a", da);
        pacer.schedule(a, da[0]);
        pacer.cancel(a);
        long[] far = {t0 + 300_000 * US}; // beyond the ~100 ms wheel
        pacer.schedule(timed("far", far), far[0]);
        for (int i = 0; i < 3100; i++) {
            advance(100 * US);
        }
        assertThat(fired).containsExactly("far");
        assertThat(lateness.get(0)).isBetween(0L, Pacer.RESOLUTION_NANOS);
        assertFalse(ch.finish());
    }

    @Test
    void aPastDeadlineRunsAtTheNextWakeUp() {
        Pacer pacer = new Pacer(ch.eventLoop(), now::get);
        advance(5000 * US);
        long[] d = {now.get() - 3000 * US};
        pacer.schedule(timed("late", d), d[0]);
        advance(0);
        assertThat(fired).containsExactly("late");
        assertFalse(ch.finish());
    }

    /** After an idle time longer than the wheel, what a due timer files from its callback is still found. */
    @Test
    void timersFiledFromCallbacksAfterALongIdleStillFire() {
        Pacer pacer = new Pacer(ch.eventLoop(), now::get);
        advance(320_000 * US);
        long[] d = {now.get() + 20_000 * US};
        int[] ticks = {0};
        Pacer.Timed[] self = new Pacer.Timed[1];
        self[0] = new Pacer.Timed() {
            @Override
            protected void onDeadline(long nowNanos) {
                ticks[0]++;
                d[0] += 20_000 * US;
                pacer.schedule(self[0], d[0]);
            }
        };
        pacer.schedule(self[0], d[0]);
        for (int i = 0; i < 2000; i++) {
            advance(100 * US);
        }
        assertThat(ticks[0]).isEqualTo(10);
        assertFalse(ch.finish());
    }
}
