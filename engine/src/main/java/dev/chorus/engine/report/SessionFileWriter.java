package dev.chorus.engine.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;
import dev.chorus.engine.session.TurnTaking;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Writes {@code sessions/<call id>.json}, one per call. Not thread-safe: the recorder thread's. */
public final class SessionFileWriter {
    private final Path dir;

    public SessionFileWriter(Path dir) {
        this.dir = dir;
    }

    /** The file a call's result goes to. */
    public Path fileOf(String callId) {
        return dir.resolve(callId + ".json");
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }

    public static String status(SessionResult r) {
        return r.passed() ? "completed" : r.errorClass() != null ? "failed" : "stopped";
    }

    public void write(SessionResult r) throws IOException {
        try (OutputStream out = Files.newOutputStream(fileOf(r.callId()));
             JsonGenerator g = Json.pretty(out)) {
            g.writeStartObject();
            g.writeStringField("call_id", r.callId());
            g.writeStringField("test_case", r.testCaseId());
            g.writeStringField("status", status(r));
            g.writeStringField("error_class", r.errorClass() == null ? null : r.errorClass().wireName());
            g.writeStringField("error_message", r.errorMessage());
            g.writeStringField("final_state", r.finalState() == null ? null : r.finalState().wireName());
            g.writeStringField("session_id", r.sessionId());
            g.writeStringField("started_at", Instant.ofEpochMilli(r.startEpochMillis()).toString());
            Json.millis(g, "duration_ms", r.durationMillis());
            g.writeObjectFieldStart("timings_ms");
            for (Map.Entry<String, Double> t : r.timingsMillis().entrySet()) {
                Json.millis(g, t.getKey(), t.getValue());
            }
            g.writeArrayFieldStart("first_audio");
            for (double v : r.firstAudioMillis()) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("turn");
            for (double v : r.turnMillis()) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeObjectFieldStart("counters");
            for (Map.Entry<String, Long> c : r.counters().entrySet()) {
                g.writeNumberField(c.getKey(), c.getValue());
            }
            g.writeEndObject();
            TurnTaking.Figures talk = r.turnTaking();
            g.writeObjectFieldStart("conversation");
            g.writeNumberField("agent_interruptions", talk.agentInterruptions());
            g.writeNumberField("caller_interruptions", talk.callerInterruptions());
            g.writeArrayFieldStart("barge_in_stop_ms");
            for (long stop : talk.bargeInStopNanos()) {
                g.writeNumber(SessionFileWriter.millis(stop));
            }
            g.writeEndArray();
            Json.millis(g, "agent_speech_ms", SessionFileWriter.millis(talk.agentSpeechNanos()));
            Json.millis(g, "caller_speech_ms", SessionFileWriter.millis(talk.callerSpeechNanos()));
            Json.millis(g, "talk_ratio", talk.talkRatio());
            Json.millis(g, "longest_mutual_silence_ms", talk.longestMutualSilenceNanos() < 0 ? Double.NaN
                    : SessionFileWriter.millis(talk.longestMutualSilenceNanos()));
            g.writeEndObject();
            g.writeObjectFieldStart("errors");
            for (Map.Entry<String, Integer> e : r.nonFatalErrors().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("transcript");
            for (TranscriptEntry e : r.transcript()) {
                g.writeStartObject();
                g.writeStringField("role", e.role());
                if (e.type() != null) {
                    g.writeStringField("type", e.type());
                }
                Json.millis(g, "start_ms", e.startMillis());
                if (!Double.isNaN(e.endMillis())) {
                    Json.millis(g, "end_ms", e.endMillis());
                }
                if (e.text() != null) {
                    g.writeStringField("text", e.text());
                }
                if (e.sttText() != null) {
                    g.writeStringField("stt_text", e.sttText());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
