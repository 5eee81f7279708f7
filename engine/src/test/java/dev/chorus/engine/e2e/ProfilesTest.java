package dev.chorus.engine.e2e;

import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.pcm.WavWriter;
import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.AgentBehavior;
import dev.chorus.engine.agent.InboundFrame;
import dev.chorus.engine.agent.ObservedCall;
import dev.chorus.engine.agent.ObservedCall.ProtocolEvent;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One call per protocol profile over real TLS on 127.0.0.1, against the reference agent speaking that profile
 * ({@code chorus agent --profile NAME}): the profile's keys and handlers on the caller side, the protocol's own
 * messages and checks on the agent side, and turn latency near the agent's configured reply delay.
 */
class ProfilesTest {
    private static final long DELAY_MILLIS = 200;
    private static final long MS = 1_000_000L;
    /**
     * Turns measure 202–210 ms here against the 200 ms delay (loopback, one call); the upper bound leaves room for a
     * loaded shared machine, where one turn in a few dozen runs took 257 ms. Precise latency claims live in bench/.
     */
    private static final double MAX_OVER_MILLIS = 80.0;
    /** Speech-like clips that end sharply, so the agent's end of speech is the clip's end. */
    private static final String CONVERSATION = "[{\"say\": \"I would like a table for two\", "
            + "\"audio\": \"first.wav\"}, {\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";
    /** The caller cuts into the agent's first reply 300 ms after it starts, then waits for the answer. */
    private static final String BARGE_IN = "[{\"say\": \"I would like a table\", \"audio\": \"first.wav\"}, "
            + "{\"say\": \"Make it three\", \"audio\": \"second.wav\", \"barge_in_after_ms\": 300}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";

    @TempDir
    Path dir;

    @BeforeEach
    void clips() throws Exception {
        WavWriter.write(dir.resolve("first.wav"), SpeechLikeSignal.generate(16000, 1200, 1), 1, 16000);
        WavWriter.write(dir.resolve("second.wav"), SpeechLikeSignal.generate(16000, 800, 2), 1, 16000);
        WavWriter.write(dir.resolve("long.wav"), SpeechLikeSignal.generate(16000, 2000, 3), 1, 16000);
    }

    private SessionResult call(ReferenceAgent agent, String profile, String extraKeys, String script)
            throws Exception {
        AgentConfig config = AgentConfigLoader.parse("{\"profile\": \"" + profile + "\", \"endpoint\": \""
                + agent.endpoint() + "\", \"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\""
                + (extraKeys.isEmpty() ? "" : ", " + extraKeys) + "}", "agent.json", dir);
        TestSet tests = TestSetLoader.parse("{\"name\": \"p\", \"test_cases\": [{\"id\": \"" + profile
                + "\", \"script\": " + script + "}]}", "tests.json", dir);
        RunReport report = Chorus.start(RunSpec.builder().agent(config).tests(tests).concurrency(1).iterations(1)
                .outDir(dir.resolve("out-" + profile)).ioThreads(1).build()).await();
        SessionResult r = report.sessions().get(0);
        assertThat(r.passed()).as("%s: %s %s %s", profile, r.errorClass(), r.errorMessage(), r.transcript())
                .isTrue();
        return r;
    }

    private static ReferenceAgent agent(String profile, Consumer<ReferenceAgentOptions.Builder> more)
            throws Exception {
        ReferenceAgentOptions.Builder b = ReferenceAgentOptions.builder().profile(profile)
                .replyDelayMillis(DELAY_MILLIS).replyDurationMillis(600);
        more.accept(b);
        return ReferenceAgent.start(b.build());
    }

    /** Every turn's latency sits just above the agent's reply delay (which runs from the caller's last speech). */
    private static void assertTurnsNearTheReplyDelay(SessionResult r, int turns) {
        assertThat(r.turnMillis()).as("turns").hasSize(turns)
                .allSatisfy(t -> assertThat(t).isBetween(DELAY_MILLIS - 10.0, DELAY_MILLIS + MAX_OVER_MILLIS));
    }

    private static List<TranscriptEntry> events(SessionResult r, String type) {
        return r.transcript().stream().filter(e -> type.equals(e.type())).collect(Collectors.toList());
    }

    private static ObservedCall observed(ReferenceAgent agent) throws InterruptedException {
        ObservedCall call = agent.observations().awaitCall(0, 5000);
        assertThat(call.awaitClosed(5000)).isTrue();
        return call;
    }

    @Test
    void defaultProfile() throws Exception {
        try (ReferenceAgent agent = agent("default", b -> { })) {
            SessionResult r = call(agent, "default", "", CONVERSATION);
            assertTurnsNearTheReplyDelay(r, 1);
            assertThat(r.sessionId()).isEqualTo(observed(agent).sessionId());
        }
    }

