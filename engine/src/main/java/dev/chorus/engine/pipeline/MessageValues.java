package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.JsonText;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Placeholders resolved from one agent message's captures first (so a reply carries the id of the message it
 * answers, not the latest one the call has seen), then from the call's own values. Not thread-safe; reused by its
 * handler for each message it answers (not a hot path: replies are rare).
 */
final class MessageValues implements TemplateValues {
    private final String[] captureNames;
    private final TemplateValues call;
    private String[] captures;
    private String overrideName;
    private String overrideValue;

    /**
     * @param captureNames names of the values in {@link AgentMessage#captures()}, in order
     * @param call         the call's placeholders
     */
    MessageValues(List<String> captureNames, TemplateValues call) {
        this.captureNames = captureNames.toArray(new String[0]);
        this.call = call;
    }

    /** Resolves from {@code captures} (may be null), and {@code name} as {@code value} (both may be null). */
    MessageValues with(String[] captures, String name, String value) {
        this.captures = captures;
        this.overrideName = name;
        this.overrideValue = value;
        return this;
    }

    @Override
    public boolean write(String name, boolean insideJsonString, ByteBuf out) {
        if (name.equals(overrideName)) {
            return text(overrideValue == null ? "" : overrideValue, insideJsonString, out);
        }
        if (captures != null) {
            for (int i = 0; i < captureNames.length && i < captures.length; i++) {
                if (captureNames[i].equals(name) && captures[i] != null) {
                    return text(captures[i], insideJsonString, out);
                }
            }
        }
        return call.write(name, insideJsonString, out);
    }

    private static boolean text(String value, boolean insideJsonString, ByteBuf out) {
        if (insideJsonString) {
            JsonText.writeJsonEscaped(value, out);
        } else {
            out.writeCharSequence(value, StandardCharsets.UTF_8);
        }
        return true;
    }
}
