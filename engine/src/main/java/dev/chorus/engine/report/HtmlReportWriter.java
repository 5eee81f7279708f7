package dev.chorus.engine.report;

import dev.chorus.engine.Progress;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.html} (CONTRACT §4): the run as pictures, in one self-contained file that opens offline —
 * inline CSS, charts drawn here as inline SVG, no script, no fonts, no links but to {@code sessions/<id>.json}
 * beside it. Every piece of text from the run (call ids, test case names, error messages) is escaped. Stateless;
 * called by the recorder thread.
 *
 * <pre>
 *  header      run id, endpoint, verdict, totals, warnings (stopped, aborted, generator stalled, calls left out)
 *  thresholds  expression, value, ok
 *  errors      bar per class with a count (fatal red, non-fatal amber)
 *  latency     table, then percentile plots of turn, first_audio, connect, ready
 *  pacing      percentile plot of send_lag and send_jitter
 *  over time   sessions (active, completed, failed), calls/s, send lag p99 — one point a second
 *  worst calls failed first, then slowest turns, each linking its session file
 * </pre>
 *
 * The page is also well-formed XML (void elements self-closed, no named entities), so tests and tools can parse it
 * with any XML parser.
 *
 * <p>Percentile plots put the percentile on a log axis of 1/(1-p) — 0%, 90%, 99%, 99.9% equally spaced — as
 * HdrHistogram's percentile distribution output does, so the tail is as visible as the median.
 */
