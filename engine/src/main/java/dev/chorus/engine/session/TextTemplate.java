package dev.chorus.engine.session;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * Renders {@code {{name}}} placeholders in text that is sent once per call (the initialization JSON, handshake
 * header values). Values inside a JSON string literal are JSON-escaped when {@code json} is true. Not a hot path:
 * it builds Strings. Thread-safe (stateless).
 */
public final class TextTemplate {
    private TextTemplate() {
    }

    /**
     * @throws IllegalArgumentException naming the placeholder when {@code values} does not know it
     */
    public static String render(String text, boolean json, TemplateValues values) {
        if (text.indexOf("{{") < 0) {
            return text;
        }
        ByteBuf out = Unpooled.buffer(text.length() + 64);
        try {
            boolean inString = false;
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '{' && i + 1 < n && text.charAt(i + 1) == '{') {
                    int end = text.indexOf("}}", i + 2);
                    if (end > 0) {
                        String name = text.substring(i + 2, end).trim();
                        if (!values.write(name, json && inString, out)) {
                            throw new IllegalArgumentException("unknown placeholder {{" + name + "}}");
                        }
                        i = end + 2;
                        continue;
                    }
                }
                if (json) {
                    if (c == '"') {
                        inString = !inString;
                    } else if (c == '\\' && inString && i + 1 < n) {
                        out.writeCharSequence(text.subSequence(i, i + 2), StandardCharsets.UTF_8);
                        i += 2;
                        continue;
                    }
                }
                int next = i + 1;
                if (Character.isHighSurrogate(c) && next < n) {
                    next++;
                }
                out.writeCharSequence(text.subSequence(i, next), StandardCharsets.UTF_8);
                i = next;
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
