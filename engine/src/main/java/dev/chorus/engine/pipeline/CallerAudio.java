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

    public CallerAudio set(ByteBuf source, int index, int length, TemplateValues values) {
        this.source = source;
        this.index = index;
        this.length = length;
        this.values = values;
        return this;
    }

    CallerAudio copy() {
        return new CallerAudio().set(source, index, length, values);
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

    /** Values for the template's other placeholders ({@code {{seq}}}, {@code {{call_id}}} …). */
    public TemplateValues values() {
        return values;
    }
}
