package dev.chorus.bench.load;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The load benchmark's table: reads {@code <tool>-<N>/run.properties} (written by {@code run.sh}: CPU, RSS, the
 * steady window) and {@code target.properties} (written by {@link LoadTarget}) under a results folder and prints a
 * Markdown table, then the largest N per tool within target. Usage: {@code LoadReport RESULTS_DIR}.
 */
public final class LoadReport {
    /** Within target: arrival-gap deviation p99 and p99.9, drift p99, delivered share, and no error at all. */
    static final double MAX_GAP_P99_MS = 2;
    static final double MAX_GAP_P999_MS = 10;
    static final double MAX_DRIFT_P99_MS = 20;
    static final double MIN_DELIVERED_PERCENT = 99.9;
    private static final int FRAMES_PER_SECOND_PER_STREAM = 50;
    /** {@code [11.540s][info][gc] GC(0) Pause Young (Allocation Failure) 95M->14M(362M) 53.077ms} */
    private static final Pattern GC_PAUSE = Pattern.compile("\\bPause\\b.* (\\d+(?:\\.\\d+)?)ms$");

    private LoadReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: LoadReport RESULTS_DIR");
            System.exit(2);
        }
        System.out.print(render(Path.of(args[0])));
    }

    record Row(String tool, int n, double framesPerSecond, double expectedPerSecond, double deliveredPercent,
               double genCpuPercent, double userMicrosPerFrame, double kernelMicrosPerFrame, double rssMb,
               double kbPerStream, double heapKbPerStream, double gapP99, double gapP999, double driftP99,
               double driftMax, long errors, String errorDetail, double targetCpuPercent, int gcPauses, double gcMaxPauseMs, int targetGcPauses,
               double targetGcMaxPauseMs, double stealMillisPerSecond, boolean within) {
    }

    static String render(Path dir) throws IOException {
        Map<String, Properties> baselines = new LinkedHashMap<>();
        List<Path> runs = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(p -> Files.exists(p.resolve("run.properties"))).sorted().forEach(runs::add);
        }
        for (Path p : runs) {
            if (p.getFileName().toString().endsWith("-baseline")) {
                Properties run = load(p.resolve("run.properties"));
                baselines.put(run.getProperty("tool"), run);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Path p : runs) {
            if (!p.getFileName().toString().endsWith("-baseline")) {
                Properties run = load(p.resolve("run.properties"));
                rows.add(row(run, loadIfExists(p.resolve("target.properties")),
                        baselines.getOrDefault(run.getProperty("tool"), new Properties()),
                        p.resolve("generator-gc.log"), p.resolve("target-gc.log")));
            }
        }
        rows.sort(Comparator.comparing(Row::tool).thenComparingInt(Row::n));

        StringBuilder sb = new StringBuilder();
        sb.append("| tool | N | frames/s delivered | expected | delivered % | gen CPU % | µs/frame user "
                + "| µs/frame kernel | RSS MB | KB/stream | heap KB/stream | gap p99 ms | gap p99.9 ms | drift p99 ms "
                + "| drift max ms "
                + "| errors | target CPU % | GC pauses | GC max ms | target GC pauses | target GC max ms | steal ms/s | within |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f | %.0f | %.1f | %.1f | %.0f | %.1f "
                            + "| %s | %.2f | %.2f | %.2f | %.2f | %s | %.0f | %d | %.1f | %d | %.1f | %.1f | %s |%n", r.tool(), r.n(),
                    r.framesPerSecond(), r.expectedPerSecond(), r.deliveredPercent(), r.genCpuPercent(),
                    r.userMicrosPerFrame(), r.kernelMicrosPerFrame(), r.rssMb(), r.kbPerStream(),
                    Double.isNaN(r.heapKbPerStream()) ? "-" : String.format(Locale.ROOT, "%.1f", r.heapKbPerStream()),
                    r.gapP99(),
                    r.gapP999(), r.driftP99(), r.driftMax(), r.errors() == 0 ? "0" : r.errors() + " (" + r.errorDetail() + ")",
                    r.targetCpuPercent(), r.gcPauses(), r.gcMaxPauseMs(), r.targetGcPauses(), r.targetGcMaxPauseMs(),
                    r.stealMillisPerSecond(), r.within() ? "yes" : "no"));
        }
        sb.append('\n');
        Map<String, Integer> best = new LinkedHashMap<>();
        Map<String, Integer> firstMiss = new LinkedHashMap<>();
        for (Row r : rows) {
            best.putIfAbsent(r.tool(), 0);
            if (r.within() && !firstMiss.containsKey(r.tool())) {
                best.put(r.tool(), r.n());
            } else if (!r.within()) {
                firstMiss.putIfAbsent(r.tool(), r.n());
            }
        }
        sb.append(String.format(Locale.ROOT, "Max streams per core within target (gap p99 <= %.0f ms, "
                + "p99.9 <= %.0f ms, drift p99 <= %.0f ms, >= %.1f %% delivered, no errors), "
                + "largest N before the first miss:%n",
                MAX_GAP_P99_MS, MAX_GAP_P999_MS, MAX_DRIFT_P99_MS, MIN_DELIVERED_PERCENT));
        best.forEach((tool, n) -> sb.append(String.format(Locale.ROOT, "- %s: %s%s%n", tool,
                n == 0 ? "none of the N tried" : n,
                firstMiss.containsKey(tool) ? " (first miss at N=" + firstMiss.get(tool) + ")" : " (all N tried)")));
        return sb.toString();
    }

    private static long kb(Properties p, String key) {
        return Long.parseLong(p.getProperty(key, "0"));
    }

    /** One table row; {@code baseline} is the same tool's one-stream run (empty when there is none). */
    private static Row row(Properties run, Properties target, Properties baseline, Path gcLog, Path targetGcLog)
            throws IOException {
        String tool = run.getProperty("tool");
        int n = Integer.parseInt(run.getProperty("n"));
        double windowSeconds = Double.parseDouble(run.getProperty("window_ms", "0")) / 1000.0;
        long frames = Long.parseLong(run.getProperty("window_frames", "0"));
        double tick = 1e6 / Double.parseDouble(run.getProperty("clk_tck", "100"));
        double userMicros = Long.parseLong(run.getProperty("gen_utime_ticks", "0")) * tick;
        double kernelMicros = Long.parseLong(run.getProperty("gen_stime_ticks", "0")) * tick;
        double targetMicros = (Long.parseLong(run.getProperty("target_utime_ticks", "0"))
                + Long.parseLong(run.getProperty("target_stime_ticks", "0"))) * tick;
        long rssKb = kb(run, "gen_rss_kb");
        // Per stream from the trimmed RSS (glibc's freed pages handed back) when the run and its baseline have it.
        boolean trimmed = kb(run, "gen_rss_trimmed_kb") > 0 && kb(baseline, "gen_rss_trimmed_kb") > 0;
        String rssKey = trimmed ? "gen_rss_trimmed_kb" : "gen_rss_kb";
        long streamsKb = kb(run, rssKey);
        long baseKb = kb(baseline, rssKey);
        long heapKb = kb(run, "gen_heap_live_kb");
        long baseHeapKb = kb(baseline, "gen_heap_live_kb");
        double heapKbPerStream = heapKb > 0 && baseHeapKb > 0 ? (heapKb - baseHeapKb) / (double) n : Double.NaN;
        double delivered = 100.0 * number(target, "delivered_ratio");

        long errors = 0;
        StringBuilder detail = new StringBuilder();
        long targetErrors = (long) number(target, "errors_total");
        if (targetErrors > 0) {
            errors += targetErrors;
            detail.append("target ").append(target.getProperty("errors"));
        }
        String genErrors = run.getProperty("gen_errors", "unknown");
        long gen = genErrors.matches("\\d+") ? Long.parseLong(genErrors) : 1;
        if (gen > 0) {
            errors += gen;
            detail.append(detail.length() == 0 ? "" : "; ").append("generator ").append(genErrors);
        }
        long missing = n - (long) number(target, "streams_with_audio");
        if (missing > 0) {
            errors += missing;
            detail.append(detail.length() == 0 ? "" : "; ").append(missing).append(" streams missing");
        }
        double[] gc = gcPauses(gcLog);
        double[] targetGc = gcPauses(targetGcLog);
        boolean windowOk = "1".equals(run.getProperty("window_ok")) && windowSeconds > 0;
        double gapP99 = number(target, "gap_dev_p99_ms");
        double gapP999 = number(target, "gap_dev_p999_ms");
        double driftP99 = number(target, "drift_p99_ms");
        boolean within = windowOk && errors == 0 && gapP99 <= MAX_GAP_P99_MS && gapP999 <= MAX_GAP_P999_MS
                && driftP99 <= MAX_DRIFT_P99_MS && delivered >= MIN_DELIVERED_PERCENT;
        return new Row(tool, n, windowOk ? frames / windowSeconds : 0, (double) n * FRAMES_PER_SECOND_PER_STREAM,
                delivered, windowOk ? 100.0 * (userMicros + kernelMicros) / 1e6 / windowSeconds : 0,
                frames > 0 ? userMicros / frames : 0, frames > 0 ? kernelMicros / frames : 0, rssKb / 1024.0,
                (streamsKb - baseKb) / (double) n, heapKbPerStream, gapP99, gapP999, driftP99,
                number(target, "drift_max_ms"), errors,
                detail.toString(), windowOk ? 100.0 * targetMicros / 1e6 / windowSeconds : 0, (int) gc[0], gc[1],
                (int) targetGc[0], targetGc[1],
                windowOk ? Long.parseLong(run.getProperty("steal_ticks", "0")) * tick / 1000.0 / windowSeconds : 0,
                within);
    }

    /** Count and longest GC pauses of a JVM (generator or sink) over its whole run, from {@code -Xlog:gc} lines. */
    private static double[] gcPauses(Path gcLog) throws IOException {
        double[] countAndMax = {0, 0};
        if (!Files.exists(gcLog)) {
            return countAndMax;
        }
        for (String line : Files.readAllLines(gcLog)) {
            if (line.contains("Heap Inspection")) {
                continue; // run.sh's own full GC for the live heap, after the window
            }
            Matcher m = GC_PAUSE.matcher(line);
            if (m.find()) {
                countAndMax[0]++;
                countAndMax[1] = Math.max(countAndMax[1], Double.parseDouble(m.group(1)));
            }
        }
        return countAndMax;
    }

    private static double number(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    private static Properties loadIfExists(Path file) throws IOException {
        return Files.exists(file) ? load(file) : new Properties();
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }
}
