package dev.chorus.engine.report;

import dev.chorus.engine.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimelineCsvTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsIncludingMissingLatencies() throws Exception {
        List<Progress> t = List.of(new Progress(1000, 2, 2, 0, 0, 0, 100, 0, Double.NaN, Double.NaN, 0.25),
                new Progress(2003, 1, 3, 1, 1, 2, 50.5, 4, 301.125, 310.5, Double.NaN));
        TimelineCsv.write(dir, t);
        assertThat(TimelineCsv.read(dir.resolve("timeline.csv"))).isEqualTo(t);
        assertThat(TimelineCsv.read(dir.resolve("absent.csv"))).isEmpty();
    }

    @Test
    void rejectsAForeignFileNamingIt() throws Exception {
        Path f = Files.writeString(dir.resolve("timeline.csv"), "a,b\r\n1,2\r\n");
        assertThatThrownBy(() -> TimelineCsv.read(f)).hasMessageContaining(f.toString())
                .hasMessageContaining("header");
    }

    @Test
    void mergeSumsCountsAndRatesOnTheWallClock() {
        // Shard A starts at t=0 and runs 3 s; shard B starts 1 s later and runs 2 s.
        List<Progress> a = List.of(p(1000, 2, 2, 0, 10, 0.5), p(2000, 2, 2, 0, 10, 0.7), p(3000, 0, 2, 2, 0, 0.4));
        List<Progress> b = List.of(p(1000, 1, 1, 0, 5, 1.5), p(2000, 0, 1, 1, 0, 0.2));
        List<Progress> m = TimelineCsv.merge(List.of(a, b), List.of(10_000L, 11_000L), 10_000L);
        assertThat(m).extracting(Progress::elapsedMillis).containsExactly(1000L, 2000L, 3000L);
        assertThat(m).extracting(Progress::active).containsExactly(2, 3, 0);
        assertThat(m).extracting(Progress::started).containsExactly(2L, 3L, 3L);
        assertThat(m).extracting(Progress::completed).containsExactly(0L, 0L, 3L);
        assertThat(m).extracting(Progress::framesPerSecond).containsExactly(10.0, 15.0, 0.0);
        assertThat(m).extracting(Progress::sendLagP99Millis).containsExactly(0.5, 1.5, 0.4);
    }

    private static Progress p(long at, int active, long started, long completed, double frames, double lag) {
        return new Progress(at, active, started, completed, 0, 0, frames, 0, Double.NaN, Double.NaN, lag);
    }
}
