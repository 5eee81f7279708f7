package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An outbound message template, split once into literal UTF-8 segments and {@code {{name}}} slots, then written
 * straight into a buffer for every message: literals copied, the payload slot base64-encoded in place, the other
 * slots filled by a {@link TemplateValues}. Immutable and thread-safe.
 *
 * <pre>
 *   {"type": "audio_chunk", "seq": {{seq}}, "data": "{{audio_data}}"}
 *   [literal "{"type": "audio_chunk", "seq": "] [slot seq] [literal ", "data": ""] [payload] [literal ""}"]
 * </pre>
 */
public final class MessageTemplate {
    private static final int VALUE_BYTES_HINT = 256;

    private final String text;
    private final String payloadName;
    /** Either byte[] (literal) or Slot. */
    private final Object[] segments;
    private final int literalBytes;
    private final int otherSlots;
    private final boolean rawPayload;
    private final Set<String> placeholderNames;

    private record Slot(String name, boolean payload, boolean insideJsonString) {
    }

    private MessageTemplate(String text, String payloadName, Object[] segments, int literalBytes, int otherSlots,
                            Set<String> names) {
        this.text = text;
        this.payloadName = payloadName;
        this.segments = segments;
        this.literalBytes = literalBytes;
        this.otherSlots = otherSlots;
        this.rawPayload = segments.length == 1 && segments[0] instanceof Slot && ((Slot) segments[0]).payload();
        this.placeholderNames = Collections.unmodifiableSet(names);
    }

    /**
     * Splits {@code template}; its payload placeholder {@code {{payloadName}}} is required.
     *
     * @throws TemplateException naming the missing payload placeholder or an unterminated one
     */
    public static MessageTemplate compile(String template, String payloadName) {
        String trimmed = template.trim();
        List<Object> segments = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        StringBuilder literal = new StringBuilder();
        boolean inString = false;
        boolean sawPayload = false;
        int literalBytes = 0;
        int otherSlots = 0;
        int i = 0;
        int n = trimmed.length();
        while (i < n) {
            char c = trimmed.charAt(i);
            if (c == '{' && i + 1 < n && trimmed.charAt(i + 1) == '{') {
                int end = trimmed.indexOf("}}", i + 2);
                if (end < 0) {
                    throw new TemplateException("template has '{{' without a closing '}}' at offset " + i
                            + "; fix: write placeholders as {{name}}");
                }
                String name = trimmed.substring(i + 2, end).trim();
                if (name.isEmpty() || !name.matches("[A-Za-z0-9_.]+")) {
                    throw new TemplateException("template placeholder '{{" + name + "}}' is not a name; fix: use "
                            + "letters, digits, '_' or '.', e.g. {{" + payloadName + "}}");
                }
                if (literal.length() > 0) {
                    byte[] bytes = literal.toString().getBytes(StandardCharsets.UTF_8);
                    literalBytes += bytes.length;
                    segments.add(bytes);
                    literal.setLength(0);
                }
                boolean payload = name.equals(payloadName);
                sawPayload |= payload;
                if (!payload) {
                    otherSlots++;
                    names.add(name);
                }
                segments.add(new Slot(name, payload, inString));
                i = end + 2;
                continue;
            }
            if (c == '"') {
                inString = !inString;
            } else if (c == '\\' && inString && i + 1 < n) {
                literal.append(c).append(trimmed.charAt(i + 1));
                i += 2;
                continue;
            }
            literal.append(c);
            i++;
        }
        if (literal.length() > 0) {
            byte[] bytes = literal.toString().getBytes(StandardCharsets.UTF_8);
            literalBytes += bytes.length;
            segments.add(bytes);
        }
        if (!sawPayload) {
            throw new TemplateException("template lacks the required placeholder {{" + payloadName + "}}; fix: put "
                    + "{{" + payloadName + "}} where the data goes, or use exactly {{" + payloadName
                    + "}} to send raw bytes");
        }
        return new MessageTemplate(template, payloadName, segments.toArray(), literalBytes, otherSlots, names);
    }

    /** True when the template is exactly the payload placeholder: send the raw bytes in a binary frame. */
    public boolean isRawPayload() {
        return rawPayload;
    }

    /** Placeholder names other than the payload's, in order of first use. */
    public Set<String> placeholderNames() {
        return placeholderNames;
    }

    public String payloadName() {
        return payloadName;
    }

    /** A buffer size that holds the message for {@code payloadBytes} of payload (values assumed ≤ 256 bytes). */
    public int encodedLengthUpperBound(int payloadBytes) {
        return literalBytes + Base64Codec.encodedLength(payloadBytes) + otherSlots * VALUE_BYTES_HINT;
    }

    /**
     * Writes the message for {@code length} payload bytes at {@code index} of {@code payload} into {@code out}.
     * Neither buffer is released here; {@code payload}'s indices do not move. Unknown placeholders are left empty.
     * Allocation-free when {@code values} is.
     */
    public void encode(ByteBuf payload, int index, int length, TemplateValues values, ByteBuf out) {
        for (Object segment : segments) {
            if (segment instanceof byte[]) {
                out.writeBytes((byte[]) segment);
            } else {
                Slot slot = (Slot) segment;
                if (slot.payload()) {
                    Base64Codec.encode(payload, index, length, out);
                } else {
                    values.write(slot.name(), slot.insideJsonString(), out);
                }
            }
        }
    }

    /**
     * As {@link #encode}, with the payload already base64-encoded: {@code base64Length} bytes at {@code base64Index}
     * of {@code base64} are copied into the payload slot. For audio shared by every call (utterances, silence),
     * encoded once per run, so each frame is a few copies instead of a base64 pass. Neither buffer is released;
     * indices do not move. Not for raw-payload templates (there the payload goes as binary, unencoded).
     */
    public void encodePreencoded(ByteBuf base64, int base64Index, int base64Length, TemplateValues values,
                                 ByteBuf out) {
        for (Object segment : segments) {
            if (segment instanceof byte[]) {
                out.writeBytes((byte[]) segment);
            } else {
                Slot slot = (Slot) segment;
                if (slot.payload()) {
                    out.writeBytes(base64, base64Index, base64Length);
                } else {
                    values.write(slot.name(), slot.insideJsonString(), out);
                }
            }
        }
    }

    /**
     * The template with every placeholder filled (the payload's left empty), for messages sent once.
     *
     * @throws TemplateException naming a placeholder that {@code values} does not know
     */
    public String render(TemplateValues values) {
        ByteBuf out = Unpooled.buffer(literalBytes + otherSlots * 32);
        try {
            for (Object segment : segments) {
                if (segment instanceof byte[]) {
                    out.writeBytes((byte[]) segment);
                } else {
                    Slot slot = (Slot) segment;
                    if (!slot.payload() && !values.write(slot.name(), slot.insideJsonString(), out)) {
                        throw new TemplateException("unknown placeholder {{" + slot.name() + "}}");
                    }
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
