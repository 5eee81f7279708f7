package dev.chorus.engine.report;

import dev.chorus.engine.Progress;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.config.JsonTree;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the result folders of several shards of one load ({@code chorus run --out} on N machines or pods) into one
 * result folder of the same shape, exactly: latency histograms are added bucket by bucket from each shard's
 * {@code histograms.hlog} (never percentiles averaged), counts are summed from each {@code report.json}, session
 * files are linked (or copied across file systems) and thresholds are evaluated on the merged figures.
 *
 * <pre>
 *  shard-0/ report.json  histograms.hlog  sessions/*.json ─┐
 *  shard-1/ report.json  histograms.hlog  sessions/*.json ─┼─> out/ report.json  histograms.hlog  sessions/*.json
 *  shard-N/ ...                                            ─┘      (counts summed, histograms added per tag,
 *                                                                   intervals added per wall-clock second)
 * </pre>
 *
 * The merged {@code histograms.hlog} holds, for each metric, one histogram per wall-clock second: the sum of every
 * shard interval that started in that second (shards log ~1 s intervals from their own start, so synchronise the
 * shards' clocks, e.g. chrony, and their start, {@code --start-at}). Its totals equal the report's.
 *
 * <p>{@code worst_calls} of the merged report are the worst of the shards' {@code worst_calls} (failed first, then
 * slowest turn), which contain the worst of all calls. Stateless and thread-safe; usable as a library.
 */
public final class ShardMerger {
    private static final int DIGITS = 3;

    private ShardMerger() {
    }

