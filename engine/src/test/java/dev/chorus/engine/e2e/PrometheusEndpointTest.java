package dev.chorus.engine.e2e;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.report.PrometheusEndpoint;
import dev.chorus.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code chorus run --metrics-port}: a real run scraped over HTTP shows its counters and latency quantiles. */
class PrometheusEndpointTest {
    @TempDir
    Path dir;

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void scrapeShowsTheRunsCountersAndLatencies() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build());
             PrometheusEndpoint metrics = PrometheusEndpoint.start("127.0.0.1", 0)) {
            assertThat(metrics.port()).isPositive();
            assertThat(scrape(metrics.port())).doesNotContain("chorus_calls_started");
            RunHandle run = Chorus.start(RunSpec.builder()
                    .agent(Fixtures.agent(agent.endpoint().toString(), "\"trust_ca_file\": \""
                            + agent.caPemFile().toAbsolutePath() + "\"", dir))
                    .tests(Fixtures.tests("t", "[{\"say\": \"Hi, I would like a table.\"}, "
                            + "{\"wait_for_agent\": {\"timeout_seconds\": 8}}, {\"hang_up\": true}]", dir))
                    .concurrency(2).iterations(2).outDir(dir.resolve("out")).ioThreads(1).build());
            run.onLiveStats(metrics);
            RunReport report = run.await();
            assertThat(report.completed()).isEqualTo(2);

            String body = scrape(metrics.port());
            assertThat(body).contains("chorus_calls_started_total 2.0").contains("chorus_calls_completed_total 2.0")
                    .contains("chorus_calls_failed_total 0.0").contains("chorus_calls_active 0.0")
                    .contains("chorus_errors_total{class=\"connection_refused\"} 0.0")
                    .contains("chorus_frames_sent_total " + (double) report.audio().get("frames_sent"))
                    .contains("chorus_late_frames_total")
                    .contains("chorus_latency_ms{metric=\"turn\",quantile=\"0.99\"}")
                    .contains("chorus_latency_ms_count{metric=\"turn\"} 2");
        }
    }
}
