package dev.chorus.engine.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import org.HdrHistogram.Histogram;
import dev.chorus.engine.session.SessionResult;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Writes {@code report.json} (CONTRACT §4). Stateless; called by the recorder thread. */
public final class ReportWriter {
    /** Metrics under {@code latency_ms}, in CONTRACT order. */
    static final Metric[] LATENCY = {Metric.HTTP_SETUP, Metric.CONNECT, Metric.TLS, Metric.WS_HANDSHAKE,
        Metric.READY, Metric.GREETING, Metric.FIRST_AUDIO, Metric.TURN, Metric.BARGE_IN_STOP, Metric.MUTUAL_SILENCE};
    /**
     * Counts of {@link RunReport#audio()} written under {@code conversation} rather than {@code audio} (summed by
     * {@link ShardMerger} from there).
     */
    static final List<String> CONVERSATION = List.of("agent_interruptions", "caller_interruptions",
            "agent_speech_ms", "caller_speech_ms");
    static final int WORST_CALLS = 20;

    private ReportWriter() {
    }

    /** Writes {@code dir/report.json} atomically (temp file, then move). */
    public static Path write(Path dir, RunReport report) throws IOException {
        Path file = dir.resolve("report.json");
        Path tmp = dir.resolve("report.json.tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JsonGenerator g = Json.pretty(out)) {
            g.writeStartObject();
            g.writeStringField("run_id", report.runId());
            g.writeStringField("test_set", report.testSetName());
            g.writeStringField("endpoint", report.endpoint());
            g.writeStringField("transport", report.transport());
            g.writeStringField("tls_provider", report.tlsProvider());
            g.writeStringField("started_at", Instant.ofEpochMilli(report.startEpochMillis()).toString());
            g.writeNumberField("duration_ms", report.durationMillis());
            g.writeNumberField("concurrency", report.concurrency());
            g.writeStringField("load_profile", report.profile());
            g.writeBooleanField("stopped", report.stopped());

            g.writeObjectFieldStart("sessions");
            g.writeNumberField("started", report.started());
            g.writeNumberField("completed", report.completed());
            g.writeNumberField("failed", report.failed());
            g.writeNumberField("stopped", report.stoppedCalls());
            g.writeEndObject();

            g.writeObjectFieldStart("errors");
            for (Map.Entry<String, Long> e : report.errors().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();

            g.writeObjectFieldStart("latency_ms");
            for (Metric m : LATENCY) {
                Json.percentiles(g, m.wireName(), report.latencyMicros().get(m));
            }
            g.writeEndObject();

            g.writeObjectFieldStart("pacing");
            Json.percentiles(g, "send_lag_ms", report.latencyMicros().get(Metric.SEND_LAG));
            Json.percentiles(g, "send_jitter_ms", report.latencyMicros().get(Metric.SEND_JITTER));
            g.writeNumberField("frames_sent", report.audio().getOrDefault("frames_sent", 0L));
            g.writeNumberField("late_frames", report.audio().getOrDefault("late_frames", 0L));
            g.writeNumberField("skipped_frames", report.audio().getOrDefault("skipped_frames", 0L));
            Json.percentiles(g, "drift_ms", report.latencyMicros().get(Metric.DRIFT));
            Histogram hiccup = report.latencyMicros().get(Metric.LOOP_HICCUP);
            Json.percentiles(g, "loop_hiccup_ms", hiccup);
            g.writeBooleanField("generator_stalled", generatorStalled(report));
            g.writeEndObject();

            g.writeObjectFieldStart("audio");
            for (Map.Entry<String, Long> a : report.audio().entrySet()) {
                if (!CONVERSATION.contains(a.getKey())) {
                    g.writeNumberField(a.getKey(), a.getValue());
                }
            }
            g.writeEndObject();

            g.writeObjectFieldStart("conversation");
            for (String key : CONVERSATION) {
                g.writeNumberField(key, report.audio().getOrDefault(key, 0L));
            }
            Json.millis(g, "talk_ratio", talkRatio(report.audio()));
            g.writeEndObject();

            g.writeArrayFieldStart("thresholds");
            for (Threshold.Verdict v : report.thresholds()) {
                g.writeStartObject();
                g.writeStringField("expression", v.expression());
                Json.millis(g, "value", v.value());
                g.writeBooleanField("ok", v.ok());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("aborted_by", report.abortedBy());

            g.writeArrayFieldStart("worst_calls");
            for (SessionResult r : worst(report.sessions())) {
                g.writeStartObject();
                g.writeStringField("call_id", r.callId());
                g.writeStringField("test_case", r.testCaseId());
                g.writeStringField("status", SessionFileWriter.status(r));
                g.writeStringField("error_class", r.errorClass() == null ? null : r.errorClass().wireName());
                g.writeStringField("error_message", r.errorMessage());
                Json.millis(g, "turn_max_ms", maxTurn(r));
                g.writeStringField("file", "sessions/" + r.callId() + ".json");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Whether the generator's own event loops stalled beyond the send-lag target (2 ms at p99): then late frames
     * and long turns may be Chorus's, not the agent's, and the run says so.
     */
    public static boolean generatorStalled(RunReport report) {
        Histogram hiccup = report.latencyMicros().get(Metric.LOOP_HICCUP);
        return hiccup.getTotalCount() > 0 && hiccup.getValueAtPercentile(99) > STALL_MICROS;
    }

    static final long STALL_MICROS = 2000;

    /** Agent speech time over caller speech time of every call, or NaN when no caller spoke. */
    public static double talkRatio(Map<String, Long> audio) {
        long caller = audio.getOrDefault("caller_speech_ms", 0L);
        return caller == 0 ? Double.NaN : (double) audio.getOrDefault("agent_speech_ms", 0L) / caller;
    }

    /** Failed calls first, then the slowest turns. */
    static List<SessionResult> worst(List<SessionResult> sessions) {
        List<SessionResult> sorted = new ArrayList<>(sessions);
        sorted.sort(Comparator.comparing((SessionResult r) -> r.passed())
                .thenComparing(r -> -orZero(maxTurn(r))));
        return sorted.subList(0, Math.min(WORST_CALLS, sorted.size()));
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static double maxTurn(SessionResult r) {
        double max = Double.NaN;
        for (double t : r.turnMillis()) {
            max = Double.isNaN(max) ? t : Math.max(max, t);
        }
        return max;
    }
}
