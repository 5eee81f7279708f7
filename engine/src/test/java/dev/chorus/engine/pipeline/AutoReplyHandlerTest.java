package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AutoReplyHandlerTest {
    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new AutoReplyHandler(List.of(new AutoReplyHandler.Rule("ping",
                "{\"type\":\"pong\",\"event_id\":{{ping_event_id}}}", 1)), List.of("other", "ping_event_id"),
                TemplateValues.NONE));
    }

    @Test
    void answersEachPingWithItsOwnIdAndPassesItOn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new AgentMessage("ping", null, null, 1, new String[] {null, "3"}));
        ch.writeInbound(new AgentMessage("ping", null, null, 2, new String[] {"x", "4"}));
        for (String id : new String[] {"3", "4"}) {
            TextWebSocketFrame pong = ch.readOutbound();
            assertThat(pong.text()).isEqualTo("{\"type\":\"pong\",\"event_id\":" + id + "}");
            pong.release();
        }
        assertThat(((AgentMessage) ch.readInbound()).type()).isEqualTo("ping");
        assertThat(((AgentMessage) ch.readInbound()).type()).isEqualTo("ping");
        assertFalse(ch.finish());
    }

    @Test
    void leavesPingsWithoutAnIdAndOtherMessagesUnanswered() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new AgentMessage("ping", null, null, 1, null));
        ch.writeInbound(new AgentMessage("ping", null, null, 1, new String[] {"x", null}));
        ch.writeInbound(new AgentMessage("audio_done", null, null, 1, new String[] {null, "9"}));
        assertThat((Object) ch.readOutbound()).isNull();
        for (int i = 0; i < 3; i++) {
            assertThat((Object) ch.readInbound()).isInstanceOf(AgentMessage.class);
        }
        assertFalse(ch.finish());
    }

    /** RFC 6455 §5.5.1: once the caller's close frame is out, a ping that arrives is passed on, not answered. */
    @Test
    void answersNothingAfterTheCallersCloseFrame() {
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new CloseWebSocketFrame(1000, "hang_up"));
        CloseWebSocketFrame close = ch.readOutbound();
        close.release();
        ch.writeInbound(new AgentMessage("ping", null, null, 1, new String[] {null, "5"}));
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(((AgentMessage) ch.readInbound()).type()).isEqualTo("ping");
        assertFalse(ch.finish());
    }
}
