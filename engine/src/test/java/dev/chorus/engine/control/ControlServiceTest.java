package dev.chorus.engine.control;

import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.control.v1.ControlGrpc;
import dev.chorus.engine.control.v1.ListRunsRequest;
import dev.chorus.engine.control.v1.Report;
import dev.chorus.engine.control.v1.RunInfo;
import dev.chorus.engine.control.v1.RunRef;
import dev.chorus.engine.control.v1.RunState;
import dev.chorus.engine.control.v1.RunStatus;
import dev.chorus.engine.control.v1.StartRunRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code chorus.v1.Control} in process against the real reference agent over TLS. */
class ControlServiceTest {
    private static final String ONE_TURN = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 8}}, {\"hang_up\": true}]";
    private static final String LONG_PAUSE = "[{\"pause_ms\": 60000}, {\"hang_up\": true}]";

    private static ReferenceAgent agent;

    @TempDir
    Path dir;

    private Server server;
    private ManagedChannel channel;
    private ControlGrpc.ControlBlockingStub control;

    @BeforeAll
    static void startAgent() throws Exception {
        agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100).replyDurationMillis(300)
                .build());
    }

    @AfterAll
    static void stopAgent() throws Exception {
        agent.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new ControlService(new RunRegistry(), dir)).build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        control = ControlGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private StartRunRequest.Builder request(String endpoint, String script) {
        return StartRunRequest.newBuilder()
                .setAgentJson("{\"endpoint\": \"" + endpoint + "\", \"trust_ca_file\": \""
                        + agent.caPemFile().toAbsolutePath() + "\"}")
                .setTestsJson("{\"name\": \"t\", \"test_cases\": [{\"id\": \"c\", \"script\": " + script + "}]}")
                .setOutDir(dir.resolve("out").toString());
    }

    private static RunRef ref(RunInfo info) {
        return RunRef.newBuilder().setRunId(info.getRunId()).build();
    }

    /** Opens a watch, waits for the first snapshot, returns the client side to cancel. */
    private ClientCallStreamObserver<?> watchOnce(RunInfo run, CountDownLatch first) {
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<RunRef>[] call = new ClientCallStreamObserver[1];
        ControlGrpc.newStub(channel).watchRun(ref(run), new ClientResponseObserver<RunRef, RunStatus>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<RunRef> requestStream) {
                call[0] = requestStream;
            }

            @Override
            public void onNext(RunStatus value) {
                first.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        return call[0];
    }

    private void awaitActive(RunInfo run, int calls) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (control.getRun(ref(run)).getActive() < calls && System.nanoTime() - deadlineNanos < 0) {
            Thread.sleep(50);
        }
    }

    @Test
    void watchStreamsUntilDoneAndReportCountsTheCalls() {
        RunInfo run = control.startRun(request(agent.endpoint().toString(), ONE_TURN).setConcurrency(2)
                .setIterations(4).addThresholds("turn.p99<5000").build());
        assertThat(run.getState()).isEqualTo(RunState.RUNNING);

        List<RunStatus> seen = new ArrayList<>();
        Iterator<RunStatus> watch = control.watchRun(ref(run));
        watch.forEachRemaining(seen::add);
        RunStatus last = seen.get(seen.size() - 1);
        assertThat(last.getState()).isEqualTo(RunState.DONE);
        assertThat(last.getCompleted()).isEqualTo(4);

        Report report = control.getReport(ref(run));
        assertThat(report.getCompleted()).isEqualTo(4);
        assertThat(report.getFailed()).isZero();
        assertThat(report.getLatencyMap().get("turn").getCount()).isEqualTo(4);
        assertThat(report.getLatencyMap().get("turn").getP50Ms()).isGreaterThanOrEqualTo(100);
        assertThat(report.getThresholds(0).getOk()).isTrue();
        assertThat(report.getSucceeded()).isTrue();
        assertThat(Path.of(report.getOutDir()).resolve("report.json")).exists();
        assertThat(control.listRuns(ListRunsRequest.getDefaultInstance()).getRunsList())
                .extracting(RunInfo::getRunId).containsExactly(run.getRunId());
    }

    @Test
    void cancelledWatchLeavesTheRunAndLogsNothing() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.WARNING);
        Logger grpc = Logger.getLogger("io.grpc");
        grpc.addHandler(capture);
        try {
            RunInfo run = control.startRun(request(agent.endpoint().toString(), LONG_PAUSE).setConcurrency(1)
                    .setDuration("60s").build());
            CountDownLatch first = new CountDownLatch(1);
            ClientCallStreamObserver<?> watch = watchOnce(run, first);
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            watch.cancel("client went away", null);
            Thread.sleep(2200); // two progress ticks after the cancel

            assertThat(control.getRun(ref(run)).getState()).isEqualTo(RunState.RUNNING);
            control.stopRun(ref(run));
            List<RunStatus> rest = new ArrayList<>();
            control.watchRun(ref(run)).forEachRemaining(rest::add);
            assertThat(rest.get(rest.size() - 1).getState()).isEqualTo(RunState.STOPPED);
            synchronized (capture) {
                assertThat(logged).isEmpty();
            }
        } finally {
            grpc.removeHandler(capture);
        }
    }

    @Test
    void stopRunMidRunStillWritesTheResults() throws Exception {
        RunInfo run = control.startRun(request(agent.endpoint().toString(), LONG_PAUSE).setConcurrency(2)
                .setDuration("60s").build());
        awaitActive(run, 2);
        assertThat(control.stopRun(ref(run)).getRunId()).isEqualTo(run.getRunId());
        control.watchRun(ref(run)).forEachRemaining(s -> { });

        Report report = control.getReport(ref(run));
        assertThat(report.getState()).isEqualTo(RunState.STOPPED);
        assertThat(report.getStarted()).isEqualTo(2);
        assertThat(report.getStoppedCalls()).isEqualTo(2);
        assertThat(dir.resolve("out/report.json")).exists();
    }

    @Test
    void rejectsPlainWsEndpoint() {
        assertThatThrownBy(() -> control.startRun(request("ws://127.0.0.1:1/agent", ONE_TURN).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("Invalid WebSocket URL")
                            .contains("agent_json", "endpoint");
                });
    }

    @Test
    void runOptionsOfTheCommandLineTravelToo() {
        RunInfo run = control.startRun(request(agent.endpoint().toString(), ONE_TURN).setTransport("nio")
                .setAbortOnFail(true).setIterations(1).addThresholds("errors.rate<0.5").build());
        control.watchRun(ref(run)).forEachRemaining(s -> { });
        Report report = control.getReport(ref(run));
        assertThat(report.getState()).isEqualTo(RunState.DONE);
        assertThat(report.getCompleted()).isEqualTo(1);
        assertThat(report.getSucceeded()).isTrue();

        assertThatThrownBy(() -> control.startRun(request(agent.endpoint().toString(), ONE_TURN)
                .setTransport("io_uring").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("transport: 'io_uring'")
                            .contains("fix: use auto, epoll or nio");
                });
        assertThatThrownBy(() -> control.startRun(request(agent.endpoint().toString(), ONE_TURN)
                .setTranscribe("whisper").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("transcribe: 'whisper'");
                });
    }

    @Test
    void unknownRunIsNotFound() {
        assertThatThrownBy(() -> control.getReport(RunRef.newBuilder().setRunId("run-nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
}
