package dev.chorus.engine.report;

import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code junit.xml} (CONTRACT §4) for CI systems: one test suite per run, one test case per call, one per
 * threshold. Stateless; called by the recorder thread.
 *
 * <pre>
 * &lt;testsuite name="test set" tests failures errors="0" skipped time timestamp&gt;
 *   &lt;properties&gt; run_id, endpoint, load_profile, calls_left_out &lt;/properties&gt;
 *   &lt;testcase classname="chorus.&lt;test case&gt;" name="&lt;call id&gt;" time="s"&gt;
 *     &lt;failure type="&lt;error class&gt;" message="…"&gt;state, session id, message&lt;/failure&gt;   failed
 *     &lt;skipped/&gt;                                                             stopped
 *     &lt;system-out&gt;non-fatal errors, one a line; the session file&lt;/system-out&gt;
 *   &lt;testcase classname="chorus.thresholds" name="turn.p99&lt;1200"&gt; failure when it does not hold
 *   &lt;system-out&gt;how many calls were left out&lt;/system-out&gt;
 * &lt;/testsuite&gt;
 * </pre>
 *
 * The suite's counts are the run's totals, not the number of test cases written: {@link RunReport#sessions()} keeps
 * at most 10,000 calls, and the rest are only in {@code sessions/}.
 */
public final class JunitXmlWriter {
    /** JUnit's schema wants a local timestamp without zone; we write UTC. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private JunitXmlWriter() {
    }

    /** Writes {@code dir/junit.xml} atomically and returns its path. */
    public static Path write(Path dir, RunReport report) throws IOException {
        return Markup.writeAtomically(dir, "junit.xml", out -> write(out, report));
    }

    static void write(Writer out, RunReport r) throws IOException {
        long thresholdsFailed = r.thresholds().stream().filter(v -> !v.ok()).count();
        long leftOut = leftOut(r);
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.write("<testsuite name=\"" + Markup.attribute(r.testSetName()) + "\""
                + attr("tests", r.started() + r.thresholds().size())
                + attr("failures", r.failed() + thresholdsFailed)
                + " errors=\"0\""
                + attr("skipped", r.stoppedCalls())
                + " time=\"" + seconds(r.durationMillis()) + "\""
                + " timestamp=\"" + TIMESTAMP.format(Instant.ofEpochMilli(r.startEpochMillis())
                        .truncatedTo(ChronoUnit.SECONDS)) + "\">\n");
        out.write("  <properties>\n");
        property(out, "run_id", r.runId());
        property(out, "endpoint", r.endpoint());
        property(out, "load_profile", r.profile());
        property(out, "calls_completed", Long.toString(r.completed()));
        property(out, "calls_left_out", Long.toString(leftOut));
        if (r.abortedBy() != null) {
            property(out, "aborted_by", r.abortedBy());
        }
        out.write("  </properties>\n");
        for (SessionResult s : r.sessions()) {
            testCase(out, s);
        }
        for (Threshold.Verdict v : r.thresholds()) {
            out.write("  <testcase classname=\"chorus.thresholds\" name=\"" + Markup.attribute(v.expression())
                    + "\" time=\"0\"");
            if (v.ok()) {
                out.write("/>\n");
            } else {
                String value = Double.isNaN(v.value()) ? "no data" : "value " + String.format(Locale.ROOT, "%.4g",
                        v.value());
                String message = v.expression() + " does not hold (" + value + ")";
                out.write(">\n    <failure type=\"threshold\" message=\"" + Markup.attribute(message)
                        + "\"/>\n  </testcase>\n");
            }
        }
        if (leftOut > 0) {
            out.write("  <system-out>" + leftOut + " of " + r.started() + " calls are left out of this file (at most "
                    + r.sessions().size() + " kept in memory); every call has its file in sessions/; the suite's "
                    + "counts are the run's totals</system-out>\n");
        }
        out.write("</testsuite>\n");
    }

    /** Calls started but not written as test cases (the suite's counts still include them). */
    static long leftOut(RunReport r) {
        return Math.max(0, r.started() - r.sessions().size());
    }

    private static void testCase(Writer out, SessionResult s) throws IOException {
        out.write("  <testcase classname=\"" + Markup.attribute("chorus." + s.testCaseId()) + "\" name=\""
                + Markup.attribute(s.callId()) + "\" time=\"" + seconds(s.durationMillis()) + "\">\n");
        if (!s.passed() && s.errorClass() != null) {
            String message = s.errorMessage() == null ? s.errorClass().wireName() : s.errorMessage();
            out.write("    <failure type=\"" + Markup.attribute(s.errorClass().wireName()) + "\" message=\""
                    + Markup.attribute(message) + "\">");
            out.write(Markup.escape("error_class=" + s.errorClass().wireName()
                    + " final_state=" + (s.finalState() == null ? "-" : s.finalState().wireName())
                    + " session_id=" + (s.sessionId() == null ? "-" : s.sessionId())
                    + "\n" + message));
            out.write("</failure>\n");
        } else if (!s.passed()) {
            out.write("    <skipped message=\"stopped before the call ended\"/>\n");
        }
        out.write("    <system-out>");
        for (Map.Entry<String, Integer> e : s.nonFatalErrors().entrySet()) {
            out.write(Markup.escape(e.getKey() + ": " + e.getValue()) + "\n");
        }
        for (TranscriptEntry e : s.transcript()) {
            if (e.type() != null && s.nonFatalErrors().containsKey(e.type())) {
                out.write(Markup.escape(Markup.millis(e.startMillis()) + " ms " + e.type()
                        + (e.text() == null ? "" : ": " + e.text())) + "\n");
            }
        }
        out.write("session file: sessions/" + Markup.escape(s.callId()) + ".json</system-out>\n");
        out.write("  </testcase>\n");
    }

    private static void property(Writer out, String name, String value) throws IOException {
        out.write("    <property name=\"" + name + "\" value=\"" + Markup.attribute(value) + "\"/>\n");
    }

    private static String attr(String name, long value) {
        return " " + name + "=\"" + value + "\"";
    }

    private static String seconds(double millis) {
        return Double.isNaN(millis) ? "0" : String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
