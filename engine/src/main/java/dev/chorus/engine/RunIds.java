package dev.chorus.engine;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Run and call identifiers: readable, sortable, unique enough across machines. Thread-safe. */
final class RunIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunIds() {
    }

    static String newRunId() {
        return "run-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
                + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xF000));
    }

    static String callId(String runId, long n) {
        return runId.substring(runId.lastIndexOf('-') + 1) + "-" + String.format("%06d", n);
    }
}
