package dev.chorus.engine.config;

import java.util.Locale;

/**
 * The {@code authorization_header} of an agent file, as the handshake header it becomes: {@code Bearer …},
 * {@code Basic …} and any other scheme go as {@code Authorization: <value>}; a value whose first word is a header
 * name starting {@code X-} (e.g. {@code X-API-Key abc}) goes as that header ({@code X-API-Key: abc}). Immutable;
 * {@link #toString()} never shows the value.
 */
public final class AuthorizationHeader {
    private final String headerName;
    private final String value;

    private AuthorizationHeader(String headerName, String value) {
        this.headerName = headerName;
        this.value = value;
    }

    /** @throws IllegalArgumentException (without the value in the message) when empty or holding CR/LF */
    public static AuthorizationHeader parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("authorization_header is empty");
        }
        if (raw.indexOf('\r') >= 0 || raw.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("authorization_header holds a line break");
        }
        String trimmed = raw.trim();
        int space = trimmed.indexOf(' ');
        if (space > 0) {
            String first = trimmed.substring(0, space);
            if (first.toLowerCase(Locale.ROOT).startsWith("x-") && Headers.isToken(first)) {
                String v = trimmed.substring(space + 1).trim();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("authorization_header names header " + first + " but no value");
                }
                return new AuthorizationHeader(first.endsWith(":") ? first.substring(0, first.length() - 1) : first, v);
            }
        }
        return new AuthorizationHeader("Authorization", trimmed);
    }

    public String headerName() {
        return headerName;
    }

    /** The secret; never log it. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return "AuthorizationHeader[" + headerName + ": <redacted>]";
    }
}
