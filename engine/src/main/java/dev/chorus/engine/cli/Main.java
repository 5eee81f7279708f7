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
        loadGeneratorDefaults();
        System.exit(execute(args));
    }

    /**
     * Netty settings for a load generator, unless given with {@code -D}: no leak detection (at Netty's default level
     * it records a stack trace for a sample of buffers, ~1 % of the event loops' allocation in a load run) and no
     * per-access buffer checks (a volatile read and a bounds check on every buffer access of every frame). Tests
     * run with both on (PARANOID leak detection). Must run before the first Netty buffer class loads.
     */
    public static void loadGeneratorDefaults() {
        setIfAbsent("io.netty.leakDetection.level", "disabled");
        setIfAbsent("io.netty.buffer.checkAccessible", "false");
        setIfAbsent("io.netty.buffer.checkBounds", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs a command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> EXIT_BAD_INPUT);
        return cli.execute(args);
    }
}
