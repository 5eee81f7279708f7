package dev.chorus.engine.pipeline;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PlaybackFlushHandlerTest {
    @Test
    void flushesThePlaybackAtTheArrivalOfEachListedType() {
        RecordingTimeline timeline = new RecordingTimeline();
        timeline.endNanos = 5_000;
        EmbeddedChannel ch = new EmbeddedChannel(new PlaybackFlushHandler(List.of("clear", "interruption"), timeline));
        ch.writeInbound(new AgentMessage("mark", null, null, 1_000));
        ch.writeInbound(new AgentMessage(null, null, null, 1_500));
        ch.writeInbound(new AgentMessage("clear", null, null, 2_000));
        ch.writeInbound(new AgentMessage("interruption", null, null, 3_000));
        assertThat(timeline.flushes).containsExactly("clear@2000", "interruption@3000");
        assertThat(timeline.endNanos).isEqualTo(2_000);
        for (int i = 0; i < 4; i++) {
            assertThat((Object) ch.readInbound()).isInstanceOf(AgentMessage.class);
        }
        assertFalse(ch.finish());
    }
}
