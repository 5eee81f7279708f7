package dev.chorus.engine.e2e;

import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.JsonTree;
import dev.chorus.engine.testing.Fixtures;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-out path as Kubernetes runs it, on one machine: three {@code chorus run} processes share a
 * {@code --start-at}, each writes its own folder, and {@code chorus merge} (a fourth process) makes one report whose
 * percentiles are those of one histogram fed every value the shards measured.
 */
class ShardProcessesTest {
    private static final String[] CHECKED = {"turn", "first_audio", "connect"};

    @TempDir
    Path dir;

    @Test
    void threeShardProcessesMergeExactly() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build())) {
            Path agentFile = Fixtures.agentFile(dir, agent);
            Path testsFile = dir.resolve("tests.json");
            Files.writeString(testsFile, "{\"name\": \"sharded\", \"test_cases\": [{\"id\": \"two-turns\", "
                    + "\"script\": [{\"say\": \"Hi, I would like a table.\"}, {\"wait_for_agent\": "
                    + "{\"timeout_seconds\": 8}}, {\"say\": \"For two, please.\"}, {\"wait_for_agent\": "
                    + "{\"timeout_seconds\": 8}}, {\"hang_up\": true}]}]}");

            // JVM start-up and file checks take a few seconds on a loaded machine; the shards then start together.
            long startAt = Instant.now().getEpochSecond() + 8;
            List<Process> shards = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path out = dir.resolve("shard-" + i);
                outs.add(out);
                shards.add(chorus(dir.resolve("shard-" + i + ".log"), "run", "--agent", agentFile.toString(),
                        "--tests", testsFile.toString(), "--concurrency", "2", "--iterations", "3",
                        "--start-at", Long.toString(startAt), "--out", out.toString()));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(shards.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(shards.get(i).exitValue()).as(Files.readString(dir.resolve("shard-" + i + ".log")))
                        .isZero();
            }

            // The reference: every value the shards measured, from their session files, in one histogram.
            Map<String, Histogram> fromSessions = new HashMap<>();
            long sessions = 0;
            for (Path out : outs) {
                try (Stream<Path> files = Files.list(out.resolve("sessions"))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        sessions++;
                        Object tree = JsonTree.parse(Files.readString(f, StandardCharsets.UTF_8));
                        String startedAt = (String) JsonTree.at(tree, "started_at");
                        assertThat(Instant.parse(startedAt).toEpochMilli()).as("start of " + f)
                                .isGreaterThanOrEqualTo(startAt * 1000);
                        for (String m : CHECKED) {
                            Object v = JsonTree.at(tree, "timings_ms." + m);
                            for (Object x : v instanceof List<?> l ? l : List.of(v)) {
                                fromSessions.computeIfAbsent(m, k -> new Histogram(3))
                                        .recordValue(Math.round(((Number) x).doubleValue() * 1000));
                            }
                        }
                    }
                }
            }
            assertThat(sessions).isEqualTo(9);

            Path merged = dir.resolve("merged");
            Process merge = chorus(dir.resolve("merge.log"), "merge", "--out", merged.toString(),
                    outs.get(0).toString(), outs.get(1).toString(), outs.get(2).toString());
            assertThat(merge.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(merge.exitValue()).as(Files.readString(dir.resolve("merge.log"))).isZero();

            Object report = JsonTree.parse(Files.readString(merged.resolve("report.json"), StandardCharsets.UTF_8));
            assertThat(((Number) JsonTree.at(report, "sessions.started")).longValue()).isEqualTo(9);
            assertThat(((Number) JsonTree.at(report, "sessions.completed")).longValue()).isEqualTo(9);
            assertThat(merged.resolve("report.html")).exists();
            List<dev.chorus.engine.Progress> timeline = dev.chorus.engine.report.TimelineCsv.read(
                    merged.resolve("timeline.csv"));
            assertThat(timeline).isNotEmpty();
            assertThat(timeline.get(timeline.size() - 1).started()).isEqualTo(9);
            assertThat(timeline).extracting(dev.chorus.engine.Progress::active).allMatch(a -> a <= 6)
                    .anyMatch(a -> a > 2);
            Map<String, Histogram> mergedLog = totals(merged.resolve("histograms.hlog"));
            Map<String, Histogram> shardLogs = new HashMap<>();
            for (Path out : outs) {
                totals(out.resolve("histograms.hlog")).forEach((tag, h) ->
                        shardLogs.computeIfAbsent(tag, k -> new Histogram(3)).add(h));
            }
            for (String m : CHECKED) {
                Histogram expected = fromSessions.get(m);
                Histogram actual = mergedLog.get(m);
                assertThat(actual.getTotalCount()).as(m).isEqualTo(expected.getTotalCount()).isPositive();
                assertThat(shardLogs.get(m)).as(m).isEqualTo(actual);
                for (double p : new double[] {0, 50, 90, 99, 100}) {
                    long a = actual.getValueAtPercentile(p);
                    long e = expected.getValueAtPercentile(p);
                    // Session files print microseconds rounded to 3 decimals of a millisecond: the same value
                    // or, at worst, the neighbouring bucket of a 3-digit histogram.
                    assertThat(Math.abs(a - e)).as(m + " p" + p).isLessThanOrEqualTo(
                            expected.sizeOfEquivalentValueRange(e));
                    if (p != 0) {
                        String key = "latency_ms." + m + (p == 100 ? ".max" : ".p" + (int) p);
                        double reported = ((Number) JsonTree.at(report, key)).doubleValue();
                        assertThat(reported * 1000).as("report.json " + key).isCloseTo(a,
                                org.assertj.core.data.Offset.offset((double) actual.sizeOfEquivalentValueRange(a)));
                    }
                }
            }
        }
    }

    private static Map<String, Histogram> totals(Path hlog) throws IOException {
        Map<String, Histogram> byTag = new HashMap<>();
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        try {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                byTag.computeIfAbsent(h.getTag(), t -> new Histogram(3)).add((Histogram) h);
            }
        } finally {
            reader.close();
        }
        return byTag;
    }

    private Process chorus(Path log, String... args) throws IOException {
        return Fixtures.chorusProcess(dir, args).redirectOutput(log.toFile()).start();
    }
}
