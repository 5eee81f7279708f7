package dev.chorus.engine.report;

import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;

/** The end-of-run summary for a terminal. Stateless. */
public final class Summary {
    private Summary() {
    }

    public static String of(RunReport r) {
        StringBuilder b = new StringBuilder(1024);
        b.append(String.format(Locale.ROOT, "Chorus run %s against %s (%s, %s)%n", r.runId(), r.endpoint(),
                r.transport(), r.tlsProvider()));
        b.append(String.format(Locale.ROOT, "calls: %d started, %d completed, %d failed%s in %.1f s%s%n",
                r.started(), r.completed(), r.failed(),
                r.stoppedCalls() > 0 ? ", " + r.stoppedCalls() + " stopped" : "", r.durationMillis() / 1000.0,
                r.stopped() ? " (stopped early)" : ""));
        StringBuilder errors = new StringBuilder();
        for (Map.Entry<String, Long> e : r.errors().entrySet()) {
            if (e.getValue() > 0) {
                errors.append(errors.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            }
        }
        b.append("errors: ").append(errors.length() == 0 ? "none" : errors).append(System.lineSeparator());
        b.append(String.format(Locale.ROOT, "%-14s %7s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p90",
                "p99", "max"));
        for (Metric m : ReportWriter.LATENCY) {
            Histogram h = r.latencyMicros().get(m);
            if (h.getTotalCount() == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "  %-12s %7d %9.1f %9.1f %9.1f %9.1f%n", m.wireName(),
                    h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0));
        }
        Histogram lag = r.latencyMicros().get(Metric.SEND_LAG);
        Histogram jitter = r.latencyMicros().get(Metric.SEND_JITTER);
        long skipped = r.audio().getOrDefault("skipped_frames", 0L);
        b.append(String.format(Locale.ROOT, "pacing: %d frames sent, %d late%s; send lag p99 %.2f ms, "
                        + "jitter p99 %.2f ms%n", r.audio().getOrDefault("frames_sent", 0L),
                r.audio().getOrDefault("late_frames", 0L), skipped > 0 ? ", " + skipped + " skipped" : "",
                lag.getTotalCount() == 0 ? 0.0 : lag.getValueAtPercentile(99) / 1000.0,
                jitter.getTotalCount() == 0 ? 0.0 : jitter.getValueAtPercentile(99) / 1000.0));
        b.append(String.format(Locale.ROOT, "audio: %.1f s sent, %.1f s received in %d messages, %d underruns%n",
                r.audio().getOrDefault("caller_audio_ms", 0L) / 1000.0,
                r.audio().getOrDefault("agent_audio_ms", 0L) / 1000.0,
                r.audio().getOrDefault("agent_audio_messages", 0L), r.audio().getOrDefault("underruns", 0L)));
        Map<String, Long> a = r.audio();
        if (a.getOrDefault("caller_speech_ms", 0L) > 0 || a.getOrDefault("agent_speech_ms", 0L) > 0) {
            double ratio = ReportWriter.talkRatio(a);
            b.append(String.format(Locale.ROOT, "conversation: %d barge-ins, %d agent interruptions, talk ratio %s "
                            + "(agent %.1f s / caller %.1f s)%n", a.getOrDefault("caller_interruptions", 0L),
                    a.getOrDefault("agent_interruptions", 0L),
                    Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio),
                    a.getOrDefault("agent_speech_ms", 0L) / 1000.0, a.getOrDefault("caller_speech_ms", 0L) / 1000.0));
        }
        if (ReportWriter.generatorStalled(r)) {
            Histogram h = r.latencyMicros().get(Metric.LOOP_HICCUP);
            b.append(String.format(Locale.ROOT, "warning: Chorus's own event loops stalled (hiccup p99 %.1f ms, max "
                            + "%.1f ms): late frames and long turns may be the generator's, not the agent's%n",
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0));
        }
        long dropped = r.audio().getOrDefault("dropped_arrivals", 0L);
        if (dropped > 0) {
            b.append("arrivals: ").append(dropped).append(" dropped (max concurrency reached)")
                    .append(System.lineSeparator());
        }
        for (Threshold.Verdict v : r.thresholds()) {
            b.append(String.format(Locale.ROOT, "threshold %-28s %s (%s)%n", v.expression(), v.ok() ? "ok  " : "FAIL",
                    Double.isNaN(v.value()) ? "no data" : String.format(Locale.ROOT, "%.4g", v.value())));
        }
        if (r.abortedBy() != null) {
            b.append("aborted: threshold ").append(r.abortedBy()).append(" failed").append(System.lineSeparator());
        }
        if (r.outDir() != null) {
            b.append("report: ").append(r.outDir().resolve("report.json")).append("  (sessions in ")
                    .append(r.outDir().resolve("sessions")).append(')').append(System.lineSeparator());
        }
        return b.toString();
    }
}
