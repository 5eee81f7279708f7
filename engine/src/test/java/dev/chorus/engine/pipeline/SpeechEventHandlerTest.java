package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SpeechEventHandlerTest {
    private final ByteBuf silence = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[640]));
    private final ByteBuf utteranceA = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[640 * 3]));
    private final ByteBuf utteranceB = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[640 * 2]));
    private final RecordingTimeline timeline = new RecordingTimeline();
    private final CallerAudio frame = new CallerAudio();

    /** What went out, as it went (the session reuses its CallerAudio): "S" / "C" events, "." silence, "a" / "b". */
    private final StringBuilder wire = new StringBuilder();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object o, ChannelPromise promise) {
                if (o instanceof TextWebSocketFrame) {
                    wire.append(((TextWebSocketFrame) o).text().contains("started") ? "S" : "C");
                } else if (o instanceof CallerAudio) {
                    ByteBuf s = ((CallerAudio) o).source();
                    wire.append(s == silence ? "." : s == utteranceA ? "a" : "b");
                } else {
                    wire.append("|");
                }
                ReferenceCountUtil.release(o);
                promise.setSuccess();
            }
        }, new SpeechEventHandler(silence, "{\"type\":\"speech.started\"}", "{\"type\":\"speech.completed\"}",
                "speech.started", timeline));
    }

    private void send(EmbeddedChannel ch, ByteBuf source, int frames) {
        for (int i = 0; i < frames; i++) {
            ch.writeAndFlush(frame.set(source, source == silence ? 0 : i * 640, 640, null));
        }
    }

    @Test
    void bracketsEachUtteranceWithStartedAndCompleted() {
        EmbeddedChannel ch = channel();
        send(ch, silence, 2);
        send(ch, utteranceA, 3);
        send(ch, utteranceB, 2);
        send(ch, silence, 1);
        send(ch, utteranceA, 3);
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "hang_up"));
        assertThat(wire.toString()).isEqualTo("..SaaaCSbbC.SaaaC|");
        assertFalse(ch.finish());
    }

    @Test
    void theAgentsSpeechStartedWhileTheCallerSpeaksIsAServerBargeIn() {
        EmbeddedChannel ch = channel();
        List<Object> passed = new ArrayList<>();
        ch.writeInbound(new AgentMessage("speech.started", null, null, 10));
        send(ch, utteranceA, 2);
        ch.writeInbound(new AgentMessage("speech.started", null, null, 20));
        ch.writeInbound(new AgentMessage("speech.completed", null, null, 30));
        send(ch, silence, 1);
        ch.writeInbound(new AgentMessage("speech.started", null, null, 40));
        Object m;
        while ((m = ch.readInbound()) != null) {
            passed.add(m);
        }
        assertThat(passed).hasSize(4);
        assertThat(timeline.events).singleElement().satisfies(e -> assertThat(e).startsWith("agent_barge_in:")
                .endsWith("@20"));
        assertThat(wire.toString()).isEqualTo("SaaC.");
        assertFalse(ch.finish());
    }
}
