package dev.chorus.engine.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds, into milliseconds. */
public final class Durations implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parseMillis(value);
    }

    public static long parseMillis(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Math.round(Double.parseDouble(v.substring(0, v.length() - 2)));
            }
            double n = Double.parseDouble(v.substring(0, v.length() - (Character.isLetter(v.charAt(v.length() - 1))
                    ? 1 : 0)));
            switch (v.charAt(v.length() - 1)) {
                case 'h':
                    return Math.round(n * 3_600_000);
                case 'm':
                    return Math.round(n * 60_000);
                default:
                    return Math.round(n * 1000);
            }
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration; use e.g. 500ms, 10s, 2m or 1h");
        }
    }
}
