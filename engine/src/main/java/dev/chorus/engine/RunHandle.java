package dev.chorus.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A running load: progress, graceful stop, and the final report. Thread-safe.
 */
public final class RunHandle {
    private final LoadRun run;

    RunHandle(LoadRun run) {
        this.run = run;
    }

    public String runId() {
        return run.spec().runId();
    }

    /** The latest progress snapshot (about once a second). */
    public Progress progress() {
        return run.progress();
    }

    /**
     * Calls {@code listener} with each progress snapshot, on the recorder thread; it must be quick and must not
     * throw.
     */
    public void onProgress(Consumer<Progress> listener) {
        run.onProgress(listener);
    }

    /** Stops calling {@code listener} (a gRPC watcher that went away); a listener not registered is ignored. */
    public void removeProgressListener(Consumer<Progress> listener) {
        run.removeProgressListener(listener);
    }

    /**
     * Calls {@code listener} with each {@link LiveStats} (about once a second, and once more when the run's last
     * result is in), on the recorder thread; it must be quick and must not throw.
     */
    public void onLiveStats(Consumer<LiveStats> listener) {
        run.onLiveStats(listener);
    }

    /**
     * Stops gracefully: no new call starts; open calls hang up (close 1000) and every result gathered is written.
     * Returns at once; {@link #await()} for the report.
     */
    public void stop() {
        run.stop();
    }

    /** Waits for the run to end and returns its report (results already written). */
    public RunReport await() throws InterruptedException {
        try {
            return run.completion().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        }
    }

    public CompletableFuture<RunReport> completion() {
        return run.completion();
    }
}
