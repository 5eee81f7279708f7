package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;

/**
 * One outbound audio frame: {@code length} bytes at {@code index} of a shared, read-only source buffer (the
 * pre-encoded utterance or silence), already in the agent's send encoding.
 *
 * <p>Not thread-safe, and reused by its session for every frame; {@link ReadyGate} copies it if it must hold it.
 * Nobody releases {@link #source()}: it is owned by the prepared test case and outlives the call.
 */
public final class CallerAudio {
    private ByteBuf source;
    private int index;
    private int length;
    private TemplateValues values;
    private ByteBuf base64;
    private int base64Index;
    private int base64Length;

    public CallerAudio set(ByteBuf source, int index, int length, TemplateValues values) {
        this.source = source;
        this.index = index;
        this.length = length;
        this.values = values;
        this.base64 = null;
        return this;
    }

    /**
     * The same frame already base64-encoded: {@code base64Length} bytes at {@code base64Index} of a shared buffer
     * that nobody releases (set after {@link #set}; null when there is none).
     */
    public CallerAudio base64(ByteBuf base64, int base64Index, int base64Length) {
        this.base64 = base64;
        this.base64Index = base64Index;
        this.base64Length = base64Length;
        return this;
    }

    CallerAudio copy() {
        return new CallerAudio().set(source, index, length, values).base64(base64, base64Index, base64Length);
    }

    public ByteBuf source() {
        return source;
    }

    public int index() {
        return index;
    }

    public int length() {
        return length;
    }

    /** The frame pre-encoded as base64, or null. */
    public ByteBuf base64() {
        return base64;
    }

    public int base64Index() {
        return base64Index;
    }

    public int base64Length() {
        return base64Length;
    }

    /** Values for the template's other placeholders ({@code {{seq}}}, {@code {{call_id}}} …). */
    public TemplateValues values() {
        return values;
    }
}
