package dev.chorus.engine.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;

/** Shared JSON plumbing for the writers. Thread-safe (the factory is). */
final class Json {
    static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    static JsonGenerator pretty(OutputStream out) throws IOException {
        return FACTORY.createGenerator(out).useDefaultPrettyPrinter();
    }

    /** A number of milliseconds with microsecond precision, or null for NaN. */
    static void millis(JsonGenerator g, String field, double value) throws IOException {
        if (Double.isNaN(value)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, Math.round(value * 1000.0) / 1000.0);
        }
    }

    /** {@code {count, p50, p90, p99, max, mean}} in milliseconds from a histogram in microseconds. */
    static void percentiles(JsonGenerator g, String field, Histogram micros) throws IOException {
        g.writeObjectFieldStart(field);
        long count = micros.getTotalCount();
        g.writeNumberField("count", count);
        millis(g, "p50", count == 0 ? Double.NaN : micros.getValueAtPercentile(50) / 1000.0);
        millis(g, "p90", count == 0 ? Double.NaN : micros.getValueAtPercentile(90) / 1000.0);
        millis(g, "p99", count == 0 ? Double.NaN : micros.getValueAtPercentile(99) / 1000.0);
        millis(g, "p999", count == 0 ? Double.NaN : micros.getValueAtPercentile(99.9) / 1000.0);
        millis(g, "max", count == 0 ? Double.NaN : micros.getMaxValue() / 1000.0);
        millis(g, "mean", count == 0 ? Double.NaN : micros.getMean() / 1000.0);
        g.writeEndObject();
    }
}
