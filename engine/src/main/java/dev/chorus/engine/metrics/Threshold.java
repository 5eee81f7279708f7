package dev.chorus.engine.metrics;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail condition on a run's figures, as k6's thresholds: {@code --threshold 'turn.p99<1200'}. Immutable and
 * thread-safe.
 *
 * <pre>
 *   expr      := subject op number
 *   subject   := latency "." stat          turn.p99, first_audio.p50, send_lag.p99 (ms) ...
 *              | "errors.rate" | "errors.count" | "errors." class "." ("rate"|"count")
 *              | counter "." ("rate"|"count")   late_frames, skipped_frames, underruns, sessions_failed
 *   latency   := http_setup | connect | tls | ws_handshake | ready | first_audio | turn | send_lag | send_jitter
 *              | drift | loop_hiccup
 *   stat      := p50 | p90 | p95 | p99 | p999 | max | mean | min | count
 *   op        := "<" | "<=" | ">" | ">=" | "=="
 * </pre>
 *
 * Rates: {@code errors.rate} is failed calls over ended calls; {@code errors.<class>.rate} is that class's count
 * over ended calls; {@code late_frames.rate} and {@code skipped_frames.rate} are over frames planned;
 * {@code underruns.rate} over agent audio messages. A threshold whose subject has no data yet (no turn measured)
 * fails: a CI gate must not pass on nothing.
 */
public final class Threshold {
    private static final Pattern EXPR = Pattern.compile("\\s*([a-z_][a-z0-9_.]*)\\s*(<=|>=|==|<|>)\\s*"
            + "(-?[0-9]+(?:\\.[0-9]+)?)\\s*");
    private static final Pattern STAT = Pattern.compile("p([0-9]+(?:\\.[0-9]+)?)|max|min|mean|count");

    private final String expression;
    private final String subject;
    private final String op;
    private final double limit;

    private Threshold(String expression, String subject, String op, double limit) {
        this.expression = expression;
        this.subject = subject;
        this.op = op;
        this.limit = limit;
    }

