package dev.chorus.engine.schedule;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Linux scheduling classes for Chorus's own threads, set with {@code chrt -p <policy> <tid>} on the calling thread
 * (its id read from {@code /proc/thread-self}; Java has no call for either). Measured with {@code perf sched} on
 * the 2-core box of bench/load/calls.sh, where the reference agent shares the cores:
 * <ul>
 *   <li>{@link #lowerToIdle()}, for background threads (the recorder writing session files and interval logs,
 *       speech-to-text): SCHED_IDLE runs them only on cycles no event loop wants. Any user may lower its own
 *       threads. Elsewhere (no {@code /proc}, no {@code chrt}) it does nothing.</li>
 *   <li>{@link #raiseToRealtime()}, for event loops ({@code --realtime-loops}): SCHED_FIFO priority 1 puts a loop
 *       with frames due on its core ahead of every ordinary thread, even one the fair scheduler would let finish
 *       its slice (up to a 4 ms tick at HZ=250; the cause of the 2–5 ms send lag at 1,000 calls beside the agent).
 *       It needs root or CAP_SYS_NICE. The kernel's real-time throttling (by default 95 % of each second) still
 *       leaves ordinary threads their share if a loop never sleeps.</li>
 * </ul>
 * Thread-safe; a few milliseconds, once, when a thread starts. Not for anything on a call's path.
 */
public final class ThreadScheduling {
    private ThreadScheduling() {
    }

    /** Lowers the calling thread to SCHED_IDLE; returns whether it now is. Never throws. */
    public static boolean lowerToIdle() {
        if (Boolean.getBoolean("chorus.noIdleThreads")) {
            return false;
        }
        try {
            return chrt("-i", "0") == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Raises the calling thread to SCHED_FIFO priority 1.
     *
     * @throws IOException saying why it could not (the {@code chrt} message) and the fix
     */
    public static void raiseToRealtime() throws IOException {
        String failure;
        try {
            failure = chrt("-f", "1");
        } catch (IOException e) {
            failure = e.getMessage();
        }
        if (failure != null) {
            throw new IOException("--realtime-loops: cannot make thread " + Thread.currentThread().getName()
                    + " SCHED_FIFO (" + failure + "); fix: run as root or with CAP_SYS_NICE (docker run --cap-add "
                    + "SYS_NICE; securityContext.capabilities.add [SYS_NICE] in Kubernetes), or leave out "
                    + "--realtime-loops");
        }
    }

    /** Runs {@code chrt <policy> -p <priority> <tid>} for the calling thread; null on success, else why not. */
    private static String chrt(String policy, String priority) throws IOException {
        Path self = Path.of("/proc/thread-self");
        if (!Files.exists(self)) {
            return "no /proc/thread-self: not Linux";
        }
        String link = Files.readSymbolicLink(self).toString(); // "<pid>/task/<tid>"
        String tid = link.substring(link.lastIndexOf('/') + 1);
        Process p;
        try {
            p = new ProcessBuilder("chrt", policy, "-p", priority, tid).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "chrt not found: " + e.getMessage();
        }
        try (InputStream out = p.getInputStream()) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            out.transferTo(text);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "chrt did not finish";
            }
            return p.exitValue() == 0 ? null : text.toString(StandardCharsets.UTF_8).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
