package dev.chorus.engine.control;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.Progress;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.control.v1.ControlGrpc;
import dev.chorus.engine.control.v1.ListRunsRequest;
import dev.chorus.engine.control.v1.ListRunsResponse;
import dev.chorus.engine.control.v1.Report;
import dev.chorus.engine.control.v1.RunInfo;
import dev.chorus.engine.control.v1.RunRef;
import dev.chorus.engine.control.v1.RunState;
import dev.chorus.engine.control.v1.RunStatus;
import dev.chorus.engine.control.v1.StartRunRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code chorus.v1.Control} on {@link Chorus#start}. Thread-safe; see the package javadoc for the threads involved.
 *
 * <p>Errors: bad input ({@link ConfigException}, {@link IllegalArgumentException}, an unreadable audio or CA file)
 * is INVALID_ARGUMENT with the engine's message, which names the file, the key and the fix; an unknown run id is
 * NOT_FOUND; GetReport on a run still going is FAILED_PRECONDITION.
 */
public final class ControlService extends ControlGrpc.ControlImplBase {
    private final RunRegistry registry;
    private final Path workDir;

    /** @param workDir resolves relative paths of requests without {@code base_dir}, and the default results/ */
    public ControlService(RunRegistry registry, Path workDir) {
        this.registry = registry;
        this.workDir = workDir.toAbsolutePath();
    }

    @Override
    public void startRun(StartRunRequest request, StreamObserver<RunInfo> out) {
        RunHandle run;
        try {
            RunSpec spec = ProtoMapping.toSpec(request, workDir);
            run = Chorus.start(spec);
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        registry.add(run);
        out.onNext(info(run));
        out.onCompleted();
    }

    @Override
    public void stopRun(RunRef request, StreamObserver<RunInfo> out) {
        RunHandle run = find(request, out);
        if (run != null) {
            run.stop();
            out.onNext(info(run));
            out.onCompleted();
        }
    }

    @Override
    public void getRun(RunRef request, StreamObserver<RunStatus> out) {
        RunHandle run = find(request, out);
        if (run != null) {
            out.onNext(ProtoMapping.status(run));
            out.onCompleted();
        }
    }

    @Override
    public void getReport(RunRef request, StreamObserver<Report> out) {
        RunHandle run = find(request, out);
        if (run == null) {
            return;
        }
        RunState state = RunRegistry.stateOf(run);
        if (state == RunState.RUNNING) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("run " + run.runId() + " is still running; fix: "
                    + "WatchRun until it ends, or StopRun it").asRuntimeException());
        } else if (state == RunState.FAILED) {
            out.onError(Status.INTERNAL.withDescription(ProtoMapping.status(run).getError()).asRuntimeException());
        } else {
            out.onNext(ProtoMapping.report(run.completion().join(), state));
            out.onCompleted();
        }
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> out) {
        ListRunsResponse.Builder b = ListRunsResponse.newBuilder();
        for (RunHandle run : registry.all()) {
            b.addRuns(info(run));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void watchRun(RunRef request, StreamObserver<RunStatus> out) {
        RunHandle run = find(request, out);
        if (run != null) {
            new Watcher(run, (ServerCallStreamObserver<RunStatus>) out).start();
        }
    }

    private RunHandle find(RunRef request, StreamObserver<?> out) {
        RunHandle run = registry.get(request.getRunId());
        if (run == null) {
            out.onError(Status.NOT_FOUND.withDescription("no run '" + request.getRunId() + "' on this server; fix: "
                    + "ListRuns shows the runs it knows").asRuntimeException());
        }
        return run;
    }

    private static RunInfo info(RunHandle run) {
        return RunInfo.newBuilder().setRunId(run.runId()).setState(RunRegistry.stateOf(run)).build();
    }

    /**
     * One WatchRun stream. Written from the recorder thread (progress) and the thread that completes the run (the
     * final snapshot), so every write holds this object's lock; once {@code closed}, nothing more is written. The
     * client cancelling (or going away) closes it and removes the progress listener, so a dead stream costs one
     * check, not an exception a second.
     */
    private static final class Watcher implements Consumer<Progress> {
        private final RunHandle run;
        private final ServerCallStreamObserver<RunStatus> out;
        private boolean closed;

        Watcher(RunHandle run, ServerCallStreamObserver<RunStatus> out) {
            this.run = run;
            this.out = out;
        }

        void start() {
            out.setOnCancelHandler(this::cancelled);
            synchronized (this) {
                send(ProtoMapping.status(run));
            }
            run.onProgress(this);
            // Runs at once when the run has already ended; the final snapshot then closes the stream.
            run.completion().whenComplete((report, error) -> finish());
        }

        /** Recorder thread: quick and non-throwing, as RunHandle.onProgress requires. */
        @Override
        public void accept(Progress progress) {
            synchronized (this) {
                if (!closed && !run.completion().isDone()) {
                    send(ProtoMapping.status(run));
                }
            }
        }

        private void finish() {
            run.removeProgressListener(this);
            synchronized (this) {
                if (closed) {
                    return;
                }
                send(ProtoMapping.status(run));
                if (!closed) {
                    closed = true;
                    out.onCompleted();
                }
            }
        }

        private void cancelled() {
            synchronized (this) {
                closed = true;
            }
            run.removeProgressListener(this);
        }

        /** Caller holds the lock. A stream cancelled between the check and the write closes the watcher. */
        private void send(RunStatus status) {
            if (closed) {
                return;
            }
            try {
                out.onNext(status);
            } catch (StatusRuntimeException | IllegalStateException e) {
                closed = true;
                run.removeProgressListener(this);
            }
        }
    }
}