    /** @throws IllegalArgumentException naming the expression and showing the accepted forms */
    public static Threshold parse(String expression) {
        Matcher m = EXPR.matcher(expression == null ? "" : expression.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--threshold '" + expression + "': not of the form SUBJECT OP NUMBER; "
                    + "fix: e.g. 'turn.p99<1200', 'errors.rate<0.01', 'send_lag.p99<2', 'late_frames.rate<0.001'");
        }
        String subject = m.group(1);
        Threshold t = new Threshold(expression.trim(), subject, m.group(2), Double.parseDouble(m.group(3)));
        String problem = t.checkSubject();
        if (problem != null) {
            throw new IllegalArgumentException("--threshold '" + expression + "': " + problem);
        }
        return t;
    }

    private String checkSubject() {
        int dot = subject.lastIndexOf('.');
        if (dot < 0) {
            return "no statistic; fix: add one, e.g. '" + subject + ".p99' or '" + subject + ".rate'";
        }
        String head = subject.substring(0, dot);
        String stat = subject.substring(dot + 1);
        Metric metric = metric(head);
        if (metric != null) {
            Matcher s = STAT.matcher(stat);
            if (!s.matches() || (s.group(1) != null && Double.parseDouble(s.group(1)) > 100 && !stat.equals("p999"))) {
                return "unknown statistic '" + stat + "'; fix: use p50, p90, p95, p99, p999, max, min, mean or count";
            }
            return null;
        }
        if (!stat.equals("rate") && !stat.equals("count")) {
            return "'" + head + "' takes .rate or .count; fix: e.g. '" + head + ".rate<0.01'";
        }
        if (head.equals("errors") || head.startsWith("errors.") || head.equals("late_frames")
                || head.equals("skipped_frames") || head.equals("underruns") || head.equals("sessions_failed")) {
            return null;
        }
        return "unknown subject '" + head + "'; fix: use a latency (turn, first_audio, connect, tls, ws_handshake, "
                + "ready, http_setup, greeting, barge_in_stop, mutual_silence, send_lag, send_jitter, drift, "
                + "loop_hiccup), errors, errors.<class>, late_frames, "
                + "skipped_frames, underruns or sessions_failed";
    }

    private static Metric metric(String name) {
        for (Metric m : Metric.values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** What a threshold is evaluated against; implementations read one consistent snapshot. */
    public interface Figures {
        /** The histogram of a latency metric, in microseconds. */
        Histogram latencyMicros(Metric metric);

        long endedCalls();

        long failedCalls();

        /** Count of an error class (fatal or not), by wire name. */
        long errors(String errorClass);

        long framesPlanned();

        long lateFrames();

        long skippedFrames();

        long agentAudioMessages();

        long underruns();
    }

    /** The figure the threshold looks at, or NaN when there is none yet. */
    public double value(Figures f) {
        int dot = subject.lastIndexOf('.');
        String head = subject.substring(0, dot);
        String stat = subject.substring(dot + 1);
        Metric metric = metric(head);
        if (metric != null) {
            Histogram h = f.latencyMicros(metric);
            if (stat.equals("count")) {
                return h.getTotalCount();
            }
            if (h.getTotalCount() == 0) {
                return Double.NaN;
            }
            switch (stat) {
                case "max":
                    return h.getMaxValue() / 1000.0;
                case "min":
                    return h.getMinValue() / 1000.0;
                case "mean":
                    return h.getMean() / 1000.0;
                case "p999":
                    return h.getValueAtPercentile(99.9) / 1000.0;
                default:
                    return h.getValueAtPercentile(Double.parseDouble(stat.substring(1))) / 1000.0;
            }
        }
        boolean rate = stat.equals("rate");
        switch (head) {
            case "errors":
                return ratio(f.failedCalls(), f.endedCalls(), rate);
            case "sessions_failed":
                return ratio(f.failedCalls(), f.endedCalls(), rate);
            case "late_frames":
                return ratio(f.lateFrames(), f.framesPlanned(), rate);
            case "skipped_frames":
                return ratio(f.skippedFrames(), f.framesPlanned(), rate);
            case "underruns":
                return ratio(f.underruns(), f.agentAudioMessages(), rate);
            default:
                return ratio(f.errors(head.substring("errors.".length())), f.endedCalls(), rate);
        }
    }

    private static double ratio(long count, long total, boolean rate) {
        if (!rate) {
            return count;
        }
        return total == 0 ? Double.NaN : (double) count / total;
    }

    /** Whether the figure meets the condition (false when there is no figure). */
    public boolean holds(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        switch (op) {
            case "<":
                return value < limit;
            case "<=":
                return value <= limit;
            case ">":
                return value > limit;
            case ">=":
                return value >= limit;
            default:
                return value == limit;
        }
    }

    public String expression() {
        return expression;
    }

    /** A threshold and its outcome. */
    public record Verdict(String expression, double value, boolean ok) {
    }

    public Verdict evaluate(Figures f) {
        double v = value(f);
        return new Verdict(expression, v, holds(v));
    }

    /** Figures from maps, for reports and tests. */
    public static Figures figures(Map<Metric, Histogram> latency, long ended, long failed, Map<String, Long> errors,
                                  long framesPlanned, long late, long skipped, long agentMessages, long underruns) {
        return new Figures() {
            @Override
            public Histogram latencyMicros(Metric metric) {
                return latency.get(metric);
            }

            @Override
            public long endedCalls() {
                return ended;
            }

            @Override
            public long failedCalls() {
                return failed;
            }

            @Override
            public long errors(String errorClass) {
                return errors.getOrDefault(errorClass, 0L);
            }

            @Override
            public long framesPlanned() {
                return framesPlanned;
            }

            @Override
            public long lateFrames() {
                return late;
            }

            @Override
            public long skippedFrames() {
                return skipped;
            }

            @Override
            public long agentAudioMessages() {
                return agentMessages;
            }

            @Override
            public long underruns() {
                return underruns;
            }
        };
    }

    @Override
    public String toString() {
        return expression;
    }
}
