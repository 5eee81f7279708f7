package dev.chorus.engine.e2e;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.cli.Main;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.report.ShardException;
import dev.chorus.engine.report.ShardMerger;
import dev.chorus.engine.testing.Fixtures;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code chorus merge}: three real shards against the reference agent merge exactly into one result folder. */
class ShardMergeTest {
    private static final String CONVERSATION = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 8}}, {\"hang_up\": true}]";
    private static final Metric[] CHECKED = {Metric.TURN, Metric.CONNECT, Metric.FIRST_AUDIO, Metric.SEND_LAG};

    @TempDir
    static Path shardsDir;
    private static final List<Path> SHARDS = new ArrayList<>();
    private static final List<RunReport> REPORTS = new ArrayList<>();

    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private PrintStream savedOut;

    @BeforeAll
    static void runThreeShards() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build())) {
            for (int i = 0; i < 3; i++) {
                Path out = shardsDir.resolve("shard-" + i);
                RunReport report = Chorus.start(RunSpec.builder()
                        .agent(Fixtures.agent(agent.endpoint().toString(), "\"trust_ca_file\": \""
                                + agent.caPemFile().toAbsolutePath() + "\"", shardsDir))
                        .tests(Fixtures.tests("t", CONVERSATION, shardsDir)).concurrency(2).iterations(2)
                        .outDir(out).ioThreads(1).build()).await();
                assertThat(report.completed()).isEqualTo(2);
                SHARDS.add(out);
                REPORTS.add(report);
            }
        }
    }

    @BeforeEach
    void captureStreams() {
        savedErr = System.err;
        savedOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStreams() {
        System.setErr(savedErr);
        System.setOut(savedOut);
    }

    /** What the shards recorded, added raw: the reference a merge must equal, percentile for percentile. */
    private static Histogram allValues(Metric m) {
        Histogram all = new Histogram(3);
        for (RunReport r : REPORTS) {
            all.add(r.latencyMicros().get(m));
        }
        return all;
    }

    private static long sum(java.util.function.ToLongFunction<RunReport> f) {
        return REPORTS.stream().mapToLong(f).sum();
    }

    @Test
    void mergedPercentilesEqualThoseOfAllValuesInOneHistogram() throws Exception {
        RunReport merged = ShardMerger.merge(SHARDS, dir.resolve("merged"), List.of());
        assertThat(merged.latencyMicros()).containsOnlyKeys(Metric.values());
        for (Metric m : CHECKED) {
            Histogram expected = allValues(m);
            Histogram actual = merged.latencyMicros().get(m);
            assertThat(expected.getTotalCount()).as(m.wireName()).isPositive();
            assertThat(actual.getTotalCount()).as(m.wireName()).isEqualTo(expected.getTotalCount());
            for (double p : new double[] {0, 50, 90, 99, 99.9, 100}) {
                assertThat(actual.getValueAtPercentile(p)).as(m.wireName() + " p" + p)
                        .isEqualTo(expected.getValueAtPercentile(p));
            }
            assertThat(actual.getMaxValue()).isEqualTo(expected.getMaxValue());
            assertThat(actual.getMean()).isEqualTo(expected.getMean());
        }
    }

    @Test
    void countsAddUpAndSessionFilesAreAllThere() throws Exception {
        Path out = dir.resolve("merged");
        RunReport merged = ShardMerger.merge(SHARDS, out, List.of());
        assertThat(merged.started()).isEqualTo(6).isEqualTo(sum(RunReport::started));
        assertThat(merged.completed()).isEqualTo(6);
        assertThat(merged.failed()).isZero();
        assertThat(merged.concurrency()).isEqualTo(6);
        for (String counter : List.of("frames_sent", "late_frames", "skipped_frames", "underruns",
                "agent_audio_messages", "caller_audio_ms")) {
            assertThat(merged.audio().get(counter)).as(counter).isEqualTo(sum(r -> r.audio().get(counter)));
        }
        assertThat(merged.audio().get("frames_sent")).isPositive();
        assertThat(merged.errors()).containsAllEntriesOf(Map.of("connection_refused", 0L));
        try (Stream<Path> files = Files.list(out.resolve("sessions"))) {
            assertThat(files.count()).isEqualTo(6);
        }
        String json = Files.readString(out.resolve("report.json"));
        assertThat(json).contains("\"started\" : 6").contains("\"completed\" : 6").contains("\"frames_sent\" : "
                + merged.audio().get("frames_sent"));
        assertThat(merged.sessions()).hasSize(6);
    }

    @Test
    void mergedHistogramLogHoldsTheMergedTotals() throws Exception {
        Path out = dir.resolve("merged");
        RunReport merged = ShardMerger.merge(SHARDS, out, List.of());
        Map<String, Histogram> byTag = new HashMap<>();
        HistogramLogReader reader = new HistogramLogReader(out.resolve("histograms.hlog").toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            assertThat(h.getStartTimeStamp()).isGreaterThanOrEqualTo(merged.startEpochMillis() - 1000);
            byTag.computeIfAbsent(h.getTag(), t -> new Histogram(3)).add((Histogram) h);
        }
        reader.close();
        for (Metric m : CHECKED) {
            assertThat(byTag.get(m.wireName()).getTotalCount()).isEqualTo(allValues(m).getTotalCount());
            assertThat(byTag.get(m.wireName()).getValueAtPercentile(99)).isEqualTo(allValues(m)
                    .getValueAtPercentile(99));
        }
    }

    @Test
    void thresholdsAreEvaluatedOnTheMergedFigures() throws Exception {
        long turns = allValues(Metric.TURN).getTotalCount();
        // Each shard alone has a third of the turns: only the merged figures make these hold.
        RunReport merged = ShardMerger.merge(SHARDS, dir.resolve("merged"), List.of(
                Threshold.parse("turn.count==" + turns), Threshold.parse("errors.rate<0.01"),
                Threshold.parse("turn.count<" + turns)));
        assertThat(merged.thresholds()).extracting(Threshold.Verdict::ok).containsExactly(true, true, false);
        assertThat(merged.thresholds().get(0).value()).isEqualTo(turns);

        String[] shards = SHARDS.stream().map(Path::toString).toArray(String[]::new);
        assertThat(Main.execute(concat(new String[] {"merge", "--out", dir.resolve("ok").toString(),
            "--threshold", "turn.count==" + turns}, shards))).isZero();
        assertThat(Main.execute(concat(new String[] {"merge", "--out", dir.resolve("fail").toString(),
            "--threshold", "turn.count<" + turns}, shards))).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("fail/report.json"))).contains("\"ok\" : false");
    }

    @Test
    void missingShardExitsTwoNamingTheFolder() throws Exception {
        Path missing = dir.resolve("shard-9");
        int code = Main.execute("merge", "--out", dir.resolve("merged").toString(), SHARDS.get(0).toString(),
                missing.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(missing.toString()).contains("fix:");

        Path running = Files.createDirectories(dir.resolve("still-running"));
        assertThatThrownBy(() -> ShardMerger.merge(List.of(SHARDS.get(0), running), dir.resolve("m2"), List.of()))
                .isInstanceOf(ShardException.class).hasMessageContaining(running.toString())
                .hasMessageContaining("report.json");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