public final class HtmlReportWriter {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};
    private static final Metric[] PLOTTED = {Metric.TURN, Metric.FIRST_AUDIO, Metric.CONNECT, Metric.READY};
    private static final int WIDTH = 560;
    private static final int HEIGHT = 250;
    private static final int LEFT = 62;
    private static final int RIGHT = 28;
    private static final int TOP = 26;
    private static final int BOTTOM = 38;

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;\
            padding:16px 24px;color:#222;background:#fafafa}
            h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
            code{font:13px ui-monospace,Menlo,Consolas,monospace}
            table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #e4e4e4;\
            text-align:left;vertical-align:top}th{background:#f0f0f0}td.n,th.n{text-align:right;\
            font-variant-numeric:tabular-nums}
            .verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
            .pass{background:#2e7d32}.fail{background:#c62828}
            .totals{display:flex;gap:12px;margin:12px 0}.card{background:#fff;border:1px solid #ddd;\
            border-radius:6px;padding:8px 16px;min-width:110px}.card b{display:block;font-size:22px}
            .warn{background:#fff3e0;border-left:4px solid #ef6c00;padding:6px 10px;margin:6px 0}
            .grid{display:flex;flex-wrap:wrap;gap:12px}
            svg.chart{background:#fff;border:1px solid #ddd;border-radius:6px}
            svg text{font:11px system-ui,sans-serif;fill:#444}svg .title{font-size:13px;font-weight:600;fill:#222}
            svg .grid line{stroke:#eee}svg .axis{stroke:#999}
            .msg{max-width:420px;overflow-wrap:anywhere}td code{white-space:nowrap}h1 code{font-size:20px}
            """;

    private HtmlReportWriter() {
    }

    /** Writes {@code dir/report.html} atomically and returns its path. */
    public static Path write(Path dir, RunReport report) throws IOException {
        return Markup.writeAtomically(dir, "report.html", out -> out.write(render(report)));
    }

    /** The whole page. */
    static String render(RunReport r) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>Chorus run ").append(esc(r.runId())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        header(b, r);
        thresholds(b, r);
        errors(b, r);
        latency(b, r);
        conversation(b, r);
        pacing(b, r);
        overTime(b, r);
        worstCalls(b, r);
        b.append("<footer><p>Written by Chorus. Self-contained: opens without network. Details: ")
                .append("<code>report.json</code>, <code>calls.csv</code>, <code>junit.xml</code>, ")
                .append("<code>histograms.hlog</code>, <code>sessions/</code>.</p></footer>\n</body>\n</html>\n");
        return b.toString();
    }

    // ------------------------------------------------------------------ sections

    private static void header(StringBuilder b, RunReport r) {
        b.append("<header>\n<h1>Chorus run <code>").append(esc(r.runId())).append("</code> ")
                .append(r.succeeded() ? "<span class=\"verdict pass\">passed</span>"
                        : "<span class=\"verdict fail\">failed</span>").append("</h1>\n<table>\n");
        row(b, "test set", r.testSetName());
        row(b, "endpoint", r.endpoint());
        row(b, "transport", r.transport() + ", TLS " + r.tlsProvider());
        row(b, "started at", Instant.ofEpochMilli(r.startEpochMillis()).toString());
        row(b, "duration", String.format(Locale.ROOT, "%.1f s", r.durationMillis() / 1000.0));
        row(b, "load", r.profile() + " (concurrency " + r.concurrency() + ")");
        b.append("</table>\n<div class=\"totals\">\n");
        card(b, "started", r.started());
        card(b, "completed", r.completed());
        card(b, "failed", r.failed());
        card(b, "stopped", r.stoppedCalls());
        long errorsTotal = 0;
        for (long v : r.errors().values()) {
            errorsTotal += v;
        }
        card(b, "errors", errorsTotal);
        b.append("</div>\n");
        if (r.stopped()) {
            warn(b, "The run was stopped before its plan ended.");
        }
        if (r.abortedBy() != null) {
            warn(b, "Aborted by threshold " + r.abortedBy() + ".");
        }
        if (ReportWriter.generatorStalled(r)) {
            Histogram h = r.latencyMicros().get(Metric.LOOP_HICCUP);
            warn(b, String.format(Locale.ROOT, "Chorus's own event loops stalled (hiccup p99 %.1f ms, max %.1f ms): "
                            + "late frames and long turns may be the generator's, not the agent's.",
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0));
        }
        long leftOut = JunitXmlWriter.leftOut(r);
        if (leftOut > 0) {
            warn(b, leftOut + " of " + r.started() + " calls are not in the worst-calls table, calls.csv or "
                    + "junit.xml (" + r.sessions().size() + " kept in memory); every call has its file in "
                    + "sessions/, and all figures here count every call.");
        }
        b.append("</header>\n");
    }

    private static void thresholds(StringBuilder b, RunReport r) {
        if (r.thresholds().isEmpty()) {
            return;
        }
        b.append("<section>\n<h2>Thresholds</h2>\n<table>\n<tr><th>expression</th><th class=\"n\">value</th>")
                .append("<th>verdict</th></tr>\n");
        for (Threshold.Verdict v : r.thresholds()) {
            b.append("<tr><td><code>").append(esc(v.expression())).append("</code></td><td class=\"n\">")
                    .append(Double.isNaN(v.value()) ? "no data" : String.format(Locale.ROOT, "%.4g", v.value()))
                    .append("</td><td>").append(v.ok() ? "<span class=\"verdict pass\">ok</span>"
                            : "<span class=\"verdict fail\">fail</span>").append("</td></tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    private static void errors(StringBuilder b, RunReport r) {
        List<Map.Entry<String, Long>> nonZero = new ArrayList<>();
        for (Map.Entry<String, Long> e : r.errors().entrySet()) {
            if (e.getValue() > 0) {
                nonZero.add(e);
            }
        }
        nonZero.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        b.append("<section>\n<h2>Errors by class</h2>\n");
        if (nonZero.isEmpty()) {
            b.append("<p>No errors.</p>\n</section>\n");
            return;
        }
        b.append(errorBars(nonZero));
        b.append("\n</section>\n");
    }

    private static void latency(StringBuilder b, RunReport r) {
        b.append("<section>\n<h2>Latency (ms)</h2>\n<table>\n<tr><th>metric</th><th class=\"n\">count</th>")
                .append("<th class=\"n\">p50</th><th class=\"n\">p90</th><th class=\"n\">p99</th>")
                .append("<th class=\"n\">p99.9</th><th class=\"n\">max</th><th class=\"n\">mean</th></tr>\n");
        for (Metric m : ReportWriter.LATENCY) {
            latencyRow(b, m.wireName(), r.latencyMicros().get(m));
        }
        latencyRow(b, "send_lag", r.latencyMicros().get(Metric.SEND_LAG));
        latencyRow(b, "send_jitter", r.latencyMicros().get(Metric.SEND_JITTER));
        b.append("</table>\n<div class=\"grid\">\n");
        for (Metric m : PLOTTED) {
            b.append(percentilePlot(m.wireName() + " latency", List.of(m.wireName()),
                    List.of(r.latencyMicros().get(m)))).append('\n');
        }
        b.append("</div>\n</section>\n");
    }

    private static void pacing(StringBuilder b, RunReport r) {
        Map<String, Long> a = r.audio();
        b.append("<section>\n<h2>Pacing</h2>\n<p>")
                .append(a.getOrDefault("frames_sent", 0L)).append(" frames sent, ")
                .append(a.getOrDefault("late_frames", 0L)).append(" late, ")
                .append(a.getOrDefault("skipped_frames", 0L)).append(" skipped; ")
                .append(a.getOrDefault("underruns", 0L)).append(" playback underruns in ")
                .append(a.getOrDefault("agent_audio_messages", 0L)).append(" agent audio messages.</p>\n")
                .append("<div class=\"grid\">\n")
                .append(percentilePlot("send lag distribution", List.of("send_lag", "send_jitter"),
                        List.of(r.latencyMicros().get(Metric.SEND_LAG), r.latencyMicros().get(Metric.SEND_JITTER))))
                .append("\n</div>\n</section>\n");
    }

    private static void conversation(StringBuilder b, RunReport r) {
        Map<String, Long> a = r.audio();
        double ratio = ReportWriter.talkRatio(a);
        b.append("<section>\n<h2>Conversation</h2>\n<p>")
                .append(a.getOrDefault("caller_interruptions", 0L)).append(" barge-ins (the caller interrupting the ")
                .append("agent), ").append(a.getOrDefault("agent_interruptions", 0L))
                .append(" times the agent interrupted the caller; agent speech ")
                .append(String.format(Locale.ROOT, "%.1f s, caller speech %.1f s, talk ratio %s",
                        a.getOrDefault("agent_speech_ms", 0L) / 1000.0, a.getOrDefault("caller_speech_ms", 0L) / 1000.0,
                        Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio)))
                .append(". Agent stop time after a barge-in and each call's longest mutual silence are in the latency ")
                .append("table (<code>barge_in_stop</code>, <code>mutual_silence</code>).</p>\n</section>\n");
    }

    private static void overTime(StringBuilder b, RunReport r) {
        List<Progress> t = r.timeline();
        int n = t.size();
        double[] x = new double[n];
        double[] active = new double[n];
        double[] completed = new double[n];
        double[] failed = new double[n];
        double[] rate = new double[n];
        double[] lag = new double[n];
        for (int i = 0; i < n; i++) {
            Progress p = t.get(i);
            x[i] = p.elapsedMillis() / 1000.0;
            active[i] = p.active();
            completed[i] = p.completed();
            failed[i] = p.failed();
            rate[i] = p.callsPerSecond();
            lag[i] = p.sendLagP99Millis();
        }
        b.append("<section>\n<h2>Over time</h2>\n<div class=\"grid\">\n")
                .append(linePlot("sessions", "calls", x, List.of("active", "completed", "failed"),
                        List.of(active, completed, failed))).append('\n')
                .append(linePlot("calls/s (ended)", "calls/s", x, List.of("calls/s"), List.of(rate))).append('\n')
                .append(linePlot("send lag p99 per second", "ms", x, List.of("send_lag p99"), List.of(lag)))
                .append("\n</div>\n</section>\n");
    }

    private static void worstCalls(StringBuilder b, RunReport r) {
        List<SessionResult> worst = ReportWriter.worst(r.sessions());
        b.append("<section>\n<h2>Worst calls</h2>\n");
        if (worst.isEmpty()) {
            b.append("<p>No calls ended.</p>\n</section>\n");
            return;
        }
        b.append("<table>\n<tr><th>call</th><th>test case</th><th>status</th><th>error class</th>")
                .append("<th>message</th><th class=\"n\">duration ms</th><th class=\"n\">turns</th>")
                .append("<th class=\"n\">turn max ms</th></tr>\n");
        for (SessionResult s : worst) {
            b.append("<tr><td><a href=\"sessions/").append(esc(Markup.urlSegment(s.callId()))).append(".json\"><code>")
                    .append(esc(s.callId())).append("</code></a></td><td>").append(esc(s.testCaseId()))
                    .append("</td><td>").append(SessionFileWriter.status(s)).append("</td><td>")
                    .append(s.errorClass() == null ? "" : s.errorClass().wireName()).append("</td><td class=\"msg\">")
                    .append(esc(s.errorMessage())).append("</td><td class=\"n\">")
                    .append(Markup.millis(s.durationMillis())).append("</td><td class=\"n\">")
                    .append(s.turnMillis().size()).append("</td><td class=\"n\">")
                    .append(Markup.millis(ReportWriter.maxTurn(s))).append("</td></tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    // ------------------------------------------------------------------ charts

    /**
     * Percentile distribution of one or more histograms (microseconds, drawn in ms): x = log10(1/(1-p)), so 0%, 90%,
     * 99%, 99.9% … are equally spaced; the axis runs to the highest percentile the largest count resolves.
     */
    static String percentilePlot(String title, List<String> names, List<Histogram> histograms) {
        long maxCount = 0;
        double maxMillis = 0;
        for (Histogram h : histograms) {
            maxCount = Math.max(maxCount, h.getTotalCount());
            if (h.getTotalCount() > 0) {
                maxMillis = Math.max(maxMillis, h.getMaxValue() / 1000.0);
            }
        }
        if (maxCount == 0) {
            return emptyPlot(title);
        }
        double xMax = Math.max(2, Math.min(6, Math.ceil(Math.log10(maxCount))));
        Plot p = new Plot(title, 0, xMax, niceCeil(maxMillis), "ms");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= xMax; i++) {
            p.xTick(i, labels[i]);
        }
        p.xTick(Math.log10(2), "50%");
        for (int s = 0; s < histograms.size(); s++) {
            Histogram h = histograms.get(s);
            if (h.getTotalCount() == 0) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                double q = v.getPercentileLevelIteratedTo() / 100.0;
                double x = q >= 1 ? xMax : Math.min(xMax, -Math.log10(1 - q));
                points.add(new double[] {x, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0});
            }
            p.series(names.get(s), points, COLORS[s % COLORS.length]);
        }
        return p.end("percentile");
    }

    /** Lines over the run's elapsed seconds; NaN values break nothing, they are left out. */
    static String linePlot(String title, String unit, double[] x, List<String> names, List<double[]> ys) {
        double yMax = 0;
        boolean any = false;
        for (double[] y : ys) {
            for (double v : y) {
                if (!Double.isNaN(v)) {
                    yMax = Math.max(yMax, v);
                    any = true;
                }
            }
        }
        if (!any || x.length == 0) {
            return emptyPlot(title);
        }
        double xMax = niceCeil(x[x.length - 1]);
        Plot p = new Plot(title, 0, xMax, niceCeil(yMax), unit);
        double step = niceStep(xMax / 6);
        for (double t = 0; t <= xMax + 1e-9; t += step) {
            p.xTick(t, Markup.millis(t));
        }
        for (int s = 0; s < ys.size(); s++) {
            List<double[]> points = new ArrayList<>();
            double[] y = ys.get(s);
            for (int i = 0; i < x.length; i++) {
                if (!Double.isNaN(y[i])) {
                    points.add(new double[] {x[i], y[i]});
                }
            }
            p.series(names.get(s), points, COLORS[s % COLORS.length]);
        }
        return p.end("elapsed s");
    }

    /** Horizontal bars, one per error class; fatal classes red, non-fatal amber. */
    static String errorBars(List<Map.Entry<String, Long>> counts) {
        int barHeight = 20;
        int labelWidth = 170;
        int height = TOP + counts.size() * (barHeight + 6) + 10;
        long max = 1;
        for (Map.Entry<String, Long> e : counts) {
            max = Math.max(max, e.getValue());
        }
        double span = WIDTH - labelWidth - 80;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\"><title>errors by class</title>")
                .append("<text class=\"title\" x=\"8\" y=\"17\">errors by class</text>");
        int y = TOP;
        for (Map.Entry<String, Long> e : counts) {
            double w = Math.max(1, span * e.getValue() / max);
            b.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(y + 14)
                    .append("\" text-anchor=\"end\">").append(esc(e.getKey())).append("</text>")
                    .append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y).append("\" width=\"")
                    .append(fmt(w)).append("\" height=\"").append(barHeight).append("\" fill=\"")
                    .append(fatal(e.getKey()) ? "#c62828" : "#ef6c00").append("\"><title>").append(esc(e.getKey()))
                    .append(": ").append(e.getValue()).append("</title></rect>")
                    .append("<text x=\"").append(fmt(labelWidth + w + 6)).append("\" y=\"").append(y + 14)
                    .append("\">").append(e.getValue()).append("</text>");
            y += barHeight + 6;
        }
        return b.append("</svg>").toString();
    }

    private static boolean fatal(String wireName) {
        try {
            return ErrorClass.fromWireName(wireName).fatal();
        } catch (IllegalArgumentException unknown) {
            return true;
        }
    }

    private static String emptyPlot(String title) {
        return "<svg class=\"chart empty\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + WIDTH
                + "\" height=\"60\" viewBox=\"0 0 " + WIDTH + " 60\"><title>" + esc(title) + "</title>"
                + "<text class=\"title\" x=\"8\" y=\"17\">" + esc(title) + "</text>"
                + "<text x=\"8\" y=\"42\">no data</text></svg>";
    }

    /** One x/y chart being drawn: frame, grid, ticks, series, legend. Not thread-safe (a local builder). */
    private static final class Plot {
        private final StringBuilder b = new StringBuilder(8 * 1024);
        private final StringBuilder legend = new StringBuilder();
        private final double xMin;
        private final double xMax;
        private final double yMax;
        private int legendItems;

        Plot(String title, double xMin, double xMax, double yMax, String yUnit) {
            this.xMin = xMin;
            this.xMax = xMax <= xMin ? xMin + 1 : xMax;
            this.yMax = yMax <= 0 ? 1 : yMax;
            b.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
                    .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                    .append(HEIGHT).append("\"><title>").append(esc(title)).append("</title>")
                    .append("<text class=\"title\" x=\"8\" y=\"17\">").append(esc(title)).append("</text>")
                    .append("<g class=\"grid\">");
            double step = niceStep(this.yMax / 5);
            for (double v = 0; v <= this.yMax + step * 1e-6; v += step) {
                double y = py(v);
                b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                        .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>");
                b.append("<text x=\"").append(LEFT - 5).append("\" y=\"").append(fmt(y + 4))
                        .append("\" text-anchor=\"end\">").append(Markup.millis(v)).append("</text>");
            }
            b.append("</g><text x=\"12\" y=\"").append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
                    .append("\" transform=\"rotate(-90 12 ").append(TOP + (HEIGHT - TOP - BOTTOM) / 2)
                    .append(")\" text-anchor=\"middle\">").append(esc(yUnit)).append("</text>")
                    .append("<path class=\"axis\" fill=\"none\" d=\"M").append(LEFT).append(' ').append(TOP)
                    .append(" V").append(HEIGHT - BOTTOM).append(" H").append(WIDTH - RIGHT).append("\"/>");
        }

        double px(double x) {
            return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - Math.min(y, yMax) / yMax * (HEIGHT - TOP - BOTTOM);
        }

        void xTick(double x, String label) {
            double px = px(x);
            b.append("<path class=\"axis\" d=\"M").append(fmt(px)).append(' ').append(HEIGHT - BOTTOM).append(" v4\"/>")
                    .append("<text x=\"").append(fmt(px)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"middle\">").append(esc(label)).append("</text>");
        }

        void series(String name, List<double[]> points, String color) {
            if (points.isEmpty()) {
                return;
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\" points=\"");
            for (int i = 0; i < points.size(); i++) {
                double[] p = points.get(i);
                b.append(i == 0 ? "" : " ").append(fmt(px(p[0]))).append(',').append(fmt(py(p[1])));
            }
            b.append("\"><title>").append(esc(name)).append("</title></polyline>");
            if (points.size() == 1) {
                // A one-point line is invisible: mark the point.
                double[] p = points.get(0);
                b.append("<circle cx=\"").append(fmt(px(p[0]))).append("\" cy=\"").append(fmt(py(p[1])))
                        .append("\" r=\"3\" fill=\"").append(color).append("\"/>");
            }
            // Left to right after the title's room.
            int x = 210 + 110 * legendItems;
            legend.append("<rect x=\"").append(x).append("\" y=\"8\" width=\"10\" height=\"10\" fill=\"").append(color)
                    .append("\"/><text x=\"").append(x + 14).append("\" y=\"17\">").append(esc(name)).append("</text>");
            legendItems++;
        }

        String end(String xLabel) {
            return b.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 4)
                    .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>").append(legend)
                    .append("</svg>").toString();
        }
    }

    /** An axis end: the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above {@code v} (1 if v ≤ 0). */
    static double niceCeil(double v) {
        return nice(v, new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10});
    }

    /** A tick step: the smallest of 1, 2, 2.5, 5 × 10^k at or above {@code v}. */
    static double niceStep(double v) {
        return nice(v, new double[] {1, 2, 2.5, 5, 10});
    }

    private static double nice(double v, double[] mantissas) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : mantissas) {
            if (m * magnitude >= v * (1 - 1e-9)) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    // ------------------------------------------------------------------ text

    private static void row(StringBuilder b, String key, String value) {
        b.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void card(StringBuilder b, String name, long value) {
        b.append("<div class=\"card\"><b>").append(value).append("</b>").append(esc(name)).append("</div>\n");
    }

    private static void warn(StringBuilder b, String text) {
        b.append("<p class=\"warn\">").append(esc(text)).append("</p>\n");
    }

    private static void latencyRow(StringBuilder b, String name, Histogram h) {
        long n = h.getTotalCount();
        b.append("<tr><td><code>").append(esc(name)).append("</code></td><td class=\"n\">").append(n).append("</td>");
        for (double q : new double[] {50, 90, 99, 99.9}) {
            b.append("<td class=\"n\">").append(n == 0 ? "" : Markup.millis(h.getValueAtPercentile(q) / 1000.0))
                    .append("</td>");
        }
        b.append("<td class=\"n\">").append(n == 0 ? "" : Markup.millis(h.getMaxValue() / 1000.0))
                .append("</td><td class=\"n\">").append(n == 0 ? "" : Markup.millis(h.getMean() / 1000.0))
                .append("</td></tr>\n");
    }

    private static String esc(String s) {
        return Markup.escape(s);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
