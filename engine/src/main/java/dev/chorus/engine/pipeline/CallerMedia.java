package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;

/**
 * An attachment to send through {@code send_media_template}. Immutable; nobody releases {@link #bytes()}, which is
 * owned by the prepared test case and shared read-only across calls.
 *
 * @param values resolves {@code {{media_name}}}, {@code {{mime_type}}} and the call's other placeholders
 */
public record CallerMedia(ByteBuf bytes, TemplateValues values) {
}
