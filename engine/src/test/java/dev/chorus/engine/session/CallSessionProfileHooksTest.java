package dev.chorus.engine.session;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.engine.metrics.RunMetrics;
import dev.chorus.engine.pipeline.AgentAudio;
import dev.chorus.engine.pipeline.PlaybackTimeline;
import dev.chorus.engine.pipeline.SessionReady;
import dev.chorus.engine.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The two hooks the protocol profile handlers use: extra placeholders, and the playback timeline. */
class CallSessionProfileHooksTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final List<SessionResult> results = new ArrayList<>();
    private EmbeddedChannel ch;

    private CallSession open(String agentExtra) throws Exception {
        CompiledAgent agent = CompiledAgent.compile(Fixtures.agent("wss://agent.example/ws", agentExtra, dir));
        PreparedTestCase plan = PreparedTestCase.prepare(Fixtures.tests("case-1",
                "[{\"pause_ms\": 5000}, {\"hang_up\": true}]", dir).testCases().get(0), agent, new HashMap<>());
        CallSession session = new CallSession(agent, plan, "call-1", "run-1", now.get(), now::get, new RunMetrics(),
                results::add);
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(session);
        return session;
    }

    @Test
    void profilePlaceholdersComeBeforeCaptures() throws Exception {
        CallSession session = open("\"profile\": \"twilio\", \"initialization_json\": "
                + "{\"sid\": \"{{stream_sid}}\", \"call\": \"{{call_id}}\"}");
        session.profileValues((name, inside, out) -> name.equals("stream_sid")
                && out.writeCharSequence("MZ42", StandardCharsets.US_ASCII) > 0);
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        TextWebSocketFrame init = ch.readOutbound();
        assertThat(init.text()).isEqualTo("{\"sid\":\"MZ42\",\"call\":\"call-1\"}");
        init.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void flushCutsThePlaybackAndTheAgentsSpeechWhereItHappens() throws Exception {
        CallSession session = open("\"receive_sample_rate_hertz\": 16000");
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        ch.pipeline().fireUserEventTriggered(new SessionReady("s", now.get(), true));
        PlaybackTimeline timeline = session.playbackTimeline();
        long arrival = now.get();
        ByteBuf speech = Unpooled.buffer();
        for (short s : SpeechLikeSignal.generate(16000, 1000, 3)) {
            speech.writeShortLE(s);
        }
        ch.writeInbound(AgentAudio.of(speech, arrival));
        assertThat(timeline.playbackEndNanos()).isEqualTo(arrival + 1000 * MS);
        now.addAndGet(300 * MS);
        ch.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        timeline.flushPlayback(now.get(), "clear");
        assertThat(timeline.playbackEndNanos()).isEqualTo(arrival + 300 * MS);
        timeline.protocolEvent(now.get(), "mark_echo", "m1");
        session.stop();
        ch.finishAndReleaseAll();
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.transcript()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo("playback_flush");
                assertThat(e.text()).isEqualTo("clear");
                assertThat(e.startMillis()).isEqualTo(300.0);
            });
            assertThat(r.transcript()).anySatisfy(e -> assertThat(e.type() + " " + e.text()).isEqualTo("mark_echo m1"));
            // The agent's turn ends where its audio stopped playing, not 700 ms after the audio's own end.
            assertThat(r.transcript()).filteredOn(e -> "agent".equals(e.role())).singleElement()
                    .satisfies(e -> assertThat(e.endMillis()).isLessThanOrEqualTo(300.0));
        });
    }
}
