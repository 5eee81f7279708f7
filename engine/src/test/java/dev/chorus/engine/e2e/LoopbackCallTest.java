package dev.chorus.engine.e2e;

import dev.chorus.codecs.pcm.PcmClip;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.pcm.WavReader;
import dev.chorus.codecs.pcm.WavWriter;
import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.AgentBehavior;
import dev.chorus.engine.agent.InboundFrame;
import dev.chorus.engine.agent.ObservedCall;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Whole calls over real TLS on 127.0.0.1 against the real reference agent: the happy path, every failure class of
 * the handshake and the call, each failing alone while the other calls of the same run complete.
 */
class LoopbackCallTest {
    private static final String SECRET = "Bearer s3cr3t-t0ken-value";

    @TempDir
    Path dir;

    private static ReferenceAgent agent(ReferenceAgentOptions.Builder options) throws Exception {
        return ReferenceAgent.start(options.build());
    }

    private RunReport run(AgentConfig config, TestSet tests, int concurrency, long iterations) throws Exception {
        return Chorus.start(RunSpec.builder().agent(config).tests(tests).concurrency(concurrency)
                .iterations(iterations).outDir(dir.resolve("out")).ioThreads(2).build()).await();
    }

    private static String trust(ReferenceAgent agent) {
        return "\"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\"";
    }

    private static final String CONVERSATION = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";

    @Test
    void completesCallsWithTurnLatencyNearTheAgentsReplyDelay() throws Exception {
        try (ReferenceAgent agent = agent(ReferenceAgentOptions.builder().replyDelayMillis(300)
                .replyDurationMillis(600))) {
            RunReport report = run(Fixtures.agent(agent.endpoint().toString(), trust(agent), dir),
                    Fixtures.tests("hello", CONVERSATION, dir), 3, 3);
            assertThat(report.failed()).isZero();
            assertThat(report.completed()).isEqualTo(3);
            for (SessionResult r : report.sessions()) {
                // The agent times its reply from the utterance's last frame (before the caller's digital silence),
                // which is where turn starts: the delay, plus whatever this busy machine adds.
                assertThat(r.turnMillis()).singleElement().satisfies(t -> assertThat(t).isBetween(295.0, 420.0));
                assertThat(r.sessionId()).startsWith("ref-");
                assertThat(r.timingsMillis()).containsKeys("connect", "tls", "ws_handshake", "ready");
            }
            assertThat(report.latencyMicros().get(Metric.TURN).getTotalCount()).isEqualTo(3);
            assertThat(Files.readString(dir.resolve("out/report.json"))).contains("\"turn\"").contains("\"first_audio\"");
            try (Stream<Path> files = Files.list(dir.resolve("out/sessions"))) {
                assertThat(files.count()).isEqualTo(3);
            }
            assertThat(report.timeline()).isNotEmpty();
            assertThat(Files.readString(dir.resolve("out/junit.xml"))).contains("tests=\"3\"", "failures=\"0\"");
            assertThat(Files.readAllLines(dir.resolve("out/calls.csv"))).hasSize(1 + 3);
            assertThat(Files.readString(dir.resolve("out/report.html"))).contains("<polyline");
        }
    }

