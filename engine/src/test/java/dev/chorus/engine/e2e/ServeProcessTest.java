package dev.chorus.engine.e2e;

import dev.chorus.engine.agent.AgentCertificates;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.testing.Fixtures;
import dev.chorus.engine.control.v1.ControlGrpc;
import dev.chorus.engine.control.v1.ListRunsRequest;
import dev.chorus.engine.control.v1.Report;
import dev.chorus.engine.control.v1.RunInfo;
import dev.chorus.engine.control.v1.RunRef;
import dev.chorus.engine.control.v1.RunState;
import dev.chorus.engine.control.v1.RunStatus;
import dev.chorus.engine.control.v1.StartRunRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chorus serve} as its own process, driven over a real TLS port by a grpcurl-style client: start a run from
 * files on the server's disk, watch it, stop it mid-run, read it back; results are written, the token never shows.
 */
class ServeProcessTest {
    private static final String TOKEN = "tok-3f9a1c77e2";
    private static final Pattern LISTENING = Pattern.compile("listening on tls 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void startWatchStopAndReadARunOverTls() throws Exception {
        AgentCertificates certs = AgentCertificates.generate();
        Path cert = dir.resolve("serve.pem");
        Path key = dir.resolve("serve.key");
        Path ca = dir.resolve("ca.pem");
        certs.writeServerPem(cert, key);
        certs.writeCaPem(ca);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");

        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build())) {
            Path agentFile = Fixtures.agentFile(dir, agent);
            Path testsFile = dir.resolve("tests.json");
            Files.writeString(testsFile, "{\"name\": \"served\", \"test_cases\": [{\"id\": \"talk\", \"script\": ["
                    + "{\"say\": \"Hello there.\"}, {\"wait_for_agent\": {\"timeout_seconds\": 8}},"
                    + "{\"pause_ms\": 60000}, {\"hang_up\": true}]}]}");

            Process serve = Fixtures.chorusProcess(dir, "serve", "--grpc-port", "0", "--token-file",
                    tokenFile.toString(), "--tls-cert", cert.toString(), "--tls-key", key.toString()).start();
            List<String> output = new ArrayList<>();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (output) {
                            output.add(line);
                        }
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
                port.completeExceptionally(new IllegalStateException("chorus serve ended: " + output));
            }, "serve-output");
            reader.start();
            ManagedChannel channel = null;
            try {
                ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
                channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port.get(60, TimeUnit.SECONDS), tls)
                        .build();
                Metadata bearer = new Metadata();
                bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
                ControlGrpc.ControlBlockingStub control = ControlGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
                        .withDeadlineAfter(90, TimeUnit.SECONDS);

                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

                RunInfo run = control.startRun(StartRunRequest.newBuilder().setAgentPath(agentFile.toString())
                        .setTestsPath(testsFile.toString()).setConcurrency(2).setDuration("60s")
                        .setOutDir(dir.resolve("out").toString()).build());
                RunRef ref = RunRef.newBuilder().setRunId(run.getRunId()).build();

                // Watch until both calls have had their turn, then stop mid-run.
                Iterator<RunStatus> watch = control.watchRun(ref);
                RunStatus status = watch.next();
                while (status.getTurnP50Ms() != status.getTurnP50Ms() || status.getActive() < 2) {
                    status = watch.next();
                }
                assertThat(status.getState()).isEqualTo(RunState.RUNNING);
                control.stopRun(ref);
                while (watch.hasNext()) {
                    status = watch.next();
                }
                assertThat(status.getState()).isEqualTo(RunState.STOPPED);
                assertThat(control.getRun(ref).getState()).isEqualTo(RunState.STOPPED);

                Report report = control.getReport(ref);
                assertThat(report.getStarted()).isGreaterThanOrEqualTo(2);
                assertThat(report.getStoppedCalls()).isEqualTo(report.getStarted());
                assertThat(report.getLatencyMap().get("turn").getCount()).isGreaterThanOrEqualTo(2);
                assertThat(report.getLatencyMap().get("turn").getP50Ms()).isBetween(100.0, 1000.0);
                assertThat(control.listRuns(ListRunsRequest.getDefaultInstance()).getRunsList())
                        .extracting(RunInfo::getRunId).contains(run.getRunId());

                Path out = Path.of(report.getOutDir());
                assertThat(out.resolve("report.json")).exists();
                assertThat(out.resolve("report.html")).exists();
                assertThat(out.resolve("histograms.hlog")).exists();
                try (var sessions = Files.list(out.resolve("sessions"))) {
                    assertThat(sessions.count()).isEqualTo(report.getStarted());
                }
                assertThat(Files.readString(out.resolve("report.json"))).doesNotContain(TOKEN);
            } finally {
                if (channel != null) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
                serve.destroy(); // SIGTERM: the shutdown hook closes the port
                assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
                reader.join(5000);
            }
            synchronized (output) {
                assertThat(String.join("\n", output)).contains("bearer token required").doesNotContain(TOKEN);
            }
        }
    }
}
