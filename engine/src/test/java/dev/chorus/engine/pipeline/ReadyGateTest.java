package dev.chorus.engine.pipeline;

import dev.chorus.engine.session.CallFailedException;
import dev.chorus.engine.session.ErrorClass;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ReadyGateTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Tail tail = new Tail();

    private EmbeddedChannel channel(String readyType, boolean requireSessionId) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(PipelineNames.READY_GATE, new ReadyGate(readyType, requireSessionId, "session_id",
                now.get() + TimeUnit.SECONDS.toNanos(30), 30_000, now::get));
        ch.pipeline().addLast(tail);
        return ch;
    }

    private static CallerAudio audio() {
        return new CallerAudio().set(Unpooled.wrappedBuffer(new byte[640]), 0, 640, null);
    }

    @Test
    void holdsAudioUntilSessionReady() {
        EmbeddedChannel ch = channel("session_ready", true);
        ch.writeAndFlush(new TextWebSocketFrame("{\"init\":1}"));
        ch.writeAndFlush(audio());
        TextWebSocketFrame init = ch.readOutbound();
        assertThat(init.text()).isEqualTo("{\"init\":1}");
        init.release();
        assertThat((Object) ch.readOutbound()).isNull();

        ch.writeInbound(new AgentMessage("session_ready", "abc", null, 5));
        assertThat(tail.events).singleElement().isEqualTo(new SessionReady("abc", 5, true));
        assertThat(tail.messages).isEmpty();
        Object held = ch.readOutbound();
        assertThat(held).isInstanceOf(CallerAudio.class);
        assertThat(((CallerAudio) held).length()).isEqualTo(640);
        assertThat(ch.pipeline().get(PipelineNames.READY_GATE)).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void passesOtherMessagesBeforeReady() {
        EmbeddedChannel ch = channel("session_ready", true);
        AgentMessage hello = new AgentMessage("hello", null, null, 1);
        ch.writeInbound(hello);
        assertThat(tail.messages).containsExactly(hello);
        assertThat(tail.events).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void failsReadyWithoutSessionIdWhenRequired() {
        EmbeddedChannel ch = channel("session_ready", true);
        ch.writeAndFlush(audio());
        ch.writeInbound(new AgentMessage("session_ready", null, null, 1));
        assertThat(tail.errors).singleElement().satisfies(e -> {
            assertThat(e).isInstanceOf(CallFailedException.class);
            assertThat(((CallFailedException) e).errorClass()).isEqualTo(ErrorClass.MISSING_SESSION_ID);
            assertThat(e.getMessage()).contains("session_id");
        });
        assertThat(tail.events).isEmpty();
        assertThat((Object) ch.readOutbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void acceptsReadyWithoutSessionIdWhenNotRequired() {
        EmbeddedChannel ch = channel("session_ready", false);
        ch.writeInbound(new AgentMessage("session_ready", null, null, 7));
        assertThat(tail.events).containsExactly(new SessionReady(null, 7, true));
        assertFalse(ch.finish());
    }

    @Test
    void firesHandshakeTimeoutAtTheDeadline() {
        EmbeddedChannel ch = channel("session_ready", true);
        ch.writeAndFlush(audio());
        now.addAndGet(TimeUnit.SECONDS.toNanos(29));
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(tail.errors).isEmpty();
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(tail.errors).singleElement().satisfies(e ->
                assertThat(((CallFailedException) e).errorClass()).isEqualTo(ErrorClass.HANDSHAKE_TIMEOUT));
        // A late ready message no longer opens the gate.
        ch.writeInbound(new AgentMessage("session_ready", "late", null, 9));
        assertThat(tail.events).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void opensWhenTheWebSocketOpensIfTheGateIsDisabled() {
        EmbeddedChannel ch = channel("", false);
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(tail.events).hasSize(2);
        assertThat(tail.events.get(0)).isEqualTo(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(tail.events.get(1)).isInstanceOfSatisfying(SessionReady.class, r -> {
            assertThat(r.gated()).isFalse();
            assertThat(r.sessionId()).isNull();
        });
        assertThat(ch.pipeline().get(PipelineNames.READY_GATE)).isNull();
        // Nothing is scheduled any more: the timeout was cancelled.
        ch.advanceTimeBy(60, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(tail.errors).isEmpty();
        assertFalse(ch.finish());
    }

    /** Records what reaches the bottom of the pipeline. */
    static final class Tail extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<Object> messages = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }
}