    /**
     * Every failure class in one run, chosen per call by the reference agent from a handshake header that carries the
     * test case id: each call fails with its own class and the normal calls complete.
     */
    @Test
    void eachMisbehaviourYieldsItsErrorClassWhileOtherCallsComplete() throws Exception {
        try (ReferenceAgent agent = agent(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(400).closeAfterMillis(300).requiredAuthorization("Authorization", SECRET))) {
            AgentConfig config = Fixtures.agent(agent.endpoint().toString(), trust(agent)
                    + ", \"authorization_header\": \"" + SECRET + "\""
                    + ", \"handshake_timeout_seconds\": 2"
                    + ", \"custom_headers\": {\"" + ReferenceAgent.BEHAVIOR_HEADER + "\": \"{{test_case_id}}\"}", dir);
            String cases = Stream.of("normal", "no_ready", "ready_without_session_id", "close_mid_call",
                            "invalid_json", "reject_upgrade_401")
                    .map(id -> "{\"id\": \"" + id + "\", \"script\": " + CONVERSATION + "}")
                    .collect(Collectors.joining(", "));
            TestSet tests = dev.chorus.engine.config.TestSetLoader.parse(
                    "{\"name\": \"misbehaviour\", \"test_cases\": [" + cases + "]}", "tests.json", dir);
            RunReport report = run(config, tests, 12, 12);
            Map<String, List<SessionResult>> byCase = report.sessions().stream()
                    .collect(Collectors.groupingBy(SessionResult::testCaseId));
            assertThat(byCase.get("normal")).hasSize(2).allSatisfy(r -> assertThat(r.passed()).isTrue());
            assertThat(byCase.get("invalid_json")).hasSize(2).allSatisfy(r -> {
                assertThat(r.passed()).isTrue();
                assertThat(r.nonFatalErrors()).containsEntry("invalid_json", 1);
            });
            assertClass(byCase.get("no_ready"), ErrorClass.HANDSHAKE_TIMEOUT);
            assertClass(byCase.get("ready_without_session_id"), ErrorClass.MISSING_SESSION_ID);
            assertClass(byCase.get("close_mid_call"), ErrorClass.CONNECTION_LOST);
            assertClass(byCase.get("reject_upgrade_401"), ErrorClass.AUTHENTICATION_FAILED);
            assertThat(report.errors()).containsEntry("handshake_timeout", 2L).containsEntry("missing_session_id", 2L)
                    .containsEntry("connection_lost", 2L).containsEntry("authentication_failed", 2L)
                    .containsEntry("invalid_json", 2L);
            assertThat(report.completed()).isEqualTo(4);
            assertThat(report.failed()).isEqualTo(8);
            assertNoSecretIn(dir.resolve("out"));
        }
    }

