package dev.chorus.engine.cli;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestCase;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.session.PreparedTestCase;
import io.netty.buffer.ByteBuf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code chorus validate}: checks both files and every audio file and attachment they name, without dialling. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check an agent file and a test-set file (and the files they name) without connecting.")
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--agent", required = true, paramLabel = "FILE", description = "Agent file (JSON).")
    Path agentFile;

    @Option(names = "--tests", required = true, paramLabel = "FILE", description = "Test-set file (JSON).")
    Path testsFile;

    @Override
    public Integer call() {
        try {
            AgentConfig agent = AgentConfigLoader.load(agentFile);
            TestSet tests = TestSetLoader.load(testsFile);
            CompiledAgent compiled = CompiledAgent.compile(agent);
            Map<String, ByteBuf> clips = new HashMap<>();
            long frames = 0;
            int utterances = 0;
            for (TestCase tc : tests.testCases()) {
                for (PreparedTestCase.Step s : PreparedTestCase.prepare(tc, compiled, clips).steps()) {
                    if (s instanceof PreparedTestCase.Utterance) {
                        utterances++;
                        frames += ((PreparedTestCase.Utterance) s).frames();
                    }
                }
            }
            System.out.printf("ok: %s (%s, %s)%n", agentFile, agent.connectionMode().name().toLowerCase(),
                    agent.endpoint() != null ? agent.endpoint().getScheme() + "://" + agent.endpoint().getHost()
                            : agent.httpEndpoint());
            System.out.printf("ok: %s (%d test cases, %d utterances, %.1f s of caller audio at %d Hz)%n", testsFile,
                    tests.testCases().size(), utterances, frames * agent.chunkMillis() / 1000.0,
                    agent.sendSampleRateHz());
            return 0;
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        } catch (IOException | RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
    }
}
