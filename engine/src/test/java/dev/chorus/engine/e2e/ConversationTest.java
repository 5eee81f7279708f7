package dev.chorus.engine.e2e;

import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TextToSpeech;
import dev.chorus.engine.session.TranscriptEntry;
import dev.chorus.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Conversations over loopback TLS against the reference agent: the agent greeting first, recordings. */
class ConversationTest {
    private static final String SCRIPT = "[{\"say\": \"Hi, I would like a table.\"}, "
            + "{\"wait_for_agent\": {\"timeout_seconds\": 5}}, {\"hang_up\": true}]";

    @TempDir
    Path dir;

    private RunReport run(AgentConfig config, TestSet tests, RunSpec.Builder extra) throws Exception {
        return Chorus.start(extra.agent(config).tests(tests).concurrency(1).iterations(1)
                .outDir(dir.resolve("out")).ioThreads(1).build()).await();
    }

    private TestSet agentFirst(String extra) throws ConfigException {
        return TestSetLoader.parse("{\"name\": \"t\", \"test_cases\": [{\"id\": \"greet\", "
                + "\"first_speaker\": \"agent\"" + extra + ", \"script\": " + SCRIPT + "}]}", "tests.json", dir);
    }

    private static AgentConfig config(ReferenceAgent agent, Path dir) {
        return Fixtures.agent(agent.endpoint().toString(),
                "\"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\"", dir);
    }

    @Test
    void agentFirstWaitsForTheGreetingAndRecordsItsLatency() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().greetingMillis(500)
                .replyDelayMillis(200).replyDurationMillis(400).build())) {
            RunReport report = run(config(agent, dir), agentFirst(""), RunSpec.builder());
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(String.valueOf(r.errorMessage())).isTrue();
            // Greeting audio leaves the agent right after ready: played well under 200 ms later.
            assertThat(r.timingsMillis()).containsKey("greeting");
            assertThat(r.timingsMillis().get("greeting")).isBetween(0.0, 200.0);
            assertThat(report.latencyMicros().get(Metric.GREETING).getTotalCount()).isEqualTo(1);
            // The caller spoke only after the greeting ended, then got a reply to its utterance.
            assertThat(r.transcript().stream().filter(e -> "agent".equals(e.role())).count()).isEqualTo(2);
            double greetingEnd = r.transcript().stream().filter(e -> "agent".equals(e.role())).findFirst()
                    .orElseThrow().endMillis();
            double userStart = r.transcript().stream().filter(e -> "user".equals(e.role())).findFirst()
                    .orElseThrow().startMillis();
            assertThat(userStart).isGreaterThan(greetingEnd);
            assertThat(r.turnMillis()).hasSize(1);
            assertThat(Files.readString(dir.resolve("out/report.json"))).contains("\"greeting\"");
        }
    }

    @Test
    void agentFirstWithoutAGreetingFailsWithNoResponseAfterTheGreetingTimeout() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().build())) {
            RunReport report = run(config(agent, dir), agentFirst(", \"greeting_timeout_seconds\": 0.5"),
                    RunSpec.builder());
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).isFalse();
            assertThat(r.errorClass()).isEqualTo(ErrorClass.NO_RESPONSE);
            assertThat(r.errorMessage()).contains("greet").contains("500 ms");
        }
    }

    @Test
    void recordedCallHasTheCallerLeftAndTheAgentRightWhereTheTranscriptSaysTheySpoke() throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().greetingMillis(600)
                .replyDelayMillis(300).replyDurationMillis(800).build())) {
            RunReport report = run(config(agent, dir), agentFirst(""), RunSpec.builder().record(true));
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(String.valueOf(r.errorMessage())).isTrue();
            assertThat(r.recording()).as("dropped once written").isNull();
            byte[] wav = Files.readAllBytes(dir.resolve("out/recordings/" + r.callId() + ".wav"));
            ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getShort(22)).as("channels").isEqualTo((short) 2);
            int rate = b.getInt(24);
            assertThat(rate).isEqualTo(config(agent, dir).receiveSampleRateHz());
            short[][] ch = Fixtures.stereoChannels(wav);
            int frames = ch[0].length;
            double zero = r.transcript().stream().filter(e -> "recording_start".equals(e.type())).findFirst()
                    .orElseThrow().startMillis();
            List<TranscriptEntry> agentTurns = r.transcript().stream().filter(e -> "agent".equals(e.role())).toList();
            TranscriptEntry user = r.transcript().stream().filter(e -> "user".equals(e.role())).findFirst()
                    .orElseThrow();
            assertThat(agentTurns).hasSize(2);
            for (TranscriptEntry turn : agentTurns) {
                assertThat(onsetMillis(ch[1], rate, turn.startMillis() - zero - 200))
                        .as("agent speech in the right channel at %s", turn).isCloseTo(turn.startMillis() - zero,
                                within(50.0));
            }
            // The utterance's first loud window is as far into the recording's caller speech as into the clip itself.
            double clipOnset = onsetMillis(Resamplers.convert(TextToSpeech.synthesise(user.text()), rate).samples(),
                    rate, 0);
            assertThat(onsetMillis(ch[0], rate, user.startMillis() - zero - 200))
                    .as("caller speech in the left channel at %s", user)
                    .isCloseTo(user.startMillis() - zero + clipOnset, within(50.0));
            // The caller is silent while the agent greets, and the agent while the caller speaks.
            TranscriptEntry greeting = agentTurns.get(0);
            assertThat(onsetMillis(ch[0], rate, 0)).isGreaterThan(greeting.endMillis() - zero);
            assertThat(onsetMillis(ch[1], rate, greeting.endMillis() - zero + 50))
                    .isGreaterThan(user.endMillis() - zero);
        }
    }

    /** Start of the first 10 ms window at or after {@code fromMillis} louder than −40 dBFS, in ms, or −1. */
    private static double onsetMillis(short[] s, int rate, double fromMillis) {
        int n = rate / 100;
        for (int from = (int) Math.max(0, fromMillis * rate / 1000); from + n <= s.length; from += n / 2) {
            double sum = 0;
            for (int i = from; i < from + n; i++) {
                sum += (double) s[i] * s[i];
            }
            if (20 * Math.log10(Math.sqrt(sum / n) / 32768.0 + 1e-12) > -40) {
                return from * 1000.0 / rate;
            }
        }
        return -1;
    }

    @Test
    void firstSpeakerValuesAreValidated() {
        assertThatThrownBy(() -> TestSetLoader.parse("{\"name\": \"t\", \"test_cases\": [{\"id\": \"a\", "
                + "\"first_speaker\": \"bot\", \"script\": " + SCRIPT + "}]}", "tests.json", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("first_speaker")
                .hasMessageContaining("\"agent\"");
        assertThatThrownBy(() -> TestSetLoader.parse("{\"name\": \"t\", \"test_cases\": [{\"id\": \"a\", "
                + "\"greeting_timeout_seconds\": 3, \"script\": " + SCRIPT + "}]}", "tests.json", dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("greeting_timeout_seconds");
        assertThatThrownBy(() -> agentFirst(", \"greeting_timeout_seconds\": -1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("positive");
    }
}
