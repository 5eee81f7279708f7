package dev.chorus.engine;

/**
 * A snapshot of a running load, taken about once a second by the recorder thread. Immutable.
 *
 * @param elapsedMillis     since the run started
 * @param active            calls open now
 * @param started           calls started so far
 * @param completed         calls that ended and passed
 * @param failed            calls that ended with a fatal error
 * @param callsPerSecond    calls ended per second over the last interval
 * @param framesPerSecond   outbound audio frames per second over the last interval
 * @param lateFrames        frames sent a whole frame period or more after their planned time, so far
 * @param turnP50Millis     median turn latency so far (NaN before the first)
 * @param turnP99Millis     99th percentile turn latency so far (NaN before the first)
 * @param sendLagP99Millis  99th percentile send lag over the last interval (NaN when none)
 */
public record Progress(long elapsedMillis, int active, long started, long completed, long failed,
                       double callsPerSecond, double framesPerSecond, long lateFrames, double turnP50Millis,
                       double turnP99Millis, double sendLagP99Millis) {

    /** One line for a terminal. */
    public String line() {
        return String.format(java.util.Locale.ROOT,
                "%6.1fs  active %d  done %d  failed %d  %.1f calls/s  %.0f frames/s  late %d  "
                        + "turn p50 %s p99 %s  send-lag p99 %s",
                elapsedMillis / 1000.0, active, completed, failed, callsPerSecond, framesPerSecond, lateFrames,
                ms(turnP50Millis), ms(turnP99Millis), ms(sendLagP99Millis));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%.1fms", v);
    }
}
