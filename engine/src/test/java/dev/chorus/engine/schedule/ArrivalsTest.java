package dev.chorus.engine.schedule;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArrivalsTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(100 * S);

    @Test
    void stagesRampLinearlyBetweenTargets() {
        LoadProfile p = LoadProfile.staged(LoadProfile.parseStages("30s:100,60s:1000,30s:0"));
        assertThat(p.targetAt(0)).isZero();
        assertThat(p.targetAt(15 * S)).isEqualTo(50);
        assertThat(p.targetAt(30 * S)).isEqualTo(100);
        assertThat(p.targetAt(60 * S)).isEqualTo(550);
        assertThat(p.targetAt(90 * S)).isEqualTo(1000);
        assertThat(p.targetAt(105 * S)).isEqualTo(500);
        assertThat(p.targetAt(200 * S)).isZero();
        assertThat(p.stagesNanos()).isEqualTo(120 * S);
        assertThat(p.maxConcurrency()).isEqualTo(1000);
    }

    @Test
    void rejectsBadStagesAndRates() {
        assertThatThrownBy(() -> LoadProfile.parseStages("30s-100")).hasMessageContaining("'30s-100'")
                .hasMessageContaining("fix");
        assertThatThrownBy(() -> LoadProfile.parseRate("fast")).hasMessageContaining("--rate 'fast'");
        assertThat(LoadProfile.parseRate("600/m")).isEqualTo(10.0);
        assertThat(LoadProfile.parseRate("20/s")).isEqualTo(20.0);
    }

    @Test
    void closedModelKeepsTheTargetAndStopsAtTheIterations() {
        Arrivals a = new Arrivals(LoadProfile.closed(3, 0), 5, 0, now::get);
        a.begin();
        assertThat(a.due(now.get())).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(a.tryOpen(now.get())).isEqualTo(i + 1);
        }
        assertThat(a.due(now.get())).isZero();
        a.closed();
        assertThat(a.wantsReplacement(now.get())).isTrue();
        assertThat(a.tryOpen(now.get())).isEqualTo(4);
        a.closed();
        assertThat(a.tryOpen(now.get())).isEqualTo(5);
        a.closed();
        assertThat(a.tryOpen(now.get())).isZero();
        assertThat(a.exhausted()).isTrue();
        assertThat(a.finished()).as("two calls still open").isFalse();
        a.closed();
        assertThat(a.finished()).isFalse();
        a.closed();
        assertThat(a.finished()).isTrue();
    }

    @Test
    void openModelStartsAtTheRateAndDropsAboveTheCap() {
        Arrivals a = new Arrivals(LoadProfile.open(10, 4), 0, 10_000, now::get);
        a.begin();
        assertThat(a.due(now.get())).as("arrival 0 at t=0").isEqualTo(1);
        a.tryOpen(now.get());
        now.addAndGet(S / 2);
        assertThat(a.due(now.get())).as("arrivals 1..5 due by 500 ms; 3 fit under the cap").isEqualTo(3);
        assertThat(a.dropped()).isEqualTo(2);
        assertThat(a.nanosToNextArrival(now.get())).isEqualTo(S / 10);
        now.addAndGet(10 * S);
        assertThat(a.due(now.get())).isZero();
        assertThat(a.exhausted()).isTrue();
    }
}