    @Test
    void rawPcmSendsAndReceivesBinaryFramesWithoutAHandshake() throws Exception {
        try (ReferenceAgent agent = agent("raw_pcm", b -> b.sendSampleRateHz(16000))) {
            SessionResult r = call(agent, "raw_pcm", "\"receive_sample_rate_hertz\": 16000", CONVERSATION);
            assertTurnsNearTheReplyDelay(r, 1);
            assertThat(r.counters().get("agent_audio_ms")).isBetween(595L, 605L);
            ObservedCall call = observed(agent);
            assertThat(call.textMessages()).isEmpty();
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> assertThat(f.binary()).isTrue());
        }
    }

    /**
     * Twilio: connected and start before any media, one stream id and unbroken counters in every message (the
     * agent checks each one), μ-law at 8 kHz, and the mark after a 600 ms reply sent in one burst echoed only once
     * that reply has played.
     */
    @Test
    void twilioEchoesAMarkOnlyAfterItsAudioHasPlayed() throws Exception {
        try (ReferenceAgent agent = agent("twilio", b -> b.replyBurst(true))) {
            SessionResult r = call(agent, "twilio", "", CONVERSATION);
            assertTurnsNearTheReplyDelay(r, 1);
            assertThat(r.counters().get("agent_audio_ms")).isBetween(595L, 605L);
            ObservedCall call = observed(agent);
            assertThat(call.protocolEvents("order_error")).isEmpty();
            assertThat(call.protocolEvents("counter_error")).isEmpty();
            assertThat(call.protocolEvents("media")).as("media messages checked").hasSizeGreaterThan(1);
            List<String> texts = call.textMessages();
            assertThat(texts.get(0)).isEqualTo("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
            String sid = call.protocolEvents("start").get(0).detail();
            assertThat(sid).matches("MZ[0-9a-f]{32}");
            assertThat(texts.get(1)).startsWith("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\""
                    + sid + "\"").contains("\"callSid\":\"CA").contains("\"encoding\":\"audio/x-mulaw\"");
            assertThat(texts.get(texts.size() - 1)).startsWith("{\"event\":\"stop\"").contains(sid);
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> {
                assertThat(f.binary()).isFalse();
                assertThat(f.pcmBytes()).isEqualTo(320);
            });

            ProtocolEvent started = call.protocolEvents("reply_started").get(0);
            ProtocolEvent sent = call.protocolEvents("mark_sent").get(0);
            List<ProtocolEvent> echoes = call.protocolEvents("mark_echo");
            assertThat(sent.detail()).isEqualTo("reply-1");
            assertThat(echoes).singleElement().satisfies(e -> {
                assertThat(e.detail()).isEqualTo("reply-1");
                // The burst left in about a millisecond; the caller's player needs 600 ms to play it.
                assertThat(sent.nanos() - started.nanos()).isLessThan(100 * MS);
                assertThat(e.nanos() - started.nanos()).isGreaterThanOrEqualTo(600 * MS);
                assertThat(e.nanos() - started.nanos()).isLessThan(700 * MS);
            });
            assertThat(texts).filteredOn(t -> t.startsWith("{\"event\":\"mark\"")).singleElement()
                    .satisfies(t -> assertThat(t).contains("\"streamSid\":\"" + sid + "\"")
                            .contains("\"mark\":{\"name\":\"reply-1\"}"));
            assertThat(events(r, "mark_echo")).singleElement()
                    .satisfies(e -> assertThat(e.text()).isEqualTo("reply-1"));
        }
    }

    /** Twilio: the agent clears on barge-in; the caller flushes its playback and returns the pending mark at once. */
    @Test
    void twilioClearFlushesPlaybackAndReturnsPendingMarks() throws Exception {
        try (ReferenceAgent agent = agent("twilio", b -> b.replyBurst(true).replyDurationMillis(1500))) {
            SessionResult r = call(agent, "twilio", "", BARGE_IN);
            ObservedCall call = observed(agent);
            assertThat(call.protocolEvents("counter_error")).isEmpty();
            ProtocolEvent started = call.protocolEvents("reply_started").get(0);
            ProtocolEvent clear = call.protocolEvents("clear_sent").get(0);
            ProtocolEvent echo = call.protocolEvents("mark_echo").get(0);
            assertThat(echo.detail()).isEqualTo("reply-1");
            assertThat(echo.nanos()).isGreaterThan(clear.nanos());
            assertThat(echo.nanos() - clear.nanos()).isLessThan(100 * MS);
            assertThat(echo.nanos() - started.nanos()).as("returned before its audio would have played")
                    .isLessThan(1000 * MS);
            assertThat(events(r, "playback_flush")).extracting(TranscriptEntry::text).contains("clear");
            // The answer to the second utterance is marked and echoed after it played, as usual.
            assertThat(call.protocolEvents("mark_echo")).extracting(ProtocolEvent::detail)
                    .containsExactly("reply-1", "reply-2");
            assertThat(r.turnMillis()).hasSize(2);
            assertThat(r.turnMillis().get(1)).isBetween(DELAY_MILLIS - 10.0, DELAY_MILLIS + MAX_OVER_MILLIS);
        }
    }

    /** OpenAI Realtime: session.update first, session.updated as ready, both audio delta types played. */
    @Test
    void openAiRealtimePlaysBothAudioDeltaTypes() throws Exception {
        try (ReferenceAgent agent = agent("openai_realtime", b -> { })) {
            SessionResult r = call(agent, "openai_realtime", "", CONVERSATION);
            assertTurnsNearTheReplyDelay(r, 1);
            ObservedCall call = observed(agent);
            // The agent alternates response.output_audio.delta and response.audio.delta: all 600 ms must count.
            assertThat(r.counters().get("agent_audio_ms")).isBetween(595L, 605L);
            assertThat(r.sessionId()).isEqualTo("sess_" + call.sessionId());
            assertThat(call.initializationJson()).startsWith("{\"type\":\"session.update\"")
                    .contains("\"rate\":24000");
            assertThat(call.lastAudioMessage()).isNull();
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> {
                assertThat(f.binary()).isFalse();
                assertThat(f.pcmBytes()).isEqualTo(960);
            });
            assertThat(events(r, "playback_flush")).extracting(TranscriptEntry::text)
                    .contains("input_audio_buffer.speech_started");
            assertThat(events(r, "agent_message")).extracting(TranscriptEntry::text).contains("response.done");
        }
    }

    /** ElevenLabs: every ping answered with its own id, the conversation id as session id, interruption flushes. */
    @Test
    void elevenLabsAnswersPingsWithTheirIdsAndFlushesOnInterruption() throws Exception {
        try (ReferenceAgent agent = agent("elevenlabs", b -> b.protocolPingMillis(150).replyDurationMillis(1000))) {
            SessionResult r = call(agent, "elevenlabs", "", BARGE_IN);
            ObservedCall call = observed(agent);
            assertThat(r.sessionId()).isEqualTo("conv_" + call.sessionId());
            assertThat(call.initializationJson()).startsWith("{\"type\":\"conversation_initiation_client_data\"");
            List<String> pings = call.protocolEvents("ping").stream().map(ProtocolEvent::detail)
                    .collect(Collectors.toList());
            List<String> pongs = call.protocolEvents("pong").stream().map(ProtocolEvent::detail)
                    .collect(Collectors.toList());
            assertThat(pings).hasSizeGreaterThan(10);
            // Pongs in order with the ids of the pings; the last ping may have crossed the hang-up.
            assertThat(pongs).isEqualTo(pings.subList(0, pongs.size()));
            assertThat(pongs.size()).isGreaterThanOrEqualTo(pings.size() - 1);
            assertThat(call.protocolEvents("interruption_sent")).hasSize(1);
            assertThat(events(r, "playback_flush")).extracting(TranscriptEntry::text).containsExactly("interruption");
            // The caller's audio carries no type: {"user_audio_chunk": …}, found by its key alone.
            assertThat(call.utterancesDetected()).isEqualTo(2);
            assertThat(r.turnMillis()).hasSize(2).allSatisfy(t -> assertThat(t)
                    .isBetween(DELAY_MILLIS - 10.0, DELAY_MILLIS + MAX_OVER_MILLIS));
        }
    }

    /** Deepgram: Settings only after Welcome, SettingsApplied as ready, binary audio both ways, KeepAlive. */
    @Test
    void deepgramWaitsForWelcomeAndKeepsAlive() throws Exception {
        try (ReferenceAgent agent = agent("deepgram_agent", b -> { })) {
            SessionResult r = call(agent, "deepgram_agent", "\"keepalive_interval_seconds\": 0.3", CONVERSATION);
            assertTurnsNearTheReplyDelay(r, 1);
            ObservedCall call = observed(agent);
            ProtocolEvent welcome = call.protocolEvents("welcome_sent").get(0);
            ProtocolEvent settings = call.protocolEvents("settings").get(0);
            assertThat(settings.nanos()).as("Settings after Welcome").isGreaterThan(welcome.nanos());
            assertThat(settings.detail()).isEqualTo("16000");
            assertThat(call.initializationJson()).startsWith("{\"type\":\"Settings\"");
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> {
                assertThat(f.binary()).isTrue();
                assertThat(f.pcmBytes()).isEqualTo(640);
            });
            assertThat(call.audioFrames().get(0).arrivalNanos()).isGreaterThan(settings.nanos());
            assertThat(r.counters().get("agent_audio_ms")).isBetween(595L, 605L);
            List<ProtocolEvent> keepAlives = call.protocolEvents("keepalive");
            assertThat(keepAlives).hasSizeGreaterThan(5);
            for (int i = 1; i < keepAlives.size(); i++) {
                assertThat((keepAlives.get(i).nanos() - keepAlives.get(i - 1).nanos()) / (double) MS)
                        .isBetween(250.0, 350.0);
            }
            assertThat(events(r, "playback_flush")).extracting(TranscriptEntry::text).contains("UserStartedSpeaking");
            assertThat(events(r, "agent_message")).extracting(TranscriptEntry::text)
                    .contains("Welcome", "AgentStartedSpeaking", "AgentAudioDone");
        }
    }

    /** Gemini Live: setupComplete (no type field) as ready, JSON audio in binary frames, interrupted flushes. */
    @Test
    void geminiLiveReadsTypelessMessagesInBinaryFrames() throws Exception {
        try (ReferenceAgent agent = agent("gemini_live", b -> b.replyDurationMillis(1000))) {
            SessionResult r = call(agent, "gemini_live", "", BARGE_IN);
            ObservedCall call = observed(agent);
            ProtocolEvent setup = call.protocolEvents("setup").get(0);
            assertThat(setup.detail()).isEqualTo("models/gemini-2.0-flash-live-001");
            assertThat(call.audioFrames().get(0).arrivalNanos()).isGreaterThan(setup.nanos());
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> assertThat(f.binary()).isFalse());
            assertThat(events(r, "ready")).hasSize(1);
            assertThat(events(r, "invalid_json")).isEmpty();
            assertThat(events(r, "agent_message")).extracting(TranscriptEntry::text)
                    .contains("serverContent.turnComplete", "serverContent.generationComplete");
            assertThat(call.protocolEvents("interrupted_sent")).hasSize(1);
            assertThat(events(r, "playback_flush")).extracting(TranscriptEntry::text)
                    .containsExactly("serverContent.interrupted");
            // The first reply was cut by the barge-in, the second played whole.
            assertThat(r.counters().get("agent_audio_ms")).isBetween(1300L, 2005L);
            assertThat(r.turnMillis()).hasSize(2).allSatisfy(t -> assertThat(t)
                    .isBetween(DELAY_MILLIS - 10.0, DELAY_MILLIS + MAX_OVER_MILLIS));
        }
    }

    /**
     * CHIRP: binary PCM both ways, speech.started / speech.completed around the caller's utterance, and the agent
     * cutting in (its own speech.started while the caller speaks) recorded as a server barge-in.
     */
    @Test
    void chirpBracketsUtterancesAndSeesServerBargeIn() throws Exception {
        try (ReferenceAgent agent = agent("chirp", b -> b.behavior(AgentBehavior.BARGE_IN).replyDurationMillis(400))) {
            // The agent cuts in 300 ms into a 2 s utterance and is done long before it ends, then answers it.
            SessionResult r = call(agent, "chirp", "", CONVERSATION.replace("first.wav", "long.wav"));
            ObservedCall call = observed(agent);
            List<ProtocolEvent> started = call.protocolEvents("caller_speech.started");
            List<ProtocolEvent> completed = call.protocolEvents("caller_speech.completed");
            assertThat(started).hasSize(1);
            assertThat(completed).hasSize(1);
            List<InboundFrame> frames = call.audioFrames();
            assertThat(frames).allSatisfy(f -> assertThat(f.binary()).isTrue());
            assertThat(started.get(0).nanos()).isLessThanOrEqualTo(frames.get(0).arrivalNanos());
            TranscriptEntry user = r.transcript().stream().filter(e -> "user".equals(e.role())).findFirst()
                    .orElseThrow();
            double spokenMillis = (completed.get(0).nanos() - started.get(0).nanos()) / (double) MS;
            // Arrival times at the agent: the start goes out with the first frame, whose send may lag on a loaded
            // machine (seen: 6.6 ms), so the measured span may fall a little short of the planned one.
            assertThat(spokenMillis).isBetween(user.endMillis() - user.startMillis() - 25,
                    user.endMillis() - user.startMillis() + 45);
            assertThat(events(r, "agent_barge_in")).hasSize(1);
            assertThat(events(r, "agent_barge_in").get(0).startMillis()).isBetween(user.startMillis(),
                    user.endMillis());
            assertThat(events(r, "agent_message")).extracting(TranscriptEntry::text)
                    .contains("speech.started", "speech.completed");
            assertThat(r.turnMillis()).singleElement().satisfies(t -> assertThat(t)
                    .isBetween(DELAY_MILLIS - 10.0, DELAY_MILLIS + MAX_OVER_MILLIS));
            assertThat(TimeUnit.NANOSECONDS.toMillis(frames.get(frames.size() - 1).arrivalNanos()
                    - frames.get(0).arrivalNanos())).isGreaterThan(1000);
        }
    }
}
