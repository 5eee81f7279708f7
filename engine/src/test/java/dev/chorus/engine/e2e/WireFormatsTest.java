package dev.chorus.engine.e2e;

import dev.chorus.codecs.pcm.WavWriter;
import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ObservedCall;
import dev.chorus.engine.agent.ObservedSetup;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every wire format of CONTRACT §1 over real TLS on 127.0.0.1 against the reference agent: HTTP-first setup,
 * nested inbound paths, captures, raw binary both ways, media in both forms, μ-law both ways, and every pair of
 * sample rates.
 */
class WireFormatsTest {
    private static final String CONVERSATION = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";

    @TempDir
    Path dir;

    private RunReport run(AgentConfig config, TestSet tests, int concurrency, long iterations) throws Exception {
        return Chorus.start(RunSpec.builder().agent(config).tests(tests).concurrency(concurrency)
                .iterations(iterations).outDir(dir.resolve("out-" + System.nanoTime())).ioThreads(2).build())
                .await();
    }

    private AgentConfig agent(String json) throws Exception {
        return AgentConfigLoader.parse(json, "agent.json", dir);
    }

    private TestSet tests(String... caseIds) throws Exception {
        String cases = Stream.of(caseIds).map(id -> "{\"id\": \"" + id + "\", \"script\": " + CONVERSATION + "}")
                .collect(Collectors.joining(", "));
        return TestSetLoader.parse("{\"name\": \"wire\", \"test_cases\": [" + cases + "]}", "tests.json", dir);
    }

    private static String trust(ReferenceAgent agent) {
        return "\"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\"";
    }

