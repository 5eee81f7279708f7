package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.nio.charset.StandardCharsets;

/**
 * Speech events around the caller's utterances, and server barge-in (CHIRP, as Cekura and Bluejay speak it):
 *
 * <pre>
 *   out:  … silence | {"type":"speech.started"} utterance frames … | {"type":"speech.completed"} silence …
 *   in:   {"type":"speech.started"} while the caller speaks  ──►  agent_barge_in transcript event
 * </pre>
 *
 * An utterance is told from the microphone's silence by its frames' source: silence frames are the agent's one
 * shared silence buffer, utterance frames slices of the utterance's audio, the first at index 0. The completed event
 * goes before the first silence frame after an utterance (one frame late; CHIRP does not bracket events strictly
 * around their audio), or before the close frame. Allocation-free for audio frames. Not sharable; runs on its
 * channel's event loop.
 */
public final class SpeechEventHandler extends ChannelDuplexHandler {
    private final ByteBuf silenceFrame;
    private final byte[] started;
    private final byte[] completed;
    private final String agentStartedType;
    private final PlaybackTimeline playback;
    private boolean speaking;

    /**
     * @param silenceFrame     the call's shared silence frame (compared by identity)
     * @param startedMessage   JSON text sent before each utterance
     * @param completedMessage JSON text sent after it
     * @param agentStartedType the agent's own speech-started type: a server barge-in while the caller speaks
     */
    public SpeechEventHandler(ByteBuf silenceFrame, String startedMessage, String completedMessage,
                              String agentStartedType, PlaybackTimeline playback) {
        this.silenceFrame = silenceFrame;
        this.started = startedMessage.getBytes(StandardCharsets.UTF_8);
        this.completed = completedMessage.getBytes(StandardCharsets.UTF_8);
        this.agentStartedType = agentStartedType;
        this.playback = playback;
    }

    /** Whether a caller utterance is being sent. */
    public boolean speaking() {
        return speaking;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CallerAudio) {
            CallerAudio a = (CallerAudio) msg;
            boolean speech = a.source() != silenceFrame;
            if (speech && (!speaking || a.index() == 0)) {
                if (speaking) {
                    send(ctx, completed);
                }
                send(ctx, started);
                speaking = true;
            } else if (!speech && speaking) {
                send(ctx, completed);
                speaking = false;
            }
        } else if (msg instanceof CloseWebSocketFrame && speaking) {
            send(ctx, completed);
            speaking = false;
        }
        ctx.write(msg, promise);
    }

    private static void send(ChannelHandlerContext ctx, byte[] json) {
        ctx.write(new TextWebSocketFrame(ctx.alloc().buffer(json.length).writeBytes(json)), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (speaking && msg instanceof AgentMessage && agentStartedType.equals(((AgentMessage) msg).type())) {
            playback.protocolEvent(((AgentMessage) msg).arrivalNanos(), "agent_barge_in",
                    "the agent started speaking while the caller spoke");
        }
        ctx.fireChannelRead(msg);
    }
}
