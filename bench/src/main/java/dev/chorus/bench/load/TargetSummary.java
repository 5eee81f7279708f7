package dev.chorus.bench.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The target's totals across all streams and loops, written as JSON ({@code target.json}) and as flat
 * {@code key=value} lines ({@code target.properties}, read by {@link LoadReport}). Immutable once built.
 */
final class TargetSummary {
    /** One loop's share, made on the loop by {@link LoopRecorder#snapshot}; merged on the caller's thread. */
    static final class Part {
        final Histogram gapDeviationMicros;
        final Histogram driftMicros;
        final Map<String, Long> errors;
        long streams;
        long openStreams;
        long streamsWithAudio;
        long framesReceived;
        long framesExpected;
        long nonAudioFrames;
        double minDeliveredRatio = 1.0;
        long maxStreamDriftNanos;
        long maxStreamGapDeviationNanos;
        long firstFrameNanos = Long.MAX_VALUE;
        long lastFrameNanos = Long.MIN_VALUE;

        Part(Histogram gapDeviationMicros, Histogram driftMicros, Map<String, Long> errors) {
            this.gapDeviationMicros = gapDeviationMicros;
            this.driftMicros = driftMicros;
            this.errors = errors;
        }

        void add(Part o) {
            gapDeviationMicros.add(o.gapDeviationMicros);
            driftMicros.add(o.driftMicros);
            o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            streams += o.streams;
            openStreams += o.openStreams;
            streamsWithAudio += o.streamsWithAudio;
            framesReceived += o.framesReceived;
            framesExpected += o.framesExpected;
            nonAudioFrames += o.nonAudioFrames;
            minDeliveredRatio = Math.min(minDeliveredRatio, o.minDeliveredRatio);
            maxStreamDriftNanos = Math.max(maxStreamDriftNanos, o.maxStreamDriftNanos);
            maxStreamGapDeviationNanos = Math.max(maxStreamGapDeviationNanos, o.maxStreamGapDeviationNanos);
            firstFrameNanos = Math.min(firstFrameNanos, o.firstFrameNanos);
            lastFrameNanos = Math.max(lastFrameNanos, o.lastFrameNanos);
        }
    }

    private final Map<String, Object> values = new TreeMap<>();
    private final Map<String, Long> errors;

    TargetSummary(Part all, long coalesceMicros, long warmupMillis, long windowMillis) {
        this.errors = all.errors;
        values.put("coalesce_us", coalesceMicros);
        values.put("warmup_ms", warmupMillis);
        values.put("window_ms", windowMillis);
        values.put("streams", all.streams);
        values.put("streams_open_at_end", all.openStreams);
        values.put("streams_with_audio", all.streamsWithAudio);
        values.put("frames_received", all.framesReceived);
        values.put("frames_expected", all.framesExpected);
        values.put("delivered_ratio", all.framesExpected == 0 ? 0.0 : (double) all.framesReceived / all.framesExpected);
        values.put("min_stream_delivered_ratio", all.streamsWithAudio == 0 ? 0.0 : all.minDeliveredRatio);
        values.put("non_audio_frames", all.nonAudioFrames);
        values.put("errors_total", all.errors.values().stream().mapToLong(Long::longValue).sum());
        double spanSeconds = all.lastFrameNanos > all.firstFrameNanos
                ? (all.lastFrameNanos - all.firstFrameNanos) / 1e9 : 0;
        values.put("frames_span_s", spanSeconds);
        putPercentiles("gap_dev", all.gapDeviationMicros);
        putPercentiles("drift", all.driftMicros);
        values.put("stream_max_drift_ms", all.maxStreamDriftNanos / 1e6);
        values.put("stream_max_gap_dev_ms", all.maxStreamGapDeviationNanos / 1e6);
    }

    private void putPercentiles(String name, Histogram h) {
        values.put(name + "_samples", h.getTotalCount());
        values.put(name + "_p50_ms", h.getValueAtPercentile(50) / 1000.0);
        values.put(name + "_p99_ms", h.getValueAtPercentile(99) / 1000.0);
        values.put(name + "_p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
        values.put(name + "_max_ms", h.getMaxValue() / 1000.0);
    }

    String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            sb.append("  \"").append(e.getKey()).append("\": ").append(format(e.getValue())).append(",\n");
        }
        sb.append("  \"errors\": {");
        String sep = "";
        for (Map.Entry<String, Long> e : errors.entrySet()) {
            sb.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
            sep = ", ";
        }
        return sb.append("}\n}\n").toString();
    }

    String toProperties() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append('=').append(format(v)).append('\n'));
        StringBuilder classes = new StringBuilder();
        errors.forEach((k, v) -> classes.append(classes.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.append("errors=").append(classes).append('\n').toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        replace(dir.resolve("target.json"), toJson());
        replace(dir.resolve("target.properties"), toProperties());
    }

    /** Writes via a temporary file and a rename, so a reader never sees half a file. */
    static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String format(Object v) {
        if (v instanceof Double) {
            return String.format(Locale.ROOT, "%.4f", (Double) v);
        }
        return String.valueOf(v);
    }
}
