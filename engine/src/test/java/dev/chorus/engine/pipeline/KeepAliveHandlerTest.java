package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KeepAliveHandlerTest {
    private static int keepAlives(EmbeddedChannel ch) {
        int n = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            assertThat(((TextWebSocketFrame) o).text()).isEqualTo("{\"type\":\"KeepAlive\"}");
            ((TextWebSocketFrame) o).release();
            n++;
        }
        return n;
    }

    private static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void sendsEveryIntervalFromReadyUntilTheCloseFrame() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new KeepAliveHandler("{\"type\":\"KeepAlive\"}", 5000, TemplateValues.NONE));
        advance(ch, 20_000);
        assertThat(keepAlives(ch)).as("nothing before ready").isZero();
        ch.pipeline().fireUserEventTriggered(new SessionReady(null, 0, true));
        advance(ch, 4_999);
        assertThat(keepAlives(ch)).isZero();
        advance(ch, 1);
        assertThat(keepAlives(ch)).isEqualTo(1);
        advance(ch, 10_000);
        assertThat(keepAlives(ch)).isEqualTo(2);
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "hang_up"));
        ((CloseWebSocketFrame) ch.readOutbound()).release();
        advance(ch, 20_000);
        assertThat(keepAlives(ch)).isZero();
        assertFalse(ch.finish());
    }
}
