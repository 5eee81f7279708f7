package dev.chorus.engine.cli;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.report.PrometheusEndpoint;
import dev.chorus.engine.report.Summary;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.schedule.LoadProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code chorus run}: a load of simulated calls against one agent. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run simulated calls against an agent and write results.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--agent", required = true, paramLabel = "FILE", description = "Agent file (JSON).")
    Path agentFile;

    @Option(names = "--tests", required = true, paramLabel = "FILE", description = "Test-set file (JSON).")
    Path testsFile;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1",
            description = "Calls at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--ramp", paramLabel = "DURATION", converter = Durations.class, defaultValue = "0",
            description = "Spread the first calls' starts over this long, e.g. 10s (default: all at once).")
    long rampMillis;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
            description = "Calls in all, shared by all callers (default: max(concurrency, test cases)).")
    long iterations;

    @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class, defaultValue = "0",
            description = "Keep starting calls this long, e.g. 60s; open calls then finish.")
    long durationMillis;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Results folder (default: results/<run id>).")
    Path outDir;

    @Option(names = "--stages", paramLabel = "STAGES",
            description = "Staged closed load instead of --concurrency/--ramp: DURATION:CALLERS,... e.g. "
                    + "30s:100,60s:1000,30s:0 (callers move linearly to each target over its stage).")
    String stages;

    @Option(names = "--rate", paramLabel = "RATE",
            description = "Open model: new calls per second whatever the agent's speed, e.g. 20/s or 600/m.")
    String rate;

    @Option(names = "--max-concurrency", paramLabel = "N", defaultValue = "0",
            description = "Open model: most calls at once; arrivals beyond are dropped and counted "
                    + "(default: max(--concurrency, rate x 60 s)).")
    int maxConcurrency;

    @Option(names = "--threshold", paramLabel = "EXPR",
            description = "Pass/fail condition, repeatable: 'turn.p99<1200', 'errors.rate<0.01', 'send_lag.p99<2', "
                    + "'late_frames.rate<0.001' (latencies in ms). Exit code 1 when one fails.")
    java.util.List<String> thresholds = new java.util.ArrayList<>();

    @Option(names = "--abort-on-fail", description = "Stop the run as soon as a threshold with data fails.")
    boolean abortOnFail;

    @Option(names = "--record", description = "Write recordings/<call id>.wav per call: stereo, caller left, agent "
            + "right, at the agent's receive rate (buffered in memory, up to 10 minutes per call).")
    boolean record;

    @Option(names = "--transcribe", arity = "0..1", fallbackValue = "auto", paramLabel = "ENGINE",
            description = "After each call, speech-to-text of the agent's turns into stt_text: pocketsphinx when "
                    + "installed (auto, the default), else Sphinx4 in this JVM; or name one: pocketsphinx, sphinx4. "
                    + "Runs on its own thread, never on the call's.")
    String transcribe;

    @Option(names = "--quiet", description = "No live progress line.")
    boolean quiet;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve live Prometheus metrics at http://BIND:PORT/metrics while the run lasts, updated each "
                    + "second (default: off; 0 picks a free port and prints it).")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address for --metrics-port (default: ${DEFAULT-VALUE}; 0.0.0.0 to be scraped from other "
                    + "hosts, e.g. in a pod).")
    String metricsBind;

    @Option(names = "--start-at", paramLabel = "EPOCH_SECONDS",
            description = "Wait until this wall-clock time (Unix seconds) before the first call, after checking the "
                    + "files: shards of one load on several machines start together (default: at once).")
    Long startAtEpochSeconds;

    @Option(names = "--transport", paramLabel = "NAME", defaultValue = "auto",
            description = "Event loop transport: auto (epoll, NIO without it), epoll or nio "
                    + "(default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--realtime-loops",
            description = "Run the event loops as SCHED_FIFO threads, ahead of everything else on the machine, for "
                    + "exact pacing on cores shared with other work such as the agent itself; needs root or "
                    + "CAP_SYS_NICE (default: off).")
    boolean realtimeLoops;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream err = System.err;
        AgentConfig agent;
        TestSet tests;
        try {
            agent = AgentConfigLoader.load(agentFile);
            tests = TestSetLoader.load(testsFile);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        RunSpec.Builder spec = RunSpec.builder().agent(agent).tests(tests).concurrency(concurrency)
                .rampMillis(rampMillis).iterations(iterations).durationMillis(durationMillis)
                .maxConcurrency(maxConcurrency).abortOnFail(abortOnFail).record(record).transcribe(transcribe)
                .transport(transport).realtimeLoops(realtimeLoops);
        try {
            if (stages != null) {
                spec.stages(LoadProfile.parseStages(stages));
            }
            if (rate != null) {
                spec.ratePerSecond(LoadProfile.parseRate(rate));
            }
            for (String t : thresholds) {
                spec.threshold(Threshold.parse(t));
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            err.println("error: --metrics-port " + metricsPort + " is not a port; fix: 1-65535, or 0 for any free "
                    + "port");
            return Main.EXIT_BAD_INPUT;
        }
        PrometheusEndpoint metrics = null;
        if (metricsPort != null) {
            try {
                metrics = PrometheusEndpoint.start(metricsBind, metricsPort);
            } catch (IOException e) {
                err.println("error: cannot serve metrics on " + metricsBind + ":" + metricsPort + " (" + e
                        + "); fix: choose a free --metrics-port or a local --metrics-bind address");
                return Main.EXIT_BAD_INPUT;
            }
            err.println("metrics: http://" + metricsBind + ":" + metrics.port() + "/metrics");
        }
        try {
            return runAndReport(spec, outDir, quiet, metrics, startAtEpochSeconds);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /**
     * Sleeps until {@code epochSeconds} by the wall clock (shards on several hosts share only that; keep their clocks
     * synchronised, e.g. chrony). A time already past starts at once, with a warning when more than a second late.
     */
    static void waitUntil(long epochSeconds, PrintStream err) throws InterruptedException {
        long waitMillis = epochSeconds * 1000 - System.currentTimeMillis();
        if (waitMillis < -1000) {
            err.println("warning: --start-at " + epochSeconds + " passed " + (-waitMillis / 1000) + " s ago; "
                    + "starting now");
            return;
        }
        if (waitMillis > 0) {
            err.println("waiting " + (waitMillis + 999) / 1000 + " s for --start-at " + epochSeconds);
        }
        // Re-read the clock after each sleep: a sleep may end early or late, the start time may not.
        while ((waitMillis = epochSeconds * 1000 - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(waitMillis, 1000));
        }
    }

    /** Starts the run, shows progress, stops gracefully on Ctrl-C / SIGTERM, prints the summary; the exit code. */
    static int runAndReport(RunSpec.Builder builder, Path outDir, boolean quiet) throws InterruptedException {
        return runAndReport(builder, outDir, quiet, null, null);
    }

    /**
     * As {@link #runAndReport(RunSpec.Builder, Path, boolean)}, publishing live stats to {@code metrics} if not null
     * and, once the spec is checked, waiting until {@code startAtEpochSeconds} if not null.
     */
    static int runAndReport(RunSpec.Builder builder, Path outDir, boolean quiet, PrometheusEndpoint metrics,
                            Long startAtEpochSeconds) throws InterruptedException {
        PrintStream err = System.err;
        RunSpec spec;
        try {
            // The draft only validates and names the run; its output folder is a placeholder until the run id is known.
            RunSpec draft = builder.outDir(outDir != null ? outDir : Path.of("results")).build();
            spec = builder.outDir(outDir != null ? outDir : Path.of("results", draft.runId()))
                    .runId(draft.runId()).build();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        if (startAtEpochSeconds != null) {
            waitUntil(startAtEpochSeconds, err);
        }
        RunHandle handle;
        try {
            handle = Chorus.start(spec);
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        if (metrics != null) {
            handle.onLiveStats(metrics);
        }
        Thread hook = new Thread(() -> {
            handle.stop();
            try {
                handle.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "chorus-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!quiet) {
            boolean tty = System.console() != null;
            long[] lastPrinted = {0};
            handle.onProgress(p -> {
                if (tty) {
                    err.print("\r" + p.line() + "   ");
                } else if (p.elapsedMillis() - lastPrinted[0] >= 10_000) {
                    lastPrinted[0] = p.elapsedMillis();
                    err.println(p.line());
                }
            });
        }
        RunReport report = handle.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and has waited for the same report.
        }
        if (!quiet && System.console() != null) {
            err.println();
        }
        System.out.print(Summary.of(report));
        System.out.flush();
        return report.succeeded() ? 0 : Main.EXIT_FAILED;
    }
}