    @Test
    void httpFirstProvisionsTheSessionAndKeepsEachSidesHeadersApart() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(400).setupRequiredHeader("X-Setup-Key", "setup-k3y")
                .requiredAuthorization("Authorization", "Bearer ws-s3cret").build())) {
            AgentConfig config = agent("{\"connection_mode\": \"http_first\", "
                    + "\"http_endpoint\": \"" + agent.setupEndpoint() + "?tenant=t1\", \"http_method\": \"PUT\", "
                    + "\"http_body\": {\"agent\": \"a1\", \"call\": \"{{call_id}}\", \"case\": \"{{test_case_id}}\"}, "
                    + "\"http_headers\": {\"X-Setup-Key\": \"setup-k3y\", \"X-Trace\": \"{{call_id}}\"}, "
                    + "\"websocket_url_response_path\": \"data.session.ws_url\", "
                    + "\"authorization_header\": \"Bearer ws-s3cret\", "
                    + "\"custom_headers\": {\"X-WS-Only\": \"yes\"}, " + trust(agent) + "}");
            RunReport report = run(config, tests("hello"), 2, 2);
            assertThat(report.completed()).as(report.sessions().toString()).isEqualTo(2);
            assertThat(report.latencyMicros().get(Metric.HTTP_SETUP).getTotalCount()).isEqualTo(2);
            for (SessionResult r : report.sessions()) {
                assertThat(r.timingsMillis()).containsKeys("http_setup", "connect", "tls", "ws_handshake");
                assertThat(r.turnMillis()).hasSize(1);
            }
            List<ObservedSetup> setups = agent.observations().setups();
            assertThat(setups).hasSize(2).allSatisfy(s -> {
                assertThat(s.method()).isEqualTo("PUT");
                assertThat(s.uri()).isEqualTo("/session?tenant=t1");
                assertThat(s.body()).startsWith("{\"agent\":\"a1\",\"call\":\"").endsWith("\",\"case\":\"hello\"}");
                assertThat(s.headers().get("X-Setup-Key")).isEqualTo("setup-k3y");
                assertThat(s.headers().get("Authorization")).isNull();
                assertThat(s.headers().get("X-WS-Only")).isNull();
            });
            for (ObservedCall call : agent.observations().calls()) {
                assertThat(call.requestUri()).startsWith("/agent?session=setup-");
                assertThat(call.requestHeaders().get("Authorization")).isEqualTo("Bearer ws-s3cret");
                assertThat(call.requestHeaders().get("X-WS-Only")).isEqualTo("yes");
                assertThat(call.requestHeaders().get("X-Setup-Key")).isNull();
                assertThat(call.requestHeaders().get("X-Trace")).isNull();
            }
            assertThat(setups.stream().map(ObservedSetup::wsUrl).map(u -> u.substring(u.indexOf("/agent"))))
                    .containsExactlyInAnyOrderElementsOf(agent.observations().calls().stream()
                            .map(ObservedCall::requestUri).collect(Collectors.toList()));
            assertNoSecretIn(report.outDir(), "s3cret", "k3y");
        }
    }

    @Test
    void httpFirstFailuresHaveTheirClassesAndSayWhatWasFound() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).setupRequiredHeader("X-Setup-Key", "right").build())) {
            String base = "{\"connection_mode\": \"http_first\", \"http_endpoint\": \"" + agent.setupEndpoint()
                    + "\", \"websocket_url_response_path\": \"data.session.ws_url\", " + trust(agent) + ", "
                    + "\"http_headers\": {\"X-Setup-Key\": \"KEY\", \"" + ReferenceAgent.BEHAVIOR_HEADER
                    + "\": \"{{test_case_id}}\"}}";
            RunReport report = run(agent(base.replace("KEY", "right")),
                    tests("normal", "setup_500", "setup_no_url", "setup_ws_scheme"), 4, 4);
            Map<String, SessionResult> byCase = report.sessions().stream()
                    .collect(Collectors.toMap(SessionResult::testCaseId, r -> r));
            assertThat(byCase.get("normal").passed()).isTrue();
            assertThat(byCase.get("setup_500").errorClass()).isEqualTo(ErrorClass.HTTP_SETUP_FAILED);
            assertThat(byCase.get("setup_500").errorMessage()).contains("500");
            assertThat(byCase.get("setup_no_url").errorClass()).isEqualTo(ErrorClass.HTTP_SETUP_FAILED);
            assertThat(byCase.get("setup_no_url").errorMessage()).contains("data.session.ws_url")
                    .contains("data {session}");
            assertThat(byCase.get("setup_ws_scheme").errorClass()).isEqualTo(ErrorClass.INVALID_URL);
            assertThat(byCase.get("setup_ws_scheme").errorMessage()).startsWith("Invalid WebSocket URL")
                    .contains("'ws://127.0.0.1/agent'");
            assertThat(agent.observations().calls()).hasSize(1);

            RunReport refused = run(agent(base.replace("KEY", "wrong")), tests("normal"), 1, 1);
            assertThat(refused.sessions()).singleElement().satisfies(r -> {
                assertThat(r.errorClass()).isEqualTo(ErrorClass.AUTHENTICATION_FAILED);
                assertThat(r.errorMessage()).contains("401").contains("http_headers");
            });
        }
    }

    /**
     * Nested paths and captures in both directions: the agent replies inside {@code payload.audio.chunk} of
     * {@code event: media} messages and reads caller audio at {@code media.payload}; the caller echoes a value
     * captured from the agent's messages in every audio message.
     */
    @Test
    void nestedPathsAndCapturesBothWays() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(400).callerTypePath("event").callerAudioType("media")
                .callerDataPath("media.payload").recordAudio(true)
                .replyTemplate("{\"event\": \"media\", \"seq\": 1, \"payload\": {\"meta\": [1, {\"x\": null}], "
                        + "\"audio\": {\"chunk\": \"{{audio_data}}\"}}}").build())) {
            AgentConfig config = agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent) + ", "
                    + "\"message_type_path\": \"event\", \"audio_message_type_value\": \"media\", "
                    + "\"audio_data_path\": \"payload.audio.chunk\", \"receive_sample_rate_hertz\": 48000, "
                    + "\"handshake_ready_message_type\": \"\", \"handshake_requires_session_id\": false, "
                    + "\"captures\": {\"sid\": \"session_id\"}, "
                    + "\"send_audio_template\": \"{\\\"event\\\": \\\"media\\\", \\\"sid\\\": \\\"{{sid}}\\\", "
                    + "\\\"seq\\\": {{seq}}, \\\"media\\\": {\\\"payload\\\": \\\"{{audio_data}}\\\"}}\"}");
            RunReport report = run(config, tests("nested"), 1, 1);
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(r.errorMessage()).isTrue();
            assertThat(r.turnMillis()).singleElement().satisfies(t -> assertThat(t).isBetween(80.0, 250.0));
            ObservedCall call = agent.observations().awaitCall(0, 5000);
            assertThat(call.utterancesDetected()).isEqualTo(1);
            assertThat(call.audioFrames()).hasSizeGreaterThan(40);
            // The agent's session_ready carries the id; once it has arrived every audio message echoes it.
            assertThat(call.textMessages()).isEmpty();
            assertThat(call.lastAudioMessage()).startsWith("{\"event\": \"media\", \"sid\": \"" + call.sessionId()
                    + "\", \"seq\": ").contains("\"media\": {\"payload\": \"");
            assertThat(r.transcript()).anySatisfy(e -> assertThat(e.type()).isEqualTo("agent_message"));
        }
    }

    @Test
    void rawBinaryAudioBothWays() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(400).binaryAudio(true).sendSampleRateHz(24000).build())) {
            AgentConfig config = agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent) + ", "
                    + "\"send_audio_template\": \"{{audio_data}}\", \"receive_sample_rate_hertz\": 24000}");
            RunReport report = run(config, tests("binary"), 1, 1);
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(r.errorMessage()).isTrue();
            assertThat(r.turnMillis()).singleElement().satisfies(t -> assertThat(t).isBetween(80.0, 250.0));
            ObservedCall call = agent.observations().awaitCall(0, 5000);
            assertThat(r.counters().get("agent_audio_ms")).as(r.toString()).isBetween(380L, 420L);
            assertThat(call.audioFrames()).hasSizeGreaterThan(40).allSatisfy(f -> {
                assertThat(f.binary()).isTrue();
                assertThat(f.pcmBytes()).isEqualTo(640);
            });
        }
    }

    @Test
    void ulawBothWaysAtEightKilohertz() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(400).receiveSampleRateHz(8000).sendSampleRateHz(8000).callerEncoding("ulaw")
                .replyEncoding("ulaw").build())) {
            AgentConfig config = agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent) + ", "
                    + "\"send_sample_rate_hertz\": 8000, \"receive_sample_rate_hertz\": 8000, "
                    + "\"send_audio_encoding\": \"ulaw\", \"audio_encoding\": \"ulaw\"}");
            RunReport report = run(config, tests("ulaw"), 1, 1);
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(r.errorMessage()).isTrue();
            assertThat(r.turnMillis()).singleElement().satisfies(t -> assertThat(t).isBetween(80.0, 250.0));
            assertThat(r.counters().get("agent_audio_ms")).isBetween(380L, 420L);
            ObservedCall call = agent.observations().awaitCall(0, 5000);
            assertThat(call.utterancesDetected()).isEqualTo(1);
            // 20 ms of μ-law at 8 kHz is 160 bytes, decoded by the agent to 320 bytes of PCM.
            assertThat(call.audioFrames()).allSatisfy(f -> assertThat(f.pcmBytes()).isEqualTo(320));
        }
    }

    /**
     * MP3 replies (24 kHz without a LAME tag, 48 kHz with one), cut every 700 bytes regardless of frames: the
     * speech in each file starts 300 ms in, so the turn is 300 ms after the first audio — the decoder's and the
     * encoder's delays are taken out, not added.
     */
    @Test
    void mp3RepliesAreTimedFromTheirFirstAudibleSample() throws Exception {
        for (String fixture : new String[] {"speech_24k_48kbps.mp3", "speech_48k_128kbps.mp3"}) {
            byte[] mp3;
            try (java.io.InputStream in = getClass().getResourceAsStream("/mp3/" + fixture)) {
                mp3 = in.readAllBytes();
            }
            int rate = fixture.contains("24k") ? 24000 : 48000;
            try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                    .replyEncoding("mp3").replyMp3(mp3).replyMp3ChunkBytes(700).build())) {
                AgentConfig config = agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent) + ", "
                        + "\"audio_encoding\": \"mp3\", \"receive_sample_rate_hertz\": " + rate + "}");
                RunReport report = run(config, tests("mp3"), 1, 1);
                SessionResult r = report.sessions().get(0);
                assertThat(r.passed()).as(r.toString()).isTrue();
                assertThat(r.nonFatalErrors()).as(fixture).isEmpty();
                // first_audio: the first message's arrival; turn: the playback of the first audible sample, which
                // the files put 300 ms in (loose upper bound: this machine is shared).
                assertThat(r.turnMillis()).hasSize(1);
                assertThat(r.turnMillis().get(0) - r.firstAudioMillis().get(0)).as(fixture + r)
                        .isBetween(290.0, 360.0);
                assertThat(r.counters().get("agent_audio_ms")).as(fixture).isBetween(990L, 1010L);
            }
        }
    }

    /** A 3 MB attachment arrives byte for byte, as base64 inside the JSON media template and as one binary frame. */
    @Test
    void mediaInBothForms() throws Exception {
        byte[] image = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(image);
        Files.write(dir.resolve("receipt.png"), image);
        String script = "[{\"send_media\": \"receipt.png\"}, {\"say\": \"Here it is.\"}, "
                + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";
        TestSet tests = TestSetLoader.parse("{\"name\": \"media\", \"test_cases\": [{\"id\": \"m\", "
                + "\"attachments\": [{\"name\": \"receipt.png\", \"path\": \"receipt.png\", \"mime_type\": "
                + "\"image/png\"}], \"script\": " + script + "}]}", "tests.json", dir);
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).build())) {
            RunReport report = run(agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent) + "}"),
                    tests, 1, 1);
            assertThat(report.sessions().get(0).passed()).as(report.sessions().get(0).toString()).isTrue();
            ObservedCall call = agent.observations().awaitCall(0, 5000);
            String media = call.textMessages().stream().filter(t -> t.startsWith("{\"type\": \"media\""))
                    .findFirst().orElseThrow();
            assertThat(media).startsWith("{\"type\": \"media\", \"name\": \"receipt.png\", "
                    + "\"mime_type\": \"image/png\", \"data\": \"");
            String b64 = media.substring(media.indexOf("\"data\": \"") + 9, media.length() - 2);
            assertThat(Base64.getDecoder().decode(b64)).isEqualTo(image);
            assertThat(report.sessions().get(0).transcript()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo("media_sent");
                assertThat(e.text()).isEqualTo("receipt.png");
            });
        }
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                .replyDurationMillis(300).binaryIsMedia(true).build())) {
            RunReport report = run(agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent)
                    + ", \"send_media_template\": \"{{media_data}}\"}"), tests, 1, 1);
            assertThat(report.sessions().get(0).passed()).isTrue();
            ObservedCall call = agent.observations().awaitCall(0, 5000);
            assertThat(call.binaryMedia()).singleElement().satisfies(b -> assertThat(b).isEqualTo(image));
        }
    }

    /**
     * Every pair of the four rates: a 1 kHz tone in a WAV at one rate arrives at the agent, sent at the other, as
     * 1 kHz; and the agent's reply at each receive rate is heard (turn measured).
     */
    @Test
    void everySampleRatePairCarriesAOneKilohertzTone() throws Exception {
        int[] rates = {8000, 16000, 24000, 48000};
        StringBuilder cases = new StringBuilder();
        for (int wavRate : rates) {
            short[] tone = tone(wavRate, 600, 1000.0);
            WavWriter.write(dir.resolve("tone" + wavRate + ".wav"), tone, 1, wavRate);
            cases.append(cases.length() == 0 ? "" : ", ").append("{\"id\": \"wav").append(wavRate)
                    .append("\", \"script\": [{\"say\": \"tone\", \"audio\": \"tone").append(wavRate)
                    .append(".wav\"}, {\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]}");
        }
        TestSet tests = TestSetLoader.parse("{\"name\": \"rates\", \"test_cases\": [" + cases + "]}", "tests.json",
                dir);
        for (int sendRate : rates) {
            int replyRate = rates[(java.util.Arrays.binarySearch(rates, sendRate) + 1) % rates.length];
            try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(100)
                    .replyDurationMillis(300).receiveSampleRateHz(sendRate).sendSampleRateHz(replyRate)
                    .recordAudio(true).build())) {
                AgentConfig config = agent("{\"endpoint\": \"" + agent.endpoint() + "\", " + trust(agent)
                        + ", \"send_sample_rate_hertz\": " + sendRate + ", \"receive_sample_rate_hertz\": " + replyRate
                        + ", \"custom_headers\": {\"X-Case\": \"{{test_case_id}}\"}}");
                RunReport report = run(config, tests, 4, 4);
                assertThat(report.completed()).as("send rate " + sendRate).isEqualTo(4);
                assertThat(report.sessions()).allSatisfy(r -> assertThat(r.turnMillis()).hasSize(1));
                for (int i = 0; i < 4; i++) {
                    ObservedCall call = agent.observations().awaitCall(i, 5000);
                    assertThat(call.awaitClosed(5000)).isTrue();
                    byte[] pcm = call.callerAudio();
                    short[] samples = new short[pcm.length / 2];
                    for (int k = 0; k < samples.length; k++) {
                        samples[k] = (short) ((pcm[2 * k] & 0xFF) | (pcm[2 * k + 1] << 8));
                    }
                    // The middle of the tone, clear of the fades and the resampler's edges.
                    double hz = frequency(samples, sendRate * 100 / 1000, sendRate * 500 / 1000, sendRate);
                    assertThat(hz).as(call.requestHeaders().get("X-Case") + " sent at " + sendRate)
                            .isCloseTo(1000.0, org.assertj.core.api.Assertions.within(0.5));
                }
            }
        }
    }

    static short[] tone(int rateHz, long millis, double hz) {
        int n = (int) (rateHz * millis / 1000);
        short[] out = new short[n];
        int fade = rateHz / 100;
        for (int i = 0; i < n; i++) {
            double gain = Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
            out[i] = (short) Math.round(12000 * gain * Math.sin(2 * Math.PI * hz * i / rateHz));
        }
        return out;
    }

    /** Frequency from interpolated rising zero crossings between {@code from} and {@code to}. */
    static double frequency(short[] s, int from, int to, int rateHz) {
        double first = -1;
        double last = -1;
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if (s[i - 1] < 0 && s[i] >= 0) {
                double t = i - 1 + (double) -s[i - 1] / (s[i] - s[i - 1]);
                if (first < 0) {
                    first = t;
                } else {
                    crossings++;
                }
                last = t;
            }
        }
        return crossings * (double) rateHz / (last - first);
    }

    private static void assertNoSecretIn(Path out, String... secrets) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String text = Files.readString(f);
                for (String secret : secrets) {
                    assertThat(text).as(f.toString()).doesNotContain(secret);
                }
            }
        }
    }
}
