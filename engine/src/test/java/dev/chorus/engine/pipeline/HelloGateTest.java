package dev.chorus.engine.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HelloGateTest {
    @Test
    void holdsTheInitUntilTheAgentsHelloThenRemovesItself() {
        EmbeddedChannel ch = new EmbeddedChannel(new HelloGate("Welcome"));
        List<Object> passed = new ArrayList<>();
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                passed.add(msg);
            }
        });
        ch.writeAndFlush(new TextWebSocketFrame("{\"type\":\"Settings\"}"));
        ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(new byte[640]), 0, 640, null));
        assertThat((Object) ch.readOutbound()).isNull();

        ch.writeInbound(new AgentMessage("Other", null, null, 1));
        assertThat((Object) ch.readOutbound()).isNull();
        ch.writeInbound(new AgentMessage("Welcome", null, null, 2));
        TextWebSocketFrame init = ch.readOutbound();
        assertThat(init.text()).isEqualTo("{\"type\":\"Settings\"}");
        init.release();
        assertThat((Object) ch.readOutbound()).isInstanceOf(CallerAudio.class);
        assertThat(passed).extracting(m -> ((AgentMessage) m).type()).containsExactly("Other", "Welcome");
        assertThat(ch.pipeline().get(HelloGate.class)).isNull();
        assertFalse(ch.finish());
    }

    /** The upgrade request is written from the pipeline's tail, through the gate: it must not wait for a hello. */
    @Test
    void passesTheUpgradeRequestAndFailsWhatItHeldWhenTheCallEnds() {
        EmbeddedChannel ch = new EmbeddedChannel(new HelloGate("Welcome"));
        FullHttpRequest upgrade = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/agent");
        ch.writeAndFlush(upgrade);
        assertThat((Object) ch.readOutbound()).isSameAs(upgrade);
        upgrade.release();
        TextWebSocketFrame init = new TextWebSocketFrame("{\"type\":\"Settings\"}");
        var future = ch.writeAndFlush(init);
        ch.close();
        assertThat(future.isDone()).isTrue();
        assertThat(future.cause()).hasMessageContaining("Welcome");
        assertThat(init.refCnt()).as("released").isZero();
        assertFalse(ch.finish());
    }
}