    private static void assertClass(List<SessionResult> results, ErrorClass expected) {
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.errorClass()).as(r.errorMessage()).isEqualTo(expected);
            assertThat(r.errorMessage()).isNotBlank();
        });
    }

    private static void assertNoSecretIn(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("s3cr3t");
            }
        }
    }

    @Test
    void wrongCredentialsFailAuthenticationWithoutLeakingThem() throws Exception {
        try (ReferenceAgent agent = agent(ReferenceAgentOptions.builder()
                .requiredAuthorization("X-API-Key", "right-key"))) {
            AgentConfig config = Fixtures.agent(agent.endpoint().toString(), trust(agent)
                    + ", \"authorization_header\": \"X-API-Key s3cr3t-wrong-key\"", dir);
            RunReport report = run(config, Fixtures.tests("auth", CONVERSATION, dir), 1, 1);
            assertThat(report.sessions()).singleElement().satisfies(r ->
                    assertThat(r.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION_FAILED));
            assertNoSecretIn(dir.resolve("out"));
        }
    }

    @Test
    void refusedPortFailsWithConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RunReport report = run(Fixtures.agent("wss://127.0.0.1:" + port + "/agent", "", dir),
                Fixtures.tests("refused", CONVERSATION, dir), 2, 2);
        assertThat(report.sessions()).hasSize(2).allSatisfy(r ->
                assertThat(r.errorClass()).isEqualTo(ErrorClass.CONNECTION_REFUSED));
        assertThat(report.errors()).containsEntry("connection_refused", 2L);
    }

    @Test
    void untrustedCertificateFailsWithTlsFailure() throws Exception {
        try (ReferenceAgent agent = agent(ReferenceAgentOptions.builder())) {
            RunReport report = run(Fixtures.agent(agent.endpoint().toString(), "", dir),
                    Fixtures.tests("tls", CONVERSATION, dir), 1, 1);
            assertThat(report.sessions()).singleElement().satisfies(r ->
                    assertThat(r.errorClass()).isEqualTo(ErrorClass.TLS_FAILURE));
        }
    }

    /** The agent sees the exact init JSON, the headers, and the WAV's audio in 20 ms frames at their pace. */
    @Test
    void agentSeesExactInitHeadersAndPacedFramesOfTheWav() throws Exception {
        // 24 kHz stereo source, converted to the agent's 16 kHz mono.
        short[] mono = SpeechLikeSignal.generate(24000, 710, 11);
        short[] stereo = new short[mono.length * 2];
        for (int i = 0; i < mono.length; i++) {
            stereo[2 * i] = mono[i];
            stereo[2 * i + 1] = mono[i];
        }
        Path wav = dir.resolve("hello.wav");
        WavWriter.write(wav, stereo, 2, 24000);
        PcmClip expected = Resamplers.convert(WavReader.read(wav), 16000);

        try (ReferenceAgent agent = agent(ReferenceAgentOptions.builder().recordAudio(true)
                .requiredAuthorization("Authorization", SECRET))) {
            AgentConfig config = Fixtures.agent(agent.endpoint().toString(), trust(agent)
                    + ", \"authorization_header\": \"" + SECRET + "\""
                    + ", \"custom_headers\": {\"X-Client-ID\": \"chorus-test\", \"X-Case\": \"{{test_case_id}}\"}"
                    + ", \"initialization_json\": {\"action\": \"start_session\", \"meta\": {\"source\": \"chorus\", "
                    + "\"n\": [1, 2.5, true, null]}, \"call\": \"{{call_id}}\"}", dir);
            TestSet tests = Fixtures.tests("wav", "[{\"say\": \"hello\", \"audio\": \"hello.wav\"}, "
                    + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]", dir);
            RunReport report = run(config, tests, 1, 1);
            assertThat(report.completed()).isEqualTo(1);
            SessionResult result = report.sessions().get(0);

            ObservedCall call = agent.observations().awaitCall(0, 5000);
            assertThat(call.awaitClosed(5000)).isTrue();
            assertThat(call.initializationJson()).isEqualTo("{\"action\":\"start_session\",\"meta\":{\"source\":"
                    + "\"chorus\",\"n\":[1,2.5,true,null]},\"call\":\"" + result.callId() + "\"}");
            assertThat(call.requestHeaders().get("Authorization")).isEqualTo(SECRET);
            assertThat(call.requestHeaders().get("X-Client-ID")).isEqualTo("chorus-test");
            assertThat(call.requestHeaders().get("X-Case")).isEqualTo("wav");
            assertThat(call.requestHeaders().get("X-Chorus-Call-Id")).isEqualTo(result.callId());
            assertThat(call.closeStatusReceived()).isEqualTo(1000);

            List<InboundFrame> frames = call.audioFrames();
            assertThat(frames).allSatisfy(f -> assertThat(f.pcmBytes()).isEqualTo(640));
            // The first frames are the utterance, byte for byte, padded with silence to whole frames.
            byte[] received = call.callerAudio();
            byte[] utterance = new byte[expected.length() * 2];
            for (int i = 0; i < expected.length(); i++) {
                utterance[2 * i] = (byte) expected.samples()[i];
                utterance[2 * i + 1] = (byte) (expected.samples()[i] >> 8);
            }
            assertThat(Arrays.copyOf(received, utterance.length)).isEqualTo(utterance);
            int padded = (utterance.length + 639) / 640 * 640;
            assertThat(padded).isGreaterThan(utterance.length); // 710 ms is not a whole number of frames
            assertThat(Arrays.copyOfRange(received, utterance.length, padded)).containsOnly((byte) 0);
            // Paced: k frames span (k-1) x 20 ms on the agent's clock (loose bounds; timing claims live in bench/).
            int k = frames.size();
            assertThat(k).isGreaterThan(40);
            double spanMillis = (frames.get(k - 1).arrivalNanos() - frames.get(0).arrivalNanos()) / 1e6;
            assertThat(spanMillis / (k - 1)).isCloseTo(20.0, within(2.0));
        }
    }
}
