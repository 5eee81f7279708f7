package dev.chorus.engine.control;

import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.control.v1.RunState;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runs one control server started, oldest first. Thread-safe: one lock guards the map and is held only for map
 * operations, never across a run's start, stop or wait.
 *
 * <p>Ended runs are kept for GetReport until more than {@link #DEFAULT_KEPT_ENDED} have ended; then the oldest
 * ended ones are dropped (their results stay on disk). Running runs are never dropped.
 */
public final class RunRegistry {
    /** Ended runs kept in memory; each report holds up to a few thousand session results. */
    public static final int DEFAULT_KEPT_ENDED = 32;

    private final Map<String, RunHandle> runs = new LinkedHashMap<>();
    private final int keptEnded;

    public RunRegistry() {
        this(DEFAULT_KEPT_ENDED);
    }

    RunRegistry(int keptEnded) {
        this.keptEnded = keptEnded;
    }

    /** Adds a started run and drops the oldest ended runs beyond the limit. */
    public synchronized void add(RunHandle run) {
        runs.put(run.runId(), run);
        int ended = 0;
        for (RunHandle r : runs.values()) {
            ended += r.completion().isDone() ? 1 : 0;
        }
        for (Iterator<RunHandle> it = runs.values().iterator(); it.hasNext() && ended > keptEnded; ) {
            if (it.next().completion().isDone()) {
                it.remove();
                ended--;
            }
        }
    }

    /** The run, or null when this server did not start it (or dropped it). */
    public synchronized RunHandle get(String runId) {
        return runs.get(runId);
    }

    /** A copy, oldest first. */
    public synchronized List<RunHandle> all() {
        return new ArrayList<>(runs.values());
    }

    /** Stops every run still going and waits up to {@code timeoutMillis} in all for their results to be written. */
    public void stopAll(long timeoutMillis) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<RunHandle> copy = all();
        copy.forEach(RunHandle::stop);
        for (RunHandle r : copy) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                return;
            }
            try {
                r.completion().get(leftNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // A failed run has nothing more to write; a slow one is given up on at the deadline.
            }
        }
    }

    /** RUNNING until the run ends; then DONE, STOPPED (StopRun, abort-on-fail) or FAILED (the engine threw). */
    static RunState stateOf(RunHandle run) {
        CompletableFuture<RunReport> c = run.completion();
        if (!c.isDone()) {
            return RunState.RUNNING;
        }
        if (c.isCompletedExceptionally()) {
            return RunState.FAILED;
        }
        return c.join().stopped() ? RunState.STOPPED : RunState.DONE;
    }
}
