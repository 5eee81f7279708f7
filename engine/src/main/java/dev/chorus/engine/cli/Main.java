package dev.chorus.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chorus}: the command line entry point. */
@Command(name = "chorus", mixinStandardHelpOptions = true, version = "chorus 0.1.0",
        description = "Simulated callers for voice AI agents over WebSocket: load tests, benchmarks, CI gates.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, AgentCommand.class,
            ServeCommand.class, MergeCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit code for bad input: configuration, arguments, files. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when a call or a threshold failed. */
    public static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> EXIT_BAD_INPUT);
        return cli.execute(args);
    }
}
