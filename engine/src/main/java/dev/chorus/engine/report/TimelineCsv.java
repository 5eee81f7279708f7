package dev.chorus.engine.report;

import dev.chorus.engine.Progress;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code timeline.csv}: the recorder's progress samples, about one a second ({@link dev.chorus.engine.RunReport#timeline()}),
 * so the "over time" charts survive the run: {@code chorus merge} reads them back from each shard and lines them up on
 * the wall clock. Header row, CRLF, milliseconds; an empty latency field means none yet. Stateless.
 */
public final class TimelineCsv {
    static final String HEADER = "elapsed_ms,active,started,completed,failed,calls_per_s,frames_per_s,late_frames,"
            + "turn_p50_ms,turn_p99_ms,send_lag_p99_ms";
    private static final int FIELDS = HEADER.split(",").length;

    private TimelineCsv() {
    }

    /** Writes {@code dir/timeline.csv} atomically. */
    public static Path write(Path dir, List<Progress> timeline) throws IOException {
        return Markup.writeAtomically(dir, "timeline.csv", out -> write(out, timeline));
    }

    static void write(Writer out, List<Progress> timeline) throws IOException {
        out.write(HEADER);
        out.write("\r\n");
        for (Progress p : timeline) {
            out.write(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%s,%s,%d,%s,%s,%s\r\n", p.elapsedMillis(),
                    p.active(), p.started(), p.completed(), p.failed(), number(p.callsPerSecond()),
                    number(p.framesPerSecond()), p.lateFrames(), number(p.turnP50Millis()),
                    number(p.turnP99Millis()), number(p.sendLagP99Millis())));
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Reads a file {@link #write} wrote; an absent file is an empty timeline (shards from before the file existed). */
    public static List<Progress> read(Path file) throws IOException {
        List<Progress> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": not a Chorus timeline (header should be " + HEADER + ")");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != FIELDS) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.length + " fields, not " + FIELDS);
            }
            try {
                out.add(new Progress(Long.parseLong(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), dbl(f[5]), dbl(f[6]), Long.parseLong(f[7]),
                        dbl(f[8]), dbl(f[9]), dbl(f[10])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static double dbl(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    /**
     * Lines up shard timelines on the wall clock, one point per second from {@code mergedStartEpochMillis}: counts
     * (active, started, completed, failed, late frames) are the sum of each shard's latest sample at or before that
     * second; rates are the sum of the shards' rates in it; send-lag p99 is the highest shard's (an upper bound: the
     * exact merged per-second figure is in the merged {@code histograms.hlog}); turn percentiles are left out.
     *
     * @param shardStartsEpochMillis each shard's run start, index-aligned with {@code shards}
     */
    public static List<Progress> merge(List<List<Progress>> shards, List<Long> shardStartsEpochMillis,
                                       long mergedStartEpochMillis) {
        long endSecond = 0;
        for (int s = 0; s < shards.size(); s++) {
            List<Progress> t = shards.get(s);
            if (!t.isEmpty()) {
                long end = shardStartsEpochMillis.get(s) + t.get(t.size() - 1).elapsedMillis() - mergedStartEpochMillis;
                endSecond = Math.max(endSecond, (end + 999) / 1000);
            }
        }
        int[] cursor = new int[shards.size()];
        List<Progress> out = new ArrayList<>();
        for (long second = 1; second <= endSecond; second++) {
            long atMillis = second * 1000;
            int active = 0;
            long started = 0;
            long completed = 0;
            long failed = 0;
            long late = 0;
            double calls = 0;
            double frames = 0;
            double lag = Double.NaN;
            boolean any = false;
            for (int s = 0; s < shards.size(); s++) {
                List<Progress> t = shards.get(s);
                long offset = shardStartsEpochMillis.get(s) - mergedStartEpochMillis;
                int c = cursor[s];
                while (c < t.size() && offset + t.get(c).elapsedMillis() <= atMillis) {
                    c++;
                }
                cursor[s] = c;
                if (c == 0) {
                    continue;
                }
                Progress p = t.get(c - 1);
                any = true;
                boolean inThisSecond = offset + p.elapsedMillis() > atMillis - 1000;
                boolean ended = c == t.size() && !inThisSecond;
                active += ended ? 0 : p.active();
                started += p.started();
                completed += p.completed();
                failed += p.failed();
                late += p.lateFrames();
                if (inThisSecond) {
                    calls += p.callsPerSecond();
                    frames += p.framesPerSecond();
                    if (!Double.isNaN(p.sendLagP99Millis())) {
                        lag = Double.isNaN(lag) ? p.sendLagP99Millis() : Math.max(lag, p.sendLagP99Millis());
                    }
                }
            }
            if (any) {
                out.add(new Progress(atMillis, active, started, completed, failed, calls, frames, late, Double.NaN,
                        Double.NaN, lag));
            }
        }
        return out;
    }
}
