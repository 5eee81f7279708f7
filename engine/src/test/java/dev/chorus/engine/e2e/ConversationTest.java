package dev.chorus.engine.e2e;

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
import dev.chorus.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Conversations over loopback TLS against the reference agent: the agent greeting first. */
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
