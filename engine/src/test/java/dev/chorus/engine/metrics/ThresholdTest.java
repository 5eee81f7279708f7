package dev.chorus.engine.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThresholdTest {
    private static Threshold.Figures figures() {
        Map<Metric, Histogram> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            latency.put(m, new Histogram(3));
        }
        for (int i = 1; i <= 100; i++) {
            latency.get(Metric.TURN).recordValue(i * 10_000L); // 10 .. 1000 ms
        }
        latency.get(Metric.SEND_LAG).recordValue(1500); // 1.5 ms
        return Threshold.figures(latency, 200, 3, Map.of("no_response", 2L, "invalid_json", 5L), 100_000, 50, 10,
                4000, 40);
    }

    @Test
    void evaluatesLatencyStatisticsInMilliseconds() {
        assertThat(Threshold.parse("turn.p99<1200").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("turn.p50 < 400").evaluate(figures()).ok()).isFalse();
        assertThat(Threshold.parse("turn.p50<400").value(figures())).isBetween(499.0, 502.0);
        assertThat(Threshold.parse("turn.max<=1001").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("turn.count>=100").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("send_lag.p99<2").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("turn.p999<2000").evaluate(figures()).ok()).isTrue();
    }

    @Test
    void evaluatesRatesAndCounts() {
        assertThat(Threshold.parse("errors.rate<0.01").value(figures())).isEqualTo(3 / 200.0);
        assertThat(Threshold.parse("errors.rate<0.01").evaluate(figures()).ok()).isFalse();
        assertThat(Threshold.parse("errors.invalid_json.count<=5").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("errors.no_response.rate<0.02").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("late_frames.rate<0.001").value(figures())).isEqualTo(50 / 100_000.0);
        assertThat(Threshold.parse("skipped_frames.count==10").evaluate(figures()).ok()).isTrue();
        assertThat(Threshold.parse("underruns.rate<0.05").evaluate(figures()).ok()).isTrue();
    }

    @Test
    void failsWithoutData() {
        Threshold.Verdict v = Threshold.parse("first_audio.p99<500").evaluate(figures());
        assertThat(v.value()).isNaN();
        assertThat(v.ok()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"turn<1200", "turn.p99", "turn.p99<abc", "latency.p99<3", "errors.p99<1", "turn.p200<3",
            "late_frames.max<1", ""})
    void rejectsMalformedExpressionsWithTheFix(String expr) {
        assertThatThrownBy(() -> Threshold.parse(expr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--threshold '" + expr + "'").hasMessageContaining("fix");
    }
}
