package dev.chorus.engine.agent;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The reference agent's handlers on {@link EmbeddedChannel}: the upgrade guard and one call's protocol. */
class AgentHandlersTest {

    private static FullHttpRequest upgrade(String uri, String header, String value) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (header != null) {
            r.headers().set(header, value);
        }
        return r;
    }

    @Test
    void transcriptMessagesNestTheirTextAlongThePath() {
        assertThat(AgentCallHandler.transcriptMessage("agent_transcript", "text", "Hi \"there\""))
                .isEqualTo("{\"type\":\"agent_transcript\",\"text\":\"Hi \\\"there\\\"\"}");
        assertThat(AgentCallHandler.transcriptMessage("t", "item.content.transcript", "ok"))
                .isEqualTo("{\"type\":\"t\",\"item\":{\"content\":{\"transcript\":\"ok\"}}}");
    }

    @Test
    void guardAnswers404ForAnotherPath() {
        EmbeddedChannel ch = new EmbeddedChannel(new UpgradeGuard(ReferenceAgentOptions.builder().build(),
                new AgentObservations()));
        ch.writeInbound(upgrade("/other", null, null));
        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        response.release();
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void guardAnswers401WithoutTheRequiredCredentials() {
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = new EmbeddedChannel(new UpgradeGuard(ReferenceAgentOptions.builder()
                .requiredAuthorization("X-API-Key", "right").build(), observations));
        ch.writeInbound(upgrade("/agent?x=1", "X-API-Key", "wrong"));
        FullHttpResponse response = ch.readOutbound();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
        response.release();
        assertThat(observations.rejectedUpgrades()).isEqualTo(1);
        assertFalse(ch.finish());
    }

    @Test
    void guardPassesAnAuthorizedUpgradeWithItsBehavior() {
        EmbeddedChannel ch = new EmbeddedChannel(new UpgradeGuard(ReferenceAgentOptions.builder()
                .requiredAuthorization("Authorization", "Bearer ok").build(), new AgentObservations()));
        FullHttpRequest request = upgrade("/agent", "Authorization", "Bearer ok");
        request.headers().set(ReferenceAgent.BEHAVIOR_HEADER, "close_mid_call");
        ch.writeInbound(request);
        FullHttpRequest passed = ch.readInbound();
        assertThat(passed).isSameAs(request);
        passed.release();
        assertThat(ch.attr(UpgradeGuard.BEHAVIOR).get()).isEqualTo(AgentBehavior.CLOSE_MID_CALL);
        assertThat((Object) ch.readOutbound()).isNull();
        assertFalse(ch.finish());
    }

    private static List<String> texts(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        Object m;
        while ((m = ch.readOutbound()) != null) {
            if (m instanceof TextWebSocketFrame) {
                out.add(((TextWebSocketFrame) m).text());
            }
            ReferenceCountUtil.release(m);
        }
        return out;
    }

    private static EmbeddedChannel openCall(ReferenceAgentOptions options, AgentObservations observations) {
        EmbeddedChannel ch = new EmbeddedChannel(new AgentCallHandler(options, observations));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/agent",
                new DefaultHttpHeaders(), null));
        return ch;
    }

    @Test
    void sendsSessionReadyWithAnIdWhenTheWebSocketOpens() {
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = openCall(ReferenceAgentOptions.builder().build(), observations);
        List<String> sent = texts(ch);
        assertThat(sent).singleElement().satisfies(t ->
                assertThat(t).startsWith("{\"type\":\"session_ready\",\"session_id\":\"ref-"));
        assertThat(observations.calls()).hasSize(1);
        assertFalse(ch.finish());
    }

    /** Caller speech then silence in 20 ms binary frames, split oddly: the utterance's end starts a paced reply. */
    @Test
    void repliesAfterTheEndOfAnUtterance() throws Exception {
        AgentObservations observations = new AgentObservations();
        ReferenceAgentOptions options = ReferenceAgentOptions.builder().replyDelayMillis(0).replyDurationMillis(100)
                .endOfSpeechSilenceMillis(100).receiveSampleRateHz(16000).sendSampleRateHz(16000).build();
        EmbeddedChannel ch = openCall(options, observations);
        texts(ch);
        short[] speech = SpeechLikeSignal.generate(16000, 400, 3);
        short[] all = new short[speech.length + 16000 * 300 / 1000];
        System.arraycopy(speech, 0, all, 0, speech.length);
        ByteBuf pcm = Unpooled.buffer(all.length * 2);
        for (short s : all) {
            pcm.writeShortLE(s);
        }
        while (pcm.isReadable()) {
            ch.writeInbound(new BinaryWebSocketFrame(pcm.readRetainedSlice(Math.min(pcm.readableBytes(), 618))));
        }
        pcm.release();
        ObservedCall call = observations.calls().get(0);
        assertThat(call.utterancesDetected()).isEqualTo(1);
        Thread.sleep(150);
        ch.runPendingTasks();
        List<String> reply = texts(ch);
        assertThat(reply.get(0)).startsWith("{\"type\":\"agent_transcript\"");
        assertThat(reply.subList(1, reply.size())).isNotEmpty()
                .allSatisfy(t -> assertThat(t).startsWith("{\"type\":\"audio_chunk\",\"data\":\""));
        assertThat(call.repliesSent()).isEqualTo(1);

        ch.writeInbound(new CloseWebSocketFrame(1000, "hang_up"));
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1000);
        close.release();
        assertThat(call.closeStatusReceived()).isEqualTo(1000);
        assertFalse(ch.finish());
    }

    @Test
    void readyWithoutSessionIdWhenToldSo() {
        EmbeddedChannel ch = new EmbeddedChannel(new AgentCallHandler(ReferenceAgentOptions.builder()
                .behavior(AgentBehavior.READY_WITHOUT_SESSION_ID).build(), new AgentObservations()));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/agent",
                new DefaultHttpHeaders(), null));
        assertThat(texts(ch)).containsExactly("{\"type\":\"session_ready\"}");
        assertFalse(ch.finish());
    }

    static String utf8(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void elevenLabsRunsOnePingerHoweverOftenTheCallerInitiatesAndStopsItOnClose() {
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AgentCallHandler(ReferenceAgentOptions.builder().profile("elevenlabs")
                .protocolPingMillis(100).build(), observations));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/agent",
                new DefaultHttpHeaders(), null));
        String init = "{\"type\":\"conversation_initiation_client_data\"}";
        ch.writeInbound(new TextWebSocketFrame(init));
        ch.writeInbound(new TextWebSocketFrame(init));
        ch.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        ObservedCall call = observations.calls().get(0);
        assertThat(call.protocolEvents("ping")).extracting(ObservedCall.ProtocolEvent::detail)
                .containsExactly("1", "2");
        ch.pipeline().fireChannelInactive();
        assertThat(ch.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(-1);
        texts(ch);
        assertFalse(ch.finish());
    }

    @Test
    void deepgramWelcomeTimerIsCancelledWhenTheCallEndsFirst() {
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AgentCallHandler(ReferenceAgentOptions.builder().profile("deepgram_agent").build(),
                observations));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/agent",
                new DefaultHttpHeaders(), null));
        ch.pipeline().fireChannelInactive();
        assertThat(ch.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(-1);
        ch.advanceTimeBy(AgentProtocol.HELLO_DELAY_MILLIS * 2, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertThat(observations.calls().get(0).protocolEvents("welcome_sent")).isEmpty();
        assertThat(texts(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void protocolPingPeriodMustBePositive() {
        for (long bad : new long[] {0, -5}) {
            assertThatThrownBy(() -> ReferenceAgentOptions.builder().protocolPingMillis(bad).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("protocolPingMillis")
                    .hasMessageContaining("> 0").hasMessageContaining(Long.toString(bad));
        }
    }

    /** A call whose event loop's clock stands still (scheduled tasks run only when the test moves it). */
    private static EmbeddedChannel frozenCall(ReferenceAgentOptions options, AgentObservations observations) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AgentCallHandler(options, observations));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/agent",
                new DefaultHttpHeaders(), null));
        return ch;
    }

    /** {@code speechMillis} of speech, then {@code silenceMillis} of digital silence, in 20 ms binary PCM frames. */
    private static void speak(EmbeddedChannel ch, long speechMillis, long silenceMillis) {
        short[] speech = SpeechLikeSignal.generate(16000, speechMillis, 3);
        ByteBuf pcm = Unpooled.buffer((speech.length + (int) (16 * silenceMillis)) * 2);
        for (short s : speech) {
            pcm.writeShortLE(s);
        }
        pcm.writeZero((int) (16 * silenceMillis) * 2);
        while (pcm.isReadable()) {
            ch.writeInbound(new BinaryWebSocketFrame(pcm.readRetainedSlice(Math.min(pcm.readableBytes(), 640))));
        }
        pcm.release();
    }

    /**
     * With barge-in stop 0 the greeting is cut at the caller's first words and still ends as every reply does
     * (Deepgram: AgentAudioDone), once, after the barge-in message; nothing more when the call ends.
     */
    @Test
    void aReplyCutAtOnceByABargeInStillEndsOnce() {
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = frozenCall(ReferenceAgentOptions.builder().profile("deepgram_agent").greetingMillis(2000)
                .bargeInStopMillis(0).build(), observations);
        speak(ch, 400, 0);
        assertThat(observations.calls().get(0).bargeInsHeard()).isEqualTo(1);
        assertThat(texts(ch)).extracting(t -> t.replaceAll(",.*", "}")).containsExactly(
                "{\"type\":\"AgentStartedSpeaking\"}", "{\"type\":\"UserStartedSpeaking\"}",
                "{\"type\":\"AgentAudioDone\"}");
        ch.pipeline().fireChannelInactive();
        assertThat(texts(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    /** After the caller's close frame the reply in progress stops without its end message: nothing follows. */
    @Test
    void aReplyStoppedByTheCallersCloseSendsNoEndMessage() {
        EmbeddedChannel ch = frozenCall(ReferenceAgentOptions.builder().profile("chirp").greetingMillis(2000).build(),
                new AgentObservations());
        assertThat(texts(ch)).containsExactly("{\"type\":\"speech.started\"}");
        ch.writeInbound(new CloseWebSocketFrame(1000, "hang_up"));
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1000);
        close.release();
        assertThat(texts(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    /**
     * A reply waiting to start — the answer that interrupts the caller, or the one that follows a reply that cannot
     * be interrupted — is cancelled with the one playing when the call ends: nothing is left scheduled.
     */
    @ParameterizedTest
    @ValueSource(strings = {"interrupt", "not-interruptible"})
    void repliesWaitingToStartAreCancelledWhenTheCallEnds(String mode) {
        ReferenceAgentOptions.Builder b = ReferenceAgentOptions.builder().profile("chirp").greetingMillis(3000)
                .endOfSpeechSilenceMillis(100);
        if (mode.equals("interrupt")) {
            b.interruptAfterMillis(300).bargeInStopMillis(1000);
        } else {
            b.bargeInStopMillis(-1);
        }
        AgentObservations observations = new AgentObservations();
        EmbeddedChannel ch = frozenCall(b.build(), observations);
        speak(ch, 400, mode.equals("interrupt") ? 0 : 300);
        if (!mode.equals("interrupt")) {
            assertThat(observations.calls().get(0).utterancesDetected()).isEqualTo(1);
        }
        assertThat(ch.runScheduledPendingTasks()).as("greeting pacer and the reply to come").isNotEqualTo(-1);
        ch.pipeline().fireChannelInactive();
        assertThat(ch.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(-1);
        assertThat(observations.calls().get(0).repliesSent()).isZero();
        texts(ch);
        assertFalse(ch.finish());
    }
}
