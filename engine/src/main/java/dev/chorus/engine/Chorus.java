package dev.chorus.engine;

import java.io.IOException;

/**
 * The one way to run calls: the CLI, the control port and tests all come through here.
 *
 * <pre>{@code
 * RunHandle run = Chorus.start(RunSpec.builder().agent(agent).tests(tests).concurrency(50).iterations(500)
 *         .outDir(Path.of("results")).build());
 * run.onProgress(p -> System.err.println(p.line()));
 * RunReport report = run.await();
 * }</pre>
 */
public final class Chorus {
    private Chorus() {
    }

    /**
     * Prepares the run (TLS context, templates, every utterance converted to the agent's format) and starts it.
     *
     * @throws IOException naming the file when an audio file, attachment or CA file cannot be read
     */
    public static RunHandle start(RunSpec spec) throws IOException {
        LoadRun run = new LoadRun(spec);
        run.start();
        return new RunHandle(run);
    }
}
