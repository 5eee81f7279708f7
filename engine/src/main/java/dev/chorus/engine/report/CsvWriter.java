package dev.chorus.engine.report;

import dev.chorus.engine.RunReport;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TurnTaking;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code calls.csv}: one row per call kept in {@link RunReport#sessions()}, in the order the calls ended,
 * for spreadsheets and pandas. RFC 4180: comma-separated, CRLF line ends, a header row, and a field quoted (inner
 * quotes doubled) when it holds a comma, quote, CR or LF. Times in milliseconds; an empty field means "not
 * reached" (no ready message, no turn). Stateless; called by the recorder thread.
 */
public final class CsvWriter {
    static final String[] HEADER = {"call_id", "test_case", "status", "error_class", "duration_ms", "connect_ms",
        "tls_ms", "ws_handshake_ms", "ready_ms", "turns", "turn_p50_ms", "turn_max_ms", "first_audio_first_ms",
        "frames_sent", "late_frames", "skipped_frames", "underruns", "agent_interruptions", "caller_interruptions",
        "barge_in_stop_max_ms", "talk_ratio", "longest_mutual_silence_ms", "error_message"};
    private static final String CRLF = "\r\n";

    private CsvWriter() {
    }

    /** Writes {@code dir/calls.csv} atomically and returns its path. */
    public static Path write(Path dir, RunReport report) throws IOException {
        return Markup.writeAtomically(dir, "calls.csv", out -> write(out, report));
    }

    static void write(Writer out, RunReport report) throws IOException {
        out.write(String.join(",", HEADER));
        out.write(CRLF);
        List<String> row = new ArrayList<>(HEADER.length);
        for (SessionResult s : report.sessions()) {
            row.clear();
            row.add(s.callId());
            row.add(s.testCaseId());
            row.add(SessionFileWriter.status(s));
            row.add(s.errorClass() == null ? "" : s.errorClass().wireName());
            row.add(Markup.millis(s.durationMillis()));
            Map<String, Double> t = s.timingsMillis();
            for (String name : new String[] {"connect", "tls", "ws_handshake", "ready"}) {
                Double v = t.get(name);
                row.add(v == null ? "" : Markup.millis(v));
            }
            row.add(Integer.toString(s.turnMillis().size()));
            row.add(Markup.millis(median(s.turnMillis())));
            row.add(Markup.millis(ReportWriter.maxTurn(s)));
            row.add(s.firstAudioMillis().isEmpty() ? "" : Markup.millis(s.firstAudioMillis().get(0)));
            for (String name : new String[] {"frames_sent", "late_frames", "skipped_frames", "underruns"}) {
                Long v = s.counters().get(name);
                row.add(v == null ? "" : Long.toString(v));
            }
            TurnTaking.Figures talk = s.turnTaking();
            row.add(Integer.toString(talk.agentInterruptions()));
            row.add(Integer.toString(talk.callerInterruptions()));
            long stopMax = -1;
            for (long stop : talk.bargeInStopNanos()) {
                stopMax = Math.max(stopMax, stop);
            }
            row.add(stopMax < 0 ? "" : Markup.millis(SessionFileWriter.millis(stopMax)));
            row.add(Double.isNaN(talk.talkRatio()) ? "" : String.format(java.util.Locale.ROOT, "%.3f", talk.talkRatio()));
            row.add(talk.longestMutualSilenceNanos() < 0 ? ""
                    : Markup.millis(SessionFileWriter.millis(talk.longestMutualSilenceNanos())));
            row.add(s.errorMessage() == null ? "" : s.errorMessage());
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(field(row.get(i)));
            }
            out.write(CRLF);
        }
    }

    /** One RFC 4180 field: quoted, with quotes doubled, when it holds a comma, quote, CR or LF. */
    static String field(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return '"' + s.replace("\"", "\"\"") + '"';
            }
        }
        return s;
    }

    /** The nearest-rank median (the lower middle for an even count), or NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }
}
