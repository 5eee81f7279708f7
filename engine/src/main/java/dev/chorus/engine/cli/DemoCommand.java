package dev.chorus.engine.cli;

import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code chorus demo}: starts the reference agent on loopback in-process and runs a small load against it — no file
 * needed from the user.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the reference agent on loopback and run a small load against it. Needs no files.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--concurrency", defaultValue = "20", description = "Calls at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--iterations", defaultValue = "40", description = "Calls in all (default: ${DEFAULT-VALUE}).")
    long iterations;

    @Option(names = "--reply-delay-ms", defaultValue = "300",
            description = "The reference agent's reply delay (default: ${DEFAULT-VALUE}).")
    long replyDelayMillis;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: results/<run id>).")
    Path outDir;

    @Option(names = "--quiet", description = "No live progress line.")
    boolean quiet;

    /** The demo's test set: a two-turn conversation, speech synthesised from the text. */
    static final String TESTS = "{\"name\": \"demo\", \"test_cases\": ["
            + "{\"id\": \"book-table\", \"script\": ["
            + "{\"say\": \"Hi, I would like to book a table for two.\"},"
            + "{\"wait_for_agent\": {\"timeout_seconds\": 10}},"
            + "{\"say\": \"Tomorrow at eight please.\"},"
            + "{\"wait_for_agent\": {\"timeout_seconds\": 10}},"
            + "{\"hang_up\": true}]},"
            + "{\"id\": \"opening-hours\", \"script\": ["
            + "{\"say\": \"When are you open on Sundays?\"},"
            + "{\"wait_for_agent\": {\"timeout_seconds\": 10}},"
            + "{\"hang_up\": true}]}]}";

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("chorus-demo");
        Path caPem = work.resolve("agent-ca.pem");
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder()
                .replyDelayMillis(replyDelayMillis)
                // Longer than the synthesised voice's pauses between words (up to ~190 ms), so the agent waits
                // for the end of each line; shorter than the reply delay, so the delay holds.
                .endOfSpeechSilenceMillis(Math.min(250, Math.max(1, replyDelayMillis))).caPemFile(caPem).build())) {
            System.out.println("reference agent listening on " + agent.endpoint() + " (reply delay "
                    + replyDelayMillis + " ms)");
            AgentConfig agentConfig;
            TestSet tests;
            try {
                agentConfig = AgentConfigLoader.parse("{\"endpoint\": \"" + agent.endpoint() + "\", "
                        + "\"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\", "
                        + "\"initialization_json\": {\"action\": \"start_session\", \"call\": \"{{call_id}}\"}}",
                        "demo-agent.json", work);
                tests = TestSetLoader.parse(TESTS, "demo-tests.json", work);
            } catch (ConfigException e) {
                System.err.println("error: " + e.getMessage());
                return Main.EXIT_BAD_INPUT;
            }
            System.out.println("running " + iterations + " calls, " + concurrency + " at a time ...");
            return RunCommand.runAndReport(RunSpec.builder().agent(agentConfig).tests(tests)
                    .concurrency(concurrency).iterations(iterations), outDir, quiet);
        }
    }
}
