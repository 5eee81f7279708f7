package dev.chorus.engine.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** CONTRACT §3 exit codes: 2 for bad input, with the file, key and fix on stderr; nothing dialled. */
class CommandLineTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private Path file(String name, String json) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private Path tests() throws Exception {
        return file("tests.json", "{\"name\": \"t\", \"test_cases\": [{\"id\": \"a\", \"script\": [{\"say\": \"hi\"}]}]}");
    }

    @Test
    void validateAcceptsGoodFiles() throws Exception {
        Path agent = file("agent.json", "{\"endpoint\": \"wss://agent.example.com/ws\", "
                + "\"authorization_header\": \"Bearer s3cr3t\"}");
        assertThat(Main.execute("validate", "--agent", agent.toString(), "--tests", tests().toString())).isZero();
    }

    @Test
    void runRejectsPlainWsBeforeAnyConnection() throws Exception {
        Path agent = file("agent.json", "{\"endpoint\": \"ws://127.0.0.1:9/ws\"}");
        int code = Main.execute("run", "--agent", agent.toString(), "--tests", tests().toString(),
                "--out", dir.resolve("out").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid WebSocket URL").contains("agent.json")
                .contains("endpoint");
    }

    @Test
    void validateNamesTheFileTheKeyAndTheFix() throws Exception {
        Path agent = file("agent.json", "{\"endpoint\": \"wss://agent.example.com/ws\", \"chunk_ms\": \"x\", "
                + "\"authorization_header\": \"Bearer s3cr3t\"}");
        assertThat(Main.execute("validate", "--agent", agent.toString(), "--tests", tests().toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("agent.json").contains("chunk_ms").contains("Fix")
                .doesNotContain("s3cr3t");
    }

    @Test
    void badTestSetExitsTwo() throws Exception {
        Path agent = file("agent.json", "{\"endpoint\": \"wss://agent.example.com/ws\"}");
        Path tests = file("tests.json", "{\"name\": \"t\", \"test_cases\": [{\"id\": \"a\", \"script\": "
                + "[{\"say\": \"hi\", \"audio\": \"missing.wav\"}]}]}");
        assertThat(Main.execute("validate", "--agent", agent.toString(), "--tests", tests.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.wav");
    }

    @Test
    void unknownTransportNamesTheChoices() throws Exception {
        Path agent = file("agent.json", "{\"endpoint\": \"wss://127.0.0.1:9/ws\"}");
        int code = Main.execute("run", "--agent", agent.toString(), "--tests", tests().toString(),
                "--transport", "kqueue", "--out", dir.resolve("out").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--transport 'kqueue'").contains("auto, epoll or nio");
    }

    @Test
    void unknownOptionExitsTwo() {
        assertThat(Main.execute("run", "--no-such-option")).isEqualTo(2);
    }

    @Test
    void agentRejectsAnUnknownProfileListingTheKnownOnes() {
        assertThat(Main.execute("agent", "--port", "0", "--profile", "twillio")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--profile").contains("'twillio'")
                .contains("did you mean \"twilio\"")
                .contains("default, raw_pcm, twilio, openai_realtime, elevenlabs, deepgram_agent, gemini_live, chirp");
    }
}
