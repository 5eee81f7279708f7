package dev.chorus.engine.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** Escaping and file plumbing shared by the XML, HTML and CSV writers. Stateless and thread-safe. */
final class Markup {
    private Markup() {
    }

    /** Writes the body of one result file. */
    interface Body {
        void write(Writer out) throws IOException;
    }

    /**
     * Writes {@code dir/name} in UTF-8 atomically (temp file, then move), so a reader never sees half a report.
     */
    static Path writeAtomically(Path dir, String name, Body body) throws IOException {
        Path file = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            body.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Text for XML or HTML element content and double- or single-quoted attributes; null becomes "". Characters
     * XML 1.0 cannot hold at all (controls other than tab, newline and CR, lone surrogates, U+FFFE/U+FFFF) become
     * U+FFFD: an agent's error text may carry anything, and one such byte would make the whole junit.xml unreadable.
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep;
            switch (c) {
                case '&' -> rep = "&amp;";
                case '<' -> rep = "&lt;";
                case '>' -> rep = "&gt;";
                case '"' -> rep = "&quot;";
                case '\'' -> rep = "&#39;";
                default -> rep = allowed(s, i) ? null : "\uFFFD";
            }
            if (rep == null) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            b.append(rep);
        }
        return b == null ? s : b.toString();
    }

    /**
     * Text for an XML attribute: {@link #escape} plus tab, newline and CR as character references, which an XML
     * parser's attribute-value normalization would otherwise turn into spaces.
     */
    static String attribute(String s) {
        String e = escape(s);
        if (e.indexOf('\n') < 0 && e.indexOf('\r') < 0 && e.indexOf('\t') < 0) {
            return e;
        }
        return e.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;");
    }

    /** Whether the char at {@code i} may appear in XML 1.0 (a surrogate only as half of a pair). */
    private static boolean allowed(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return c != 0xFFFE && c != 0xFFFF;
    }

    /** A relative URL path segment: unreserved characters kept, everything else percent-encoded as UTF-8. */
    static String urlSegment(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    /** Milliseconds with up to three decimals ("" for NaN), Locale.ROOT. */
    static String millis(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        // Trim trailing zeros: 12.500 -> 12.5, 3.000 -> 3
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
