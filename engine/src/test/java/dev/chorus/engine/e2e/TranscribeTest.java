package dev.chorus.engine.e2e;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.JsonTree;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;
import dev.chorus.engine.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --transcribe}: the reference agent speaks real words (FreeTTS), and after the call speech-to-text puts
 * what it heard into the agent turn's {@code stt_text}. Recognition is approximate (15–25 % word error on such
 * voices), so only a few of the words are asserted.
 */
class TranscribeTest {
    private static final String WORDS = "Thank you for calling. Your table is booked.";

    @TempDir
    Path dir;

    private SessionResult call(String engine) throws Exception {
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().replyDelayMillis(200)
                .sendSampleRateHz(16000).replyText(WORDS).build())) {
            AgentConfig config = Fixtures.agent(agent.endpoint().toString(), "\"trust_ca_file\": \""
                    + agent.caPemFile().toAbsolutePath() + "\", \"receive_sample_rate_hertz\": 16000", dir);
            RunReport report = Chorus.start(RunSpec.builder().agent(config)
                    .tests(Fixtures.tests("stt", "[{\"say\": \"I would like a table.\"}, "
                            + "{\"wait_for_agent\": {\"timeout_seconds\": 10}}, {\"hang_up\": true}]", dir))
                    .iterations(1).outDir(dir.resolve("out")).ioThreads(1).transcribe(engine).build()).await();
            SessionResult r = report.sessions().get(0);
            assertThat(r.passed()).as(String.valueOf(r.errorMessage())).isTrue();
            assertThat(r.recording()).as("audio dropped once transcribed").isNull();
            assertThat(Files.exists(dir.resolve("out/recordings"))).as("no WAV without --record").isFalse();
            return r;
        }
    }

    private void assertHeard(SessionResult r) throws Exception {
        List<TranscriptEntry> agentTurns = r.transcript().stream().filter(e -> "agent".equals(e.role())).toList();
        assertThat(agentTurns).hasSize(1);
        TranscriptEntry turn = agentTurns.get(0);
        assertThat(turn.text()).as("the agent's own transcript message").isEqualTo(WORDS);
        List<String> heard = Arrays.asList(turn.sttText().toLowerCase(Locale.ROOT).split(" "));
        long known = List.of("thank", "you", "calling", "table", "booked").stream().filter(heard::contains).count();
        assertThat(known).as("words of '%s' in what was heard: '%s'", WORDS, turn.sttText()).isGreaterThanOrEqualTo(3);
        assertThat(r.transcript().stream().filter(e -> "user".equals(e.role())).findFirst().orElseThrow().sttText())
                .as("only agent turns are transcribed").isNull();
        Object session = JsonTree.parse(Files.readString(dir.resolve("out/sessions/" + r.callId() + ".json")));
        assertThat(JsonTree.at(session, "transcript")).asList().anySatisfy(e ->
                assertThat(JsonTree.at(e, "stt_text")).isEqualTo(turn.sttText()));
    }

    @Test
    void sphinx4InThisJvmTranscribesTheAgentsTurn() throws Exception {
        assertHeard(call("sphinx4"));
    }

    @Test
    void pocketsphinxTranscribesTheAgentsTurnWhenInstalled() throws Exception {
        String path = System.getenv("PATH");
        assumeTrue(path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "pocketsphinx_continuous"))),
                "pocketsphinx_continuous is not on PATH (apt-get install pocketsphinx pocketsphinx-en-us)");
        assertHeard(call("pocketsphinx"));
    }

    @Test
    void anUnknownEngineIsRejectedBeforeTheRun() {
        assertThatThrownBy(() -> RunSpec.builder().agent(Fixtures.agent("wss://a.example/ws", "", dir))
                .tests(Fixtures.tests("t", "[{\"hang_up\": true}]", dir)).transcribe("whisper").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transcribe whisper")
                .hasMessageContaining("auto, pocketsphinx, sphinx4");
    }
}
