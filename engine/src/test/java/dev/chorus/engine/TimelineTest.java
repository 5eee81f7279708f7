package dev.chorus.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineTest {
    private static Progress at(long second) {
        return new Progress(second * 1000, 1, second, second, 0, 1.0, 50.0, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    @Test
    void keepsEverySampleUpToTheBound() {
        Timeline t = new Timeline(8);
        for (int s = 0; s < 8; s++) {
            t.add(at(s));
        }
        assertThat(t.points()).extracting(Progress::elapsedMillis)
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L);
    }

    @Test
    void thinsEvenlyBeyondTheBoundAndEndsWithTheNewestSample() {
        Timeline t = new Timeline(8);
        for (int s = 0; s < 35; s++) {
            t.add(at(s));
        }
        // 35 samples through a bound of 8: every 8th second kept (strides 1 -> 2 -> 4 -> 8), then the newest.
        List<Progress> points = t.points();
        assertThat(points).extracting(Progress::elapsedMillis)
                .containsExactly(0L, 8000L, 16000L, 24000L, 32000L, 34000L);
        assertThat(points.size()).isLessThanOrEqualTo(8 + 1);
    }

    @Test
    void staysBoundedOverADay() {
        Timeline t = new Timeline();
        for (int s = 0; s < 86_400; s++) {
            t.add(at(s));
        }
        List<Progress> points = t.points();
        assertThat(points.size()).isBetween(Timeline.MAX_POINTS / 2, Timeline.MAX_POINTS + 1);
        assertThat(points.get(points.size() - 1).elapsedMillis()).isEqualTo(86_399_000L);
        assertThat(points).extracting(Progress::elapsedMillis).isSorted();
    }
}
