package dev.chorus.engine;

import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.session.SessionResult;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a run. Immutable once built (the histograms are private copies).
 *
 * @param sessions     up to {@link LoadRun#KEPT_RESULTS} session results, in the order they ended
 * @param errors       error class wire name to count, fatal and non-fatal
 * @param latencyMicros each metric's histogram, in microseconds
 * @param audio        totals: caller_audio_ms, agent_audio_ms, agent_audio_messages, frames_sent, late_frames,
 *                     underruns, and the turn-taking counts agent_interruptions, caller_interruptions,
 *                     agent_speech_ms, caller_speech_ms (report.json writes those under {@code conversation})
 * @param stopped      true when the run was stopped before its plan ended (Ctrl-C, {@link RunHandle#stop()})
 * @param outDir       where the result files were written, or null
 * @param thresholds   each {@code --threshold} with its figure and outcome, in the order given
 * @param abortedBy    the threshold that stopped the run early ({@code --abort-on-fail}), or null
 * @param profile      the load profile, in words
 * @param timeline     the recorder's progress samples, about one a second, oldest first (thinned beyond 3600 points)
 */
public record RunReport(String runId, String testSetName, String endpoint, String transport, String tlsProvider,
                        long startEpochMillis, long durationMillis, int concurrency, long started, long completed,
                        long failed, long stoppedCalls, Map<String, Long> errors, Map<Metric, Histogram> latencyMicros,
                        Map<String, Long> audio, List<SessionResult> sessions, boolean stopped, Path outDir,
                        List<Threshold.Verdict> thresholds, String abortedBy, String profile,
                        List<Progress> timeline) {

    /** True when every call that ended passed (non-fatal errors allowed) and none was cut short. */
    public boolean allPassed() {
        return failed == 0 && completed > 0;
    }

    /** True when every threshold holds (vacuously true without thresholds). */
    public boolean thresholdsHold() {
        for (Threshold.Verdict v : thresholds) {
            if (!v.ok()) {
                return false;
            }
        }
        return true;
    }

    /** The run's verdict for CI: every call passed and every threshold holds (exit code 0). */
    public boolean succeeded() {
        return allPassed() && thresholdsHold();
    }
}
