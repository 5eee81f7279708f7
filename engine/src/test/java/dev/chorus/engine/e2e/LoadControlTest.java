package dev.chorus.engine.e2e;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.AgentBehavior;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.testing.Fixtures;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The load engine's controls over real TLS against the reference agent: profiles, thresholds, stop, logs. */
class LoadControlTest {
    private static final String CONVERSATION = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 8}}, {\"hang_up\": true}]";

    @TempDir
    Path dir;

    private AgentConfig config(ReferenceAgent agent) {
        return Fixtures.agent(agent.endpoint().toString(), "\"trust_ca_file\": \""
                + agent.caPemFile().toAbsolutePath() + "\"", dir);
    }

    @Test
    void histogramLogReadsBackAndMatchesTheReport() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build())) {
            RunReport report = Chorus.start(RunSpec.builder().agent(config(agent))
                    .tests(Fixtures.tests("t", CONVERSATION, dir)).concurrency(3).iterations(6)
                    .outDir(dir.resolve("out")).ioThreads(2)
                    .threshold(Threshold.parse("turn.p99<5000")).threshold(Threshold.parse("errors.rate<0.01"))
                    .threshold(Threshold.parse("send_lag.p99<0.001")).build()).await();
            assertThat(report.completed()).isEqualTo(6);
            assertThat(report.thresholds()).extracting(Threshold.Verdict::ok).containsExactly(true, true, false);
            assertThat(report.succeeded()).isFalse();
            assertThat(Files.readString(dir.resolve("out/report.json"))).contains("\"expression\" : \"turn.p99<5000\"");

            Map<String, Histogram> byTag = new HashMap<>();
            HistogramLogReader reader = new HistogramLogReader(dir.resolve("out/histograms.hlog").toFile());
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                Histogram interval = (Histogram) h;
                byTag.computeIfAbsent(interval.getTag(), t -> new Histogram(3)).add(interval);
            }
            assertThat(byTag).containsKeys("turn", "send_lag", "connect", "loop_hiccup");
            assertThat(byTag.get("turn").getTotalCount()).isEqualTo(report.latencyMicros().get(Metric.TURN)
                    .getTotalCount());
            assertThat(byTag.get("send_lag").getTotalCount()).isEqualTo(report.latencyMicros().get(Metric.SEND_LAG)
                    .getTotalCount());
        }
    }

    /** The agent stops reading and writing for 2 s after the caller's utterance: the turn shows the freeze. */
    @Test
    void frozenAgentShowsInTheTurnLatency() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).behavior(AgentBehavior.FREEZE).freezeMillis(2000).build())) {
            RunReport report = Chorus.start(RunSpec.builder().agent(config(agent))
                    .tests(Fixtures.tests("t", CONVERSATION, dir)).concurrency(2).iterations(2)
                    .outDir(dir.resolve("out")).ioThreads(2).build()).await();
            assertThat(report.completed()).isEqualTo(2);
            Histogram turn = report.latencyMicros().get(Metric.TURN);
            assertThat(turn.getValueAtPercentile(99.9)).isGreaterThanOrEqualTo(2_000_000L);
        }
    }

    @Test
    void gracefulStopEndsOpenCallsAndWritesEverything() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().build())) {
            RunHandle handle = Chorus.start(RunSpec.builder().agent(config(agent))
                    .tests(Fixtures.tests("t", "[{\"pause_ms\": 60000}, {\"hang_up\": true}]", dir))
                    .concurrency(4).durationMillis(60_000).outDir(dir.resolve("out")).ioThreads(2).build());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (handle.progress().active() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            handle.stop();
            RunReport report = handle.await();
            assertThat(report.stopped()).isTrue();
            assertThat(report.started()).isEqualTo(4);
            assertThat(report.stoppedCalls()).isEqualTo(4);
            assertThat(report.failed()).isZero();
            assertThat(dir.resolve("out/report.json")).exists();
            try (Stream<Path> files = Files.list(dir.resolve("out/sessions"))) {
                assertThat(files.count()).isEqualTo(4);
            }
            assertThat(agent.observations().calls()).allSatisfy(c -> {
                try {
                    assertThat(c.awaitClosed(5000)).isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(c.closeStatusReceived()).isEqualTo(1000);
            });
        }
    }

    @Test
    void openModelStartsCallsAtTheRate() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().build())) {
            RunReport report = Chorus.start(RunSpec.builder().agent(config(agent))
                    .tests(Fixtures.tests("t", "[{\"pause_ms\": 200}, {\"hang_up\": true}]", dir))
                    .ratePerSecond(10).maxConcurrency(50).durationMillis(2000).outDir(dir.resolve("out"))
                    .ioThreads(2).build()).await();
            assertThat(report.started()).isBetween(19L, 21L);
            assertThat(report.completed()).isEqualTo(report.started());
            assertThat(report.profile()).startsWith("open");
        }
    }

    @Test
    void abortOnFailStopsTheRunEarly() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().build())) {
            RunReport report = Chorus.start(RunSpec.builder().agent(config(agent))
                    .tests(Fixtures.tests("t", "[{\"pause_ms\": 300}, {\"hang_up\": true}]", dir))
                    .concurrency(2).durationMillis(60_000).outDir(dir.resolve("out")).ioThreads(2)
                    .threshold(Threshold.parse("connect.max<0.0001")).abortOnFail(true).build()).await();
            assertThat(report.abortedBy()).startsWith("connect.max<0.0001");
            assertThat(report.stopped()).isTrue();
            assertThat(report.durationMillis()).isLessThan(20_000);
        }
    }
}