    /**
     * Merges {@code shards} into {@code outDir} (created if needed; an earlier report and session files of the same
     * names are replaced) and returns the merged report, its thresholds evaluated on the merged figures.
     *
     * @throws ShardException naming the folder when a shard is missing, unreadable or not a Chorus result folder
     * @throws IOException    when {@code outDir} cannot be written
     */
    public static RunReport merge(List<Path> shards, Path outDir, List<Threshold> thresholds) throws IOException {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shard folders; fix: give one or more folders written by "
                    + "chorus run --out");
        }
        List<Shard> read = new ArrayList<>();
        for (Path dir : shards) {
            if (Files.exists(outDir) && Files.exists(dir) && Files.isSameFile(dir, outDir)) {
                throw new ShardException(dir, "is also the --out folder; fix: merge into a new folder", null);
            }
            read.add(readShard(dir));
        }
        Files.createDirectories(outDir.resolve("sessions"));
        Map<String, String> renamed = linkSessions(read, outDir.resolve("sessions"));

        long startEpochMillis = Long.MAX_VALUE;
        long endEpochMillis = Long.MIN_VALUE;
        long started = 0;
        long completed = 0;
        long failed = 0;
        long stoppedCalls = 0;
        int concurrency = 0;
        boolean stopped = false;
        String abortedBy = null;
        Map<String, Long> errors = new TreeMap<>();
        Map<String, Long> audio = new LinkedHashMap<>();
        List<SessionResult> worst = new ArrayList<>();
        for (Shard s : read) {
            startEpochMillis = Math.min(startEpochMillis, s.startEpochMillis);
            endEpochMillis = Math.max(endEpochMillis, s.startEpochMillis + s.durationMillis);
            started += s.count("sessions.started");
            completed += s.count("sessions.completed");
            failed += s.count("sessions.failed");
            stoppedCalls += s.count("sessions.stopped");
            concurrency += (int) s.optionalCount("concurrency");
            stopped |= Boolean.TRUE.equals(JsonTree.at(s.report, "stopped"));
            if (abortedBy == null && JsonTree.at(s.report, "aborted_by") instanceof String) {
                abortedBy = s.dir + ": " + JsonTree.at(s.report, "aborted_by");
            }
            sum(errors, s.object("errors"));
            sum(audio, s.object("audio"));
            sum(audio, s.object("conversation"));
            worst.addAll(s.worstCalls(renamed));
        }
        for (ErrorClass c : ErrorClass.values()) {
            errors.putIfAbsent(c.wireName(), 0L);
        }
        Map<Metric, Histogram> latency = mergeHistogramLogs(read, outDir.resolve("histograms.hlog"), startEpochMillis);

        Threshold.Figures figures = Threshold.figures(latency, completed + failed, failed, errors,
                audio.getOrDefault("frames_sent", 0L) + audio.getOrDefault("skipped_frames", 0L),
                audio.getOrDefault("late_frames", 0L), audio.getOrDefault("skipped_frames", 0L),
                audio.getOrDefault("agent_audio_messages", 0L), audio.getOrDefault("underruns", 0L));
        List<Threshold.Verdict> verdicts = new ArrayList<>();
        for (Threshold t : thresholds) {
            verdicts.add(t.evaluate(figures));
        }
        RunReport report = new RunReport("merged-" + read.get(0).text("run_id") + (read.size() > 1
                ? "+" + (read.size() - 1) : ""), joined(read, "test_set"), joined(read, "endpoint"),
                joined(read, "transport"), joined(read, "tls_provider"), startEpochMillis,
                endEpochMillis - startEpochMillis, concurrency, started, completed, failed, stoppedCalls,
                Collections.unmodifiableMap(errors), latency, Collections.unmodifiableMap(audio),
                Collections.unmodifiableList(ReportWriter.worst(worst)), stopped, outDir, List.copyOf(verdicts),
                abortedBy, read.size() + " shards: " + joined(read, "load_profile"),
                mergedTimeline(read, startEpochMillis));
        ReportWriter.write(outDir, report);
        TimelineCsv.write(outDir, report.timeline());
        HtmlReportWriter.write(outDir, report);
        return report;
    }

    /** The shards' {@code timeline.csv} on one wall clock (see {@link TimelineCsv#merge}). */
    private static List<Progress> mergedTimeline(List<Shard> shards, long startEpochMillis) throws ShardException {
        List<List<Progress>> timelines = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        for (Shard s : shards) {
            try {
                timelines.add(TimelineCsv.read(s.dir.resolve("timeline.csv")));
            } catch (IOException e) {
                throw new ShardException(s.dir, e.getMessage() + "; fix: " + RERUN, e);
            }
            starts.add(s.startEpochMillis);
        }
        return Collections.unmodifiableList(TimelineCsv.merge(timelines, starts, startEpochMillis));
    }

    /** One shard's report tree and interval histograms, read and checked. */
    private static final class Shard {
        final Path dir;
        final Object report;
        final long startEpochMillis;
        final long durationMillis;

        Shard(Path dir, Object report) throws ShardException {
            this.dir = dir;
            this.report = report;
            try {
                this.startEpochMillis = Instant.parse(text("started_at")).toEpochMilli();
            } catch (RuntimeException e) {
                throw new ShardException(dir, "report.json has no valid started_at; fix: " + RERUN, e);
            }
            this.durationMillis = count("duration_ms");
        }

        String text(String path) {
            Object v = JsonTree.at(report, path);
            return v == null ? "" : v.toString();
        }

        long count(String path) throws ShardException {
            Object v = JsonTree.at(report, path);
            if (!(v instanceof Long)) {
                throw new ShardException(dir, "report.json has no whole number at " + path + "; fix: " + RERUN, null);
            }
            return (Long) v;
        }

        long optionalCount(String path) {
            Object v = JsonTree.at(report, path);
            return v instanceof Long ? (Long) v : 0;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String path) throws ShardException {
            Object v = JsonTree.at(report, path);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map)) {
                throw new ShardException(dir, "report.json: " + path + " is not an object; fix: " + RERUN, null);
            }
            return (Map<String, Object>) v;
        }

        /** The shard's worst_calls as results carrying what ReportWriter ranks and prints. */
        @SuppressWarnings("unchecked")
        List<SessionResult> worstCalls(Map<String, String> renamed) {
            List<SessionResult> out = new ArrayList<>();
            Object list = JsonTree.at(report, "worst_calls");
            if (!(list instanceof List)) {
                return out;
            }
            for (Object o : (List<Object>) list) {
                if (!(o instanceof Map)) {
                    continue;
                }
                Map<String, Object> w = (Map<String, Object>) o;
                String callId = String.valueOf(w.get("call_id"));
                callId = renamed.getOrDefault(dir + "/" + callId, callId);
                String status = String.valueOf(w.get("status"));
                ErrorClass error = w.get("error_class") instanceof String
                        ? ErrorClass.fromWireName((String) w.get("error_class")) : null;
                List<Double> turn = w.get("turn_max_ms") instanceof Number
                        ? List.of(((Number) w.get("turn_max_ms")).doubleValue()) : List.of();
                out.add(new SessionResult(callId, String.valueOf(w.get("test_case")), status.equals("completed"),
                        status.equals("failed") ? error : null, (String) w.get("error_message"), null, null, 0,
                        Double.NaN, Map.of(), turn, List.of(), Map.of(), Map.of(), List.of()));
            }
            return out;
        }
    }

    private static final String RERUN = "point at a folder written by chorus run --out (report.json, "
            + "histograms.hlog, sessions/), or run that shard again";

    private static Shard readShard(Path dir) throws ShardException {
        if (!Files.isDirectory(dir)) {
            throw new ShardException(dir, "no such folder; fix: " + RERUN, null);
        }
        Path reportFile = dir.resolve("report.json");
        Object report;
        try {
            report = JsonTree.parse(Files.readString(reportFile, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new ShardException(dir, "cannot read report.json (" + e.getMessage() + "); fix: " + RERUN
                    + " (a shard still running has no report.json yet: wait for it)", e);
        }
        if (!(report instanceof Map)) {
            throw new ShardException(dir, "report.json is not a JSON object; fix: " + RERUN, null);
        }
        if (!Files.isReadable(dir.resolve("histograms.hlog"))) {
            throw new ShardException(dir, "no readable histograms.hlog; fix: " + RERUN, null);
        }
        return new Shard(dir, report);
    }

    /**
     * Hard-links (else copies) every {@code sessions/*.json} of every shard into {@code target}. A name already taken
     * by an earlier shard in this merge gets the shard folder's name as prefix; returns those renames, keyed by
     * {@code shardDir/callId}.
     */
    private static Map<String, String> linkSessions(List<Shard> shards, Path target) throws IOException {
        Map<String, String> renamed = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (Shard s : shards) {
            Path sessions = s.dir.resolve("sessions");
            if (!Files.isDirectory(sessions)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(sessions, "*.json")) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (!taken.add(name)) {
                        String stem = name.substring(0, name.length() - ".json".length());
                        String unique = s.dir.getFileName() + "-" + stem;
                        renamed.put(s.dir + "/" + stem, unique);
                        name = unique + ".json";
                        taken.add(name);
                    }
                    Path to = target.resolve(name);
                    Files.deleteIfExists(to);
                    try {
                        Files.createLink(to, f);
                    } catch (IOException | UnsupportedOperationException crossDevice) {
                        // Not a stub: a hard link fails across file systems (or where links are unsupported), and a
                        // copy is the documented fallback.
                        Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                throw new ShardException(s.dir, "cannot link or copy sessions/ into " + target + " (" + e
                        + "); fix: check both folders are readable and the target writable", e);
            }
        }
        return renamed;
    }

    /**
     * Reads every shard's interval log in step, second by second (each log is in time order), adds each second's
     * intervals per tag into the merged log and every interval into the run totals, which it returns (every
     * {@link Metric} present). Holds one second of histograms at a time, whatever the run's length.
     */
    private static Map<Metric, Histogram> mergeHistogramLogs(List<Shard> shards, Path file, long baseEpochMillis)
            throws IOException {
        Map<Metric, Histogram> totals = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            totals.put(m, new Histogram(DIGITS));
        }
        List<LogCursor> cursors = new ArrayList<>();
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
            for (Shard s : shards) {
                cursors.add(new LogCursor(s));
            }
            HistogramLogWriter w = new HistogramLogWriter(out);
            w.outputComment("Chorus merge of " + shards.size() + " shards: values in microseconds, one histogram per "
                    + "metric (tag) per wall-clock second, the sum of the shards' intervals that started in it");
            w.outputLogFormatVersion();
            w.setBaseTime(baseEpochMillis);
            w.outputStartTime(baseEpochMillis);
            w.outputBaseTime(baseEpochMillis);
            w.outputLegend();
            Map<String, Histogram> second = new TreeMap<>();
            while (true) {
                long now = Long.MAX_VALUE;
                for (LogCursor c : cursors) {
                    if (c.next != null) {
                        now = Math.min(now, c.second());
                    }
                }
                if (now == Long.MAX_VALUE) {
                    break;
                }
                second.clear();
                for (LogCursor c : cursors) {
                    while (c.next != null && c.second() == now) {
                        Histogram interval = c.next;
                        Metric m = metric(interval.getTag());
                        if (m != null) {
                            totals.get(m).add(interval);
                        }
                        Histogram sum = second.get(interval.getTag());
                        if (sum == null) {
                            sum = new Histogram(DIGITS);
                            sum.setTag(interval.getTag());
                            sum.setStartTimeStamp(interval.getStartTimeStamp());
                            sum.setEndTimeStamp(interval.getEndTimeStamp());
                            second.put(interval.getTag(), sum);
                        }
                        sum.add(interval);
                        sum.setStartTimeStamp(Math.min(sum.getStartTimeStamp(), interval.getStartTimeStamp()));
                        sum.setEndTimeStamp(Math.max(sum.getEndTimeStamp(), interval.getEndTimeStamp()));
                        c.advance();
                    }
                }
                for (Histogram h : second.values()) {
                    w.outputIntervalHistogram((h.getStartTimeStamp() - baseEpochMillis) / 1000.0,
                            (h.getEndTimeStamp() - baseEpochMillis) / 1000.0, h, 1000.0);
                }
            }
            if (out.checkError()) {
                throw new IOException("cannot write " + file);
            }
        } finally {
            for (LogCursor c : cursors) {
                c.reader.close();
            }
        }
        return totals;
    }

    /** A shard's interval log and its next interval (null at the end). Not thread-safe. */
    private static final class LogCursor {
        final Shard shard;
        final HistogramLogReader reader;
        Histogram next;

        LogCursor(Shard shard) throws ShardException {
            this.shard = shard;
            try {
                this.reader = new HistogramLogReader(shard.dir.resolve("histograms.hlog").toFile());
            } catch (IOException e) {
                throw new ShardException(shard.dir, "cannot open histograms.hlog (" + e + "); fix: " + RERUN, e);
            }
            advance();
        }

        /** The wall-clock second {@link #next} started in (the reader gives absolute times: the log has BaseTime). */
        long second() {
            return Math.floorDiv(next.getStartTimeStamp(), 1000L);
        }

        void advance() throws ShardException {
            EncodableHistogram h;
            try {
                h = reader.nextIntervalHistogram();
            } catch (RuntimeException e) {
                throw new ShardException(shard.dir, "histograms.hlog is damaged (" + e + "); fix: " + RERUN, e);
            }
            if (h != null && !(h instanceof Histogram)) {
                throw new ShardException(shard.dir, "histograms.hlog: interval tagged " + h.getTag()
                        + " is not an integer histogram; fix: " + RERUN, null);
            }
            next = (Histogram) h;
        }
    }

    private static Metric metric(String tag) {
        for (Metric m : Metric.values()) {
            if (m.wireName().equals(tag)) {
                return m;
            }
        }
        return null;
    }

    private static void sum(Map<String, Long> into, Map<String, Object> from) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            if (e.getValue() instanceof Long) {
                into.merge(e.getKey(), (Long) e.getValue(), Long::sum);
            }
        }
    }

    /** The shards' values of a text field: one when they agree, else the distinct ones joined. */
    private static String joined(List<Shard> shards, String field) {
        Set<String> values = new LinkedHashSet<>();
        for (Shard s : shards) {
            values.add(s.text(field));
        }
        return String.join(" | ", values);
    }
}
