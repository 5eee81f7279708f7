package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MarkEchoHandlerTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final RecordingTimeline timeline = new RecordingTimeline();
    private EmbeddedChannel ch;

    private EmbeddedChannel channel() {
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new MarkEchoHandler("mark", "clear", "mark_name",
                "{\"event\":\"mark\",\"mark\":{\"name\":\"{{mark_name}}\"}}", List.of("other", "mark_name"),
                TemplateValues.NONE, timeline, now::get));
        return ch;
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * MS);
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private void mark(String name) {
        ch.writeInbound(new AgentMessage("mark", null, null, now.get(), new String[] {null, name}));
        assertThat(((AgentMessage) ch.readInbound()).type()).as("passed on").isEqualTo("mark");
    }

    private String echoed() {
        TextWebSocketFrame f = ch.readOutbound();
        if (f == null) {
            return null;
        }
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Test
    void echoesAMarkWhenThePlaybackBeforeItHasPlayed() {
        channel();
        timeline.endNanos = now.get() + 600 * MS;
        mark("m\"1");
        assertThat(echoed()).isNull();
        advanceMillis(599);
        assertThat(echoed()).isNull();
        advanceMillis(1);
        assertThat(echoed()).isEqualTo("{\"event\":\"mark\",\"mark\":{\"name\":\"m\\\"1\"}}");
        assertThat(timeline.events).containsExactly("mark_echo:m\"1@" + now.get());
        // Nothing waiting to play: echoed on arrival.
        mark("m2");
        assertThat(echoed()).contains("\"m2\"");
        assertFalse(ch.finish());
    }

    @Test
    void clearReturnsEveryPendingMarkAtOnceInOrder() {
        channel();
        timeline.endNanos = now.get() + 500 * MS;
        mark("a");
        timeline.endNanos = now.get() + 900 * MS;
        mark("b");
        advanceMillis(100);
        assertThat(echoed()).isNull();
        ch.writeInbound(new AgentMessage("clear", null, null, now.get()));
        assertThat(echoed()).contains("\"a\"");
        assertThat(echoed()).contains("\"b\"");
        assertThat(((AgentMessage) ch.readInbound()).type()).isEqualTo("clear");
        advanceMillis(1000);
        assertThat(echoed()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void marksPendingAtHangUpAreDropped() {
        channel();
        timeline.endNanos = now.get() + 300 * MS;
        mark("late");
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "hang_up"));
        CloseWebSocketFrame close = ch.readOutbound();
        close.release();
        advanceMillis(400);
        assertThat(echoed()).isNull();
        assertThat(timeline.events).isEmpty();
        assertFalse(ch.finish());
    }
}
