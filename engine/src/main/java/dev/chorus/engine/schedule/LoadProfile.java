package dev.chorus.engine.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How calls arrive over a run: closed (a number of callers, each starting its next call when the last ends) or open
 * (new calls at a fixed rate, whatever the agent's speed, up to a cap). Immutable and thread-safe.
 *
 * <pre>
 *   closed   --concurrency 100 [--ramp 30s] (--iterations N | --duration 60s)
 *            --stages 30s:100,60s:1000,30s:0     target callers ramp linearly to each stage's value over its time
 *   open     --rate 20/s [--max-concurrency 500] (--iterations N | --duration 60s)
 * </pre>
 *
 * Plain {@code --concurrency N --ramp R} is the stage list {@code R:N} then a hold at N.
 */
public final class LoadProfile {
    /** One stage: over {@code durationNanos}, the target moves linearly from the previous stage's to this one. */
    public record Stage(long durationNanos, int target) {
    }

    public enum Model { CLOSED, OPEN }

    private final Model model;
    private final List<Stage> stages;
    private final int holdTarget;
    private final double ratePerSecond;
    private final int maxConcurrency;
    private final long stagesNanos;

    private LoadProfile(Model model, List<Stage> stages, int holdTarget, double ratePerSecond, int maxConcurrency) {
        this.model = model;
        this.stages = Collections.unmodifiableList(new ArrayList<>(stages));
        this.holdTarget = holdTarget;
        this.ratePerSecond = ratePerSecond;
        this.maxConcurrency = maxConcurrency;
        long total = 0;
        for (Stage s : stages) {
            total += s.durationNanos();
        }
        this.stagesNanos = total;
    }

    /** {@code concurrency} callers, reached linearly over {@code rampMillis} (0: all at once), then held. */
    public static LoadProfile closed(int concurrency, long rampMillis) {
        List<Stage> stages = rampMillis > 0 ? List.of(new Stage(TimeUnit.MILLISECONDS.toNanos(rampMillis),
                concurrency)) : List.of();
        return new LoadProfile(Model.CLOSED, stages, concurrency, 0, concurrency);
    }

    /** Staged closed load; after the last stage the target stays at its value. */
    public static LoadProfile staged(List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("--stages: no stage; fix: e.g. --stages 30s:100,60s:1000,30s:0");
        }
        int max = 0;
        for (Stage s : stages) {
            max = Math.max(max, s.target());
        }
        return new LoadProfile(Model.CLOSED, stages, stages.get(stages.size() - 1).target(), 0, max);
    }

    /** {@code ratePerSecond} new calls per second, at most {@code maxConcurrency} at once. */
    public static LoadProfile open(double ratePerSecond, int maxConcurrency) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be above 0 calls per second; fix: e.g. --rate 20/s");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("--max-concurrency must be at least 1");
        }
        return new LoadProfile(Model.OPEN, List.of(), 0, ratePerSecond, maxConcurrency);
    }

    /**
     * Parses {@code 30s:100,60s:1000,30s:0} (durations as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}).
     *
     * @throws IllegalArgumentException naming the bad stage and the fix
     */
    public static List<Stage> parseStages(String text) {
        List<Stage> stages = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            try {
                if (colon < 0) {
                    throw new NumberFormatException();
                }
                long nanos = TimeUnit.MILLISECONDS.toNanos(parseDurationMillis(p.substring(0, colon).trim()));
                int target = Integer.parseInt(p.substring(colon + 1).trim());
                if (target < 0 || nanos < 0) {
                    throw new NumberFormatException();
                }
                stages.add(new Stage(nanos, target));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--stages: '" + p + "' is not DURATION:CALLERS; fix: e.g. "
                        + "--stages 30s:100,60s:1000,30s:0");
            }
        }
        return stages;
    }

    /** {@code 250ms}, {@code 30s}, {@code 2m}, {@code 1h}, or plain seconds. */
    public static long parseDurationMillis(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        long factor = unit == 's' ? 1000 : unit == 'm' ? 60_000 : unit == 'h' ? 3_600_000 : 0;
        if (factor == 0) {
            return Math.round(Double.parseDouble(t) * 1000);
        }
        return Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * factor);
    }

    /**
     * Parses {@code 20/s}, {@code 20}, {@code 600/m}: calls per second.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public static double parseRate(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        double per = 1;
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("/m")) {
            t = t.substring(0, t.length() - 2);
            per = 60;
        } else if (t.endsWith("/h")) {
            t = t.substring(0, t.length() - 2);
            per = 3600;
        }
        try {
            return Double.parseDouble(t) / per;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate '" + text + "' is not a rate; fix: e.g. --rate 20/s or 600/m");
        }
    }

    public Model model() {
        return model;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Total length of the stages (0 when there are none). */
    public long stagesNanos() {
        return stagesNanos;
    }

    /** Closed model: how many calls should be open {@code elapsedNanos} after the start. */
    public int targetAt(long elapsedNanos) {
        int from = 0;
        long t = elapsedNanos;
        for (int i = 0, n = stages.size(); i < n; i++) { // indexed: no iterator on the pump's 10 ms tick
            Stage s = stages.get(i);
            if (t < s.durationNanos()) {
                return (int) (from + (s.target() - from) * (double) t / s.durationNanos());
            }
            t -= s.durationNanos();
            from = s.target();
        }
        return holdTarget;
    }

    /** The most calls open at once: the cap of the open model, the highest target of the closed one. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** Open model: the planned start of arrival {@code k} (0-based) after the start, in nanoseconds. */
    public long arrivalOffsetNanos(long k) {
        return (long) (k * 1e9 / ratePerSecond);
    }

    @Override
    public String toString() {
        return model == Model.OPEN ? "open " + ratePerSecond + "/s, at most " + maxConcurrency
                : stages.isEmpty() ? "closed " + holdTarget : "closed stages " + stages;
    }
}
