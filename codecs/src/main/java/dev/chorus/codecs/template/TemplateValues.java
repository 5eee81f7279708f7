package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;

/**
 * Supplies the values of a template's placeholders other than its payload. Implementations are called on the hot
 * path and should write without allocating.
 */
@FunctionalInterface
public interface TemplateValues {
    /** Knows no placeholder. */
    TemplateValues NONE = (name, insideJsonString, out) -> false;

    /**
     * Writes the value of {@code name} into {@code out}.
     *
     * @param insideJsonString whether the placeholder sits inside a JSON string literal (then strings must be
     *                         JSON-escaped, see {@link JsonText#writeJsonEscaped})
     * @return false when {@code name} is unknown
     */
    boolean write(String name, boolean insideJsonString, ByteBuf out);
}
