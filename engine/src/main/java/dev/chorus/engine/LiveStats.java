package dev.chorus.engine;

import dev.chorus.engine.metrics.Metric;

import java.util.Map;

/**
 * What a run has done so far, for live exporters (Prometheus): published by the recorder thread about once a second,
 * right after {@link Progress}. Immutable; the maps are private copies.
 *
 * @param progress     the progress snapshot of the same instant
 * @param stoppedCalls calls cut short by a stop (neither passed nor failed)
 * @param errors       error class wire name to count so far, fatal and non-fatal
 * @param framesSent   outbound audio frames sent so far
 * @param lateFrames   frames sent a whole frame period or more late, so far
 * @param skippedFrames frames not sent because they were too far overdue, so far
 * @param underruns    agent audio that arrived after its playback time, so far
 * @param latency      per metric, the run's totals so far (count, sum and quantiles in milliseconds)
 */
public record LiveStats(Progress progress, long stoppedCalls, Map<String, Long> errors, long framesSent,
                        long lateFrames, long skippedFrames, long underruns, Map<Metric, Latency> latency) {

    /**
     * One metric's figures over the whole run so far.
     *
     * @param count     values recorded
     * @param sumMillis their sum in milliseconds (from the histogram's mean, so within its 3-digit precision)
     * @param p50Millis median, NaN when count is 0
     * @param p90Millis 90th percentile, NaN when count is 0
     * @param p99Millis 99th percentile, NaN when count is 0
     */
    public record Latency(long count, double sumMillis, double p50Millis, double p90Millis, double p99Millis) {
    }
}
