package dev.chorus.engine.report;

import dev.chorus.engine.Progress;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.session.CallState;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A hand-built {@link RunReport} as LoadRun builds one: three completed calls, one failed, one stopped. */
final class SampleRun {
    /** XML, HTML and CSV specials at once, plus a control character XML 1.0 cannot hold. */
    static final String NASTY = "agent said <b>\"bye\" & 'left', then\nclosed</b> \u0001";
    static final String FAILED_CALL = "run1-000004";

    private SampleRun() {
    }

    static RunReport report(Path outDir) {
        return report(outDir, 5, List.of(new Threshold.Verdict("turn.p99<1200", 640.0, true),
                new Threshold.Verdict("errors.rate<0.01", 0.2, false)));
    }

    /** {@code started} may exceed the five kept sessions, as when a run ends more calls than it keeps. */
    static RunReport report(Path outDir, long started, List<Threshold.Verdict> thresholds) {
        List<SessionResult> sessions = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sessions.add(completed("run1-00000" + i, 300.0 + 100 * i));
        }
        sessions.add(new SessionResult(FAILED_CALL, "booking, \"quoted\"", false, ErrorClass.CONNECTION_LOST, NASTY,
                CallState.STREAMING, "ref-4", 1_700_000_001_000L, 2500.0, timings(true), List.of(),
                List.of(), counters(40), Map.of(), List.of(TranscriptEntry.event(0, "init_sent", null))));
        sessions.add(new SessionResult("run1-000005", "hello", false, null, null, CallState.STREAMING, "ref-5",
                1_700_000_002_000L, 900.0, timings(true), List.of(), List.of(), counters(10), Map.of(), List.of()));

        Map<Metric, Histogram> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            latency.put(m, new Histogram(3_600_000_000L, 3));
        }
        for (int i = 0; i < 1000; i++) {
            latency.get(Metric.TURN).recordValue(300_000 + i * 400L);
            latency.get(Metric.FIRST_AUDIO).recordValue(150_000 + i * 100L);
            latency.get(Metric.CONNECT).recordValue(1_000 + i);
            latency.get(Metric.READY).recordValue(20_000 + i * 10L);
            latency.get(Metric.SEND_LAG).recordValue(50 + i);
            latency.get(Metric.SEND_JITTER).recordValue(10 + i / 2);
            latency.get(Metric.LOOP_HICCUP).recordValue(100);
        }
        Map<String, Long> errors = new TreeMap<>();
        for (ErrorClass c : ErrorClass.values()) {
            errors.put(c.wireName(), 0L);
        }
        errors.put("connection_lost", 1L);
        errors.put("invalid_json", 2L);
        Map<String, Long> audio = new LinkedHashMap<>();
        audio.put("caller_audio_ms", 9000L);
        audio.put("agent_audio_ms", 6000L);
        audio.put("agent_audio_messages", 300L);
        audio.put("frames_sent", 450L);
        audio.put("late_frames", 1L);
        audio.put("underruns", 0L);
        audio.put("skipped_frames", 0L);
        audio.put("dropped_arrivals", 0L);
        List<Progress> timeline = new ArrayList<>();
        for (int s = 1; s <= 5; s++) {
            timeline.add(new Progress(s * 1000L, 5 - s, 5, s - 1, s == 5 ? 1 : 0, 1.0, 50.0, 0, 400, 600,
                    s == 3 ? Double.NaN : 0.2 * s));
        }
        return new RunReport("run1", "smoke & <set>", "wss://agent.example:8443/ws", "epoll", "openssl",
                1_700_000_000_000L, 5000, 5, started, 3, 1, 1, errors, latency, audio, sessions, false, outDir,
                thresholds, null, "closed: 5 concurrent", timeline);
    }

    private static SessionResult completed(String id, double turn) {
        Map<String, Integer> nonFatal = id.endsWith("2") ? Map.of("invalid_json", 2) : Map.of();
        List<TranscriptEntry> transcript = id.endsWith("2")
                ? List.of(TranscriptEntry.event(120.5, "invalid_json", "{oops <not json>"))
                : List.of();
        return new SessionResult(id, "hello", true, null, null, CallState.DONE, "ref-" + id, 1_700_000_000_000L,
                3000.0, timings(true), List.of(turn, turn + 50, turn - 20), List.of(turn - 100), counters(150),
                nonFatal, transcript);
    }

    private static Map<String, Double> timings(boolean ready) {
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("connect", 1.25);
        t.put("tls", 4.5);
        t.put("ws_handshake", 2.0);
        if (ready) {
            t.put("ready", 21.0);
        }
        return t;
    }

    private static Map<String, Long> counters(long frames) {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("frames_sent", frames);
        c.put("late_frames", 0L);
        c.put("skipped_frames", 0L);
        c.put("agent_audio_messages", 100L);
        c.put("agent_audio_ms", 2000L);
        c.put("underruns", 0L);
        return c;
    }
}
