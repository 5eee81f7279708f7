package dev.chorus.engine.session;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.RunMetrics;
import dev.chorus.engine.pipeline.AgentAudio;
import dev.chorus.engine.pipeline.CallerAudio;
import dev.chorus.engine.pipeline.SessionReady;
import dev.chorus.engine.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The call state machine on an EmbeddedChannel with an injected clock: pacing, script, metrics. */
class CallSessionTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final RunMetrics metrics = new RunMetrics();
    private final List<SessionResult> results = new ArrayList<>();
    private EmbeddedChannel ch;
    private PreparedTestCase plan;

    private CallSession open(String agentExtra, String script) throws Exception {
        CompiledAgent agent = CompiledAgent.compile(Fixtures.agent("wss://agent.example/ws", agentExtra, dir));
        plan = PreparedTestCase.prepare(Fixtures.tests("case-1", script, dir).testCases().get(0),
                agent, new HashMap<>());
        CallSession session = new CallSession(agent, plan, "call-1", "run-1", now.get(), now::get, metrics,
                results::add);
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(session);
        return session;
    }

    private void advance(long nanos) {
        now.addAndGet(nanos);
        ch.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }

    private void openWebSocketAndReady() {
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        ch.pipeline().fireUserEventTriggered(new SessionReady("s-9", now.get(), true));
    }

    private int drainAudioFrames() {
        int n = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof CallerAudio) {
                n++;
            } else {
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        return n;
    }

    @Test
    void sendsTheInitMessageWithPlaceholdersWhenTheWebSocketOpens() throws Exception {
        open("\"initialization_json\": {\"action\": \"start\", \"call\": \"{{call_id}}\", \"case\": \"{{test_case_id}}\"}",
                "[{\"pause_ms\": 100}, {\"hang_up\": true}]");
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        TextWebSocketFrame init = ch.readOutbound();
        assertThat(init.text()).isEqualTo("{\"action\":\"start\",\"call\":\"call-1\",\"case\":\"case-1\"}");
        init.release();
        assertThat((Object) ch.readOutbound()).as("no audio before ready").isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void pacesFramesAtAbsoluteDeadlinesWithoutDrift() throws Exception {
        open("", "[{\"pause_ms\": 30000}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        int frames = drainAudioFrames();
        assertThat(frames).as("frame 0 goes at once").isEqualTo(1);
        java.util.Random random = new java.util.Random(7);
        long t0 = now.get();
        for (int k = 1; k <= 1000; k++) {
            // The timer fires late by up to 3 ms each time; deadlines stay at t0 + k x 20 ms, so nothing drifts.
            long lateness = random.nextInt(3) == 0 ? random.nextInt((int) (3 * MS)) : 0;
            advance(t0 + k * 20 * MS + lateness - now.get());
            frames += drainAudioFrames();
            assertThat(frames).isEqualTo(k + 1);
        }
        metrics.sample();
        assertThat(metrics.total(Metric.SEND_LAG).getMaxValue()).isLessThan(3_000L);
        assertThat(metrics.total(Metric.SEND_LAG).getTotalCount()).isEqualTo(1001);
        assertThat(metrics.lateFrames()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void catchesUpAfterAStallAndCountsLateFrames() throws Exception {
        open("", "[{\"pause_ms\": 1000}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        drainAudioFrames();
        now.addAndGet(100 * MS);
        ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainAudioFrames()).as("frames 1..5 in one wake-up").isEqualTo(5);
        assertThat(metrics.lateFrames()).as("frames 1..4 were a whole period late").isEqualTo(4);
        metrics.sample();
        assertThat(metrics.total(Metric.SEND_LAG).getMaxValue()).isBetween(79_000L, 81_000L);
        ch.finishAndReleaseAll();
    }

    @Test
    void skipsFramesTooFarOverdueAndCountsThem() throws Exception {
        open("", "[{\"pause_ms\": 5000}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        drainAudioFrames();
        // The loop stalls for 1 s: frames 1..24 are more than 500 ms overdue (skipped), 25..50 are caught up.
        now.addAndGet(1000 * MS);
        ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainAudioFrames()).isEqualTo(26);
        assertThat(metrics.skippedFrames()).isEqualTo(24);
        assertThat(metrics.lateFrames()).isEqualTo(25);
        ch.finishAndReleaseAll();
    }

    @Test
    void startOffsetDelaysTheFirstFrameWithinOneChunk() throws Exception {
        CallSession session = open("", "[{\"pause_ms\": 1000}, {\"hang_up\": true}]");
        session.startOffset(7 * MS);
        openWebSocketAndReady();
        assertThat(drainAudioFrames()).isZero();
        advance(7 * MS);
        assertThat(drainAudioFrames()).isEqualTo(1);
        advance(20 * MS);
        assertThat(drainAudioFrames()).isEqualTo(1);
        metrics.sample();
        assertThat(metrics.total(Metric.SEND_LAG).getMaxValue()).isLessThan(100L);
        ch.finishAndReleaseAll();
    }

    @Test
    void measuresTurnFromThePlannedLastFrameToAgentSpeechPlayback() throws Exception {
        open("\"receive_sample_rate_hertz\": 16000",
                "[{\"say\": \"Hello there.\"}, {\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        // "Hello there." is synthesised (TextToSpeech) as n frames of 20 ms, the last planned at (n - 1) × 20 ms.
        int n = ((PreparedTestCase.Utterance) plan.steps().get(0)).frames();
        long t0 = now.get();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                advance(20 * MS);
            }
        }
        drainAudioFrames();
        long lastFramePlanned = t0 + (n - 1) * 20 * MS;
        assertThat(now.get()).isEqualTo(lastFramePlanned);
        // The agent answers 300 ms later: 100 ms of silence and then speech, in one burst.
        advance(300 * MS);
        short[] speech = SpeechLikeSignal.generate(16000, 1000, 3);
        ByteBuf burst = Unpooled.buffer();
        burst.writeZero(1600 * 2);
        for (short s : speech) {
            burst.writeShortLE(s);
        }
        ch.writeInbound(AgentAudio.of(burst, now.get()));
        // Speech plays from +400 ms to +1400 ms; 700 ms of quiet later the turn is over and the caller hangs up.
        for (int i = 0; i < 100 && results.isEmpty(); i++) {
            advance(20 * MS);
            Object o;
            while ((o = ch.readOutbound()) != null) {
                if (o instanceof CloseWebSocketFrame) {
                    assertThat(((CloseWebSocketFrame) o).statusCode()).isEqualTo(1000);
                    ((CloseWebSocketFrame) o).release();
                    ch.writeInbound(new CloseWebSocketFrame(1000, "bye"));
                } else {
                    io.netty.util.ReferenceCountUtil.release(o);
                }
            }
        }
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.passed()).isTrue();
            assertThat(r.sessionId()).isEqualTo("s-9");
            assertThat(r.firstAudioMillis()).singleElement().satisfies(v -> assertThat(v).isCloseTo(300.0, within(0.01)));
            assertThat(r.turnMillis()).singleElement().satisfies(v -> assertThat(v).isCloseTo(400.0, within(3.0)));
            assertThat(r.transcript()).extracting(TranscriptEntry::role).contains("user", "agent");
            TranscriptEntry agentTurn = r.transcript().stream().filter(e -> e.role().equals("agent")).findFirst()
                    .orElseThrow();
            assertThat(agentTurn.endMillis() - agentTurn.startMillis()).isCloseTo(1000.0, within(40.0));
        });
        assertFalse(ch.finish());
    }

    /**
     * Agent speech sent exactly in real time arrives with timer jitter on either side of the end of the audio before
     * it; that is no underrun. Chunks that come 5 ms after the playback ran dry are, each of them.
     */
    @Test
    void countsUnderrunsOnlyForAgentAudioThatArrivesAudiblyLate() throws Exception {
        open("\"receive_sample_rate_hertz\": 16000", "[{\"pause_ms\": 5000}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        short[] speech = SpeechLikeSignal.generate(16000, 600, 5);
        long start = now.get();
        long arrival = start;
        for (int k = 0; k < 30; k++) {
            // Chunks 0..19 every 20 ms, each late by 0 or 1 ms (jitter); chunks 20..29 each 25 ms after the last.
            long due = k < 20 ? start + k * 20 * MS + (k % 2) * MS : arrival + 25 * MS;
            advance(due - now.get());
            drainAudioFrames();
            arrival = now.get();
            ByteBuf chunk = Unpooled.buffer(640);
            for (int i = k * 320; i < (k + 1) * 320; i++) {
                chunk.writeShortLE(speech[i]);
            }
            ch.writeInbound(AgentAudio.of(chunk, arrival));
        }
        assertThat(metrics.underruns()).isEqualTo(10);
        ch.finishAndReleaseAll();
    }

    @Test
    void failsWithNoResponseWhenTheAgentStaysSilent() throws Exception {
        open("", "[{\"say\": \"Anyone there?\"}, {\"wait_for_agent\": {\"timeout_seconds\": 1}}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        for (int i = 0; i < 200 && results.isEmpty(); i++) {
            advance(20 * MS);
            drainAudioFrames();
        }
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.errorClass()).isEqualTo(ErrorClass.NO_RESPONSE);
            assertThat(r.finalState()).isEqualTo(CallState.STREAMING);
        });
        ch.finishAndReleaseAll();
    }

    @Test
    void treatsAnAgentCloseMidCallAsConnectionLost() throws Exception {
        open("", "[{\"pause_ms\": 5000}, {\"hang_up\": true}]");
        openWebSocketAndReady();
        advance(100 * MS);
        ch.writeInbound(new CloseWebSocketFrame(1001, "going away"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.errorClass()).isEqualTo(ErrorClass.CONNECTION_LOST);
            assertThat(r.errorMessage()).contains("1001").contains("going away");
        });
        ch.finishAndReleaseAll();
    }
}
