package dev.chorus.bench.load;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a thread group allocates: sums the weights of {@code jdk.ObjectAllocationSample} events of a JFR recording
 * by allocated class and the first {@code --depth} stack frames, for threads whose name starts with
 * {@code --thread} (default {@code chorus-io}), optionally within a time window, and prints them largest first,
 * as MB, share, and bytes per frame when {@code --frames} says how many frames were sent in the window. The weights
 * are JFR's estimates of the bytes each sample stands for; take the total from an exact counter (JMH's
 * {@code gc.alloc.rate.norm}, {@code LoopAllocation}) and this for the split.
 *
 * <pre>
 *   java -XX:StartFlightRecording=settings=alloc.jfc,filename=run.jfr ...   (alloc.jfc: profile.jfc with the
 *                                                                             ObjectAllocationSample throttle raised)
 *   java -cp bench/target/benchmarks.jar dev.chorus.bench.load.AllocationSites run.jfr [--thread chorus-io]
 *        [--depth 6] [--frames N] [--from EPOCH_MS --to EPOCH_MS] [--top 30]
 * </pre>
 */
public final class AllocationSites {
    private AllocationSites() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: AllocationSites FILE.jfr [--thread PREFIX] [--depth N] [--frames N] "
                    + "[--from EPOCH_MS --to EPOCH_MS] [--top N]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String thread = "chorus-io";
        int depth = 6;
        long frames = 0;
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        int top = 30;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--thread": thread = args[i + 1]; break;
                case "--depth": depth = Integer.parseInt(args[i + 1]); break;
                case "--frames": frames = Long.parseLong(args[i + 1]); break;
                case "--from": from = Long.parseLong(args[i + 1]); break;
                case "--to": to = Long.parseLong(args[i + 1]); break;
                case "--top": top = Integer.parseInt(args[i + 1]); break;
                default:
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
            }
        }
        Map<String, long[]> sites = new HashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ObjectAllocationSample".equals(e.getEventType().getName())) {
                continue;
            }
            RecordedThread t = e.getThread("eventThread");
            String name = t == null ? null : t.getJavaName();
            if (name == null || !name.startsWith(thread)) {
                continue;
            }
            Instant at = e.getStartTime();
            if (at.toEpochMilli() < from || at.toEpochMilli() > to) {
                continue;
            }
            long weight = e.getLong("weight");
            total += weight;
            StringBuilder key = new StringBuilder(e.getClass("objectClass").getName());
            RecordedStackTrace stack = e.getStackTrace();
            if (stack != null) {
                List<RecordedFrame> fs = stack.getFrames();
                for (int k = 0; k < Math.min(depth, fs.size()); k++) {
                    RecordedFrame f = fs.get(k);
                    key.append("\n      ").append(f.getMethod().getType().getName()).append('.')
                            .append(f.getMethod().getName()).append(':').append(f.getLineNumber());
                }
            }
            sites.computeIfAbsent(key.toString(), k -> new long[2])[0] += weight;
            sites.get(key.toString())[1]++;
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(sites.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        System.out.printf(Locale.ROOT, "threads %s*: %.1f MB sampled%s%n", thread, total / 1e6,
                frames > 0 ? String.format(Locale.ROOT, ", %.1f B per frame over %d frames", (double) total / frames,
                        frames) : "");
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            long[] v = sorted.get(i).getValue();
            System.out.printf(Locale.ROOT, "%8.1f MB %5.1f %%%s  (%d samples)  %s%n", v[0] / 1e6, 100.0 * v[0] / total,
                    frames > 0 ? String.format(Locale.ROOT, " %7.1f B/frame", (double) v[0] / frames) : "", v[1],
                    sorted.get(i).getKey());
        }
    }
}
