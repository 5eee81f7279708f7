package dev.chorus.engine.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.List;
import java.util.Set;

/**
 * Flushes the call's simulated playback when the agent says to ({@code playback_flush_message_types}: Twilio
 * {@code clear}, ElevenLabs {@code interruption}, Deepgram {@code UserStartedSpeaking}, OpenAI
 * {@code input_audio_buffer.speech_started}, Gemini {@code serverContent.interrupted}): the agent audio that has not
 * played by the message's arrival is dropped, as a real caller's player would drop it. The message is passed on.
 * Not sharable; runs on its channel's event loop.
 */
public final class PlaybackFlushHandler extends ChannelInboundHandlerAdapter {
    private final Set<String> types;
    private final PlaybackTimeline playback;

    public PlaybackFlushHandler(List<String> types, PlaybackTimeline playback) {
        this.types = Set.copyOf(types);
        this.playback = playback;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AgentMessage) {
            AgentMessage m = (AgentMessage) msg;
            if (m.type() != null && types.contains(m.type())) {
                playback.flushPlayback(m.arrivalNanos(), m.type());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
