package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Decoded agent audio: mono PCM16LE at the agent file's {@code receive_sample_rate_hertz}, with its arrival time.
 *
 * <p>Not thread-safe, and reused: {@link AgentMessageDecoder} fills one instance per channel for every audio
 * message, so a receiver must not keep the instance after {@code channelRead} returns. The receiver owns
 * {@link #pcm()} and releases it.
 */
public final class AgentAudio {
    private ByteBuf pcm;
    private long arrivalNanos;

    /** A fresh instance (for tests and other producers); {@link AgentMessageDecoder} reuses its own. */
    public static AgentAudio of(ByteBuf pcm, long arrivalNanos) {
        return new AgentAudio().set(pcm, arrivalNanos);
    }

    AgentAudio set(ByteBuf pcm, long arrivalNanos) {
        this.pcm = pcm;
        this.arrivalNanos = arrivalNanos;
        return this;
    }

    /** Mono PCM16LE; the receiver releases it. */
    public ByteBuf pcm() {
        return pcm;
    }

    /** {@link System#nanoTime()} when the frame was read. */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    @Override
    public String toString() {
        return "AgentAudio[bytes=" + (pcm == null ? 0 : pcm.readableBytes()) + ", arrivalNanos=" + arrivalNanos + "]";
    }
}
