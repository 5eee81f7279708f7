package dev.chorus.engine;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.TestSet;

import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.schedule.LoadProfile;
import dev.chorus.engine.transport.Transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What to run: an agent, a test set, a load profile and thresholds. Immutable; build with {@link #builder()}.
 *
 * <p>Load models ({@link LoadProfile}): closed, k6's "shared iterations" — {@code concurrency} calls run at once,
 * reached linearly over {@code rampMillis}; {@code iterations} calls are made in all, test cases taken round-robin;
 * with a {@code durationMillis} new calls start until it ends and open calls then finish. Staged closed
 * ({@code --stages}): the number of callers follows the stages, and the run lasts their total unless a duration
 * is given. Open ({@code --rate}): new calls at a fixed rate up to {@code maxConcurrency}; arrivals that find the
 * cap reached are dropped and counted.
 */
public final class RunSpec {
    private final AgentConfig agent;
    private final TestSet tests;
    private final int concurrency;
    private final long rampMillis;
    private final long iterations;
    private final long durationMillis;
    private final Path outDir;
    private final String runId;
    private final int ioThreads;
    private final Transport transport;
    private final boolean realtimeLoops;
    private final LoadProfile profile;
    private final List<Threshold> thresholds;
    private final boolean abortOnFail;
    private final boolean record;
    private final String transcribe;

    private RunSpec(Builder b) {
        this.agent = Objects.requireNonNull(b.agent, "agent");
        this.tests = Objects.requireNonNull(b.tests, "tests");
        if (b.concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1 (was " + b.concurrency + ")");
        }
        if (b.iterations < 0 || b.durationMillis < 0 || b.rampMillis < 0) {
            throw new IllegalArgumentException("--iterations, --duration and --ramp must not be negative");
        }
        if (b.iterations > 0 && b.durationMillis > 0) {
            throw new IllegalArgumentException("give --iterations or --duration, not both");
        }
        if (b.record && b.outDir == null) {
            throw new IllegalArgumentException("--record writes recordings/<call id>.wav under the output folder; "
                    + "fix: give an output folder (--out)");
        }
        if (b.transcribe != null && !dev.chorus.engine.transcribe.SpeechToText.known(b.transcribe)) {
            throw new IllegalArgumentException("--transcribe " + b.transcribe + ": unknown engine; fix: use one of "
                    + dev.chorus.engine.transcribe.SpeechToText.ENGINES);
        }
        if (b.stages != null && b.ratePerSecond > 0) {
            throw new IllegalArgumentException("give --stages (closed model) or --rate (open model), not both");
        }
        if (b.stages != null) {
            this.profile = LoadProfile.staged(b.stages);
        } else if (b.ratePerSecond > 0) {
            if (b.iterations == 0 && b.durationMillis == 0) {
                throw new IllegalArgumentException("--rate needs --duration or --iterations to end; fix: e.g. "
                        + "--rate 20/s --duration 60s");
            }
            this.profile = LoadProfile.open(b.ratePerSecond, b.maxConcurrency > 0 ? b.maxConcurrency
                    : Math.max(b.concurrency, (int) Math.ceil(b.ratePerSecond * 60)));
        } else {
            this.profile = LoadProfile.closed(b.concurrency, b.rampMillis);
        }
        this.concurrency = profile.maxConcurrency();
        this.rampMillis = b.rampMillis;
        this.durationMillis = b.durationMillis > 0 || b.stages == null ? b.durationMillis
                : TimeUnit.NANOSECONDS.toMillis(profile.stagesNanos());
        this.iterations = b.iterations > 0 || this.durationMillis > 0 ? b.iterations
                : Math.max(b.concurrency, b.tests.testCases().size());
        this.thresholds = List.copyOf(b.thresholds);
        this.abortOnFail = b.abortOnFail;
        this.record = b.record;
        this.transcribe = b.transcribe;
        this.outDir = b.outDir;
        this.runId = b.runId != null ? b.runId : RunIds.newRunId();
        this.ioThreads = b.ioThreads;
        this.transport = Transport.named(b.transport);
        this.realtimeLoops = b.realtimeLoops;
    }

    public static Builder builder() {
        return new Builder();
    }

    public AgentConfig agent() {
        return agent;
    }

    public TestSet tests() {
        return tests;
    }

    /** Calls at once; default 1. */
    public int concurrency() {
        return concurrency;
    }

    /** Spread of the first {@code concurrency} starts; default 0 (all at once). */
    public long rampMillis() {
        return rampMillis;
    }

    /**
     * Calls in all; 0 when the run is bounded by {@link #durationMillis()}. Default, when neither is given:
     * max(concurrency, number of test cases).
     */
    public long iterations() {
        return iterations;
    }

    /** Keep starting calls this long; 0 when bounded by iterations. */
    public long durationMillis() {
        return durationMillis;
    }

    /** Where results go; null writes nothing (embedding, tests). */
    public Path outDir() {
        return outDir;
    }

    public String runId() {
        return runId;
    }

    /** Event loops; 0 = one per core (default). */
    /** How calls arrive: closed (default), staged, or open. */
    public LoadProfile profile() {
        return profile;
    }

    /** Conditions the run must meet (exit code 1 otherwise); default none. */
    public List<Threshold> thresholds() {
        return thresholds;
    }

    /** Stop the run as soon as a threshold with data fails (checked every second); default false. */
    public boolean abortOnFail() {
        return abortOnFail;
    }

    public int ioThreads() {
        return ioThreads;
    }

    /**
     * The event loops' transport ({@code --transport}): default {@code auto}, epoll when it loads (else NIO);
     * {@code nio} on request.
     */
    public Transport transport() {
        return transport;
    }

    /**
     * Run the event loops in Linux's SCHED_FIFO class ({@code --realtime-loops}), ahead of every ordinary thread on
     * the machine; default false. For a generator that shares its cores (with the agent under test, other
     * generators, anything): without it a loop with frames due can wait for another thread's time slice. Needs
     * root or CAP_SYS_NICE; the run does not start without it ({@link dev.chorus.engine.schedule.ThreadScheduling}).
     * Only with headroom: loops that nearly fill their cores starve the JVM's JIT compiler threads while it warms up.
     */
    public boolean realtimeLoops() {
        return realtimeLoops;
    }

    /**
     * Write {@code recordings/<call id>.wav} per call under {@link #outDir()}: stereo PCM16 at the agent's receive
     * rate, caller left, agent right, from the call's stream start; default false. Each call's audio is buffered in
     * memory (up to 10 minutes) until it ends.
     */
    public boolean record() {
        return record;
    }

    /**
     * Speech-to-text engine for the agent's turns after each call ({@code auto}, {@code pocketsphinx},
     * {@code sphinx4}), or null (default) for none. Buffers each call's audio as {@link #record()} does.
     */
    public String transcribe() {
        return transcribe;
    }

    /** Builder with the defaults documented on each accessor. Not thread-safe. */
    public static final class Builder {
        private AgentConfig agent;
        private TestSet tests;
        private int concurrency = 1;
        private long rampMillis;
        private long iterations;
        private long durationMillis;
        private Path outDir;
        private String runId;
        private int ioThreads;
        private String transport = System.getProperty("chorus.transport", "auto");
        private boolean realtimeLoops;
        private List<LoadProfile.Stage> stages;
        private double ratePerSecond;
        private int maxConcurrency;
        private final List<Threshold> thresholds = new ArrayList<>();
        private boolean abortOnFail;
        private boolean record;
        private String transcribe;

        /** Staged closed load ({@code --stages}); replaces concurrency and ramp. */
        public Builder stages(List<LoadProfile.Stage> stages) {
            this.stages = stages;
            return this;
        }

        /** Open model: new calls per second ({@code --rate}); 0 (default) for the closed model. */
        public Builder ratePerSecond(double ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
            return this;
        }

        /** Open model: most calls at once ({@code --max-concurrency}); default max(concurrency, rate × 60 s). */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder threshold(Threshold threshold) {
            this.thresholds.add(threshold);
            return this;
        }

        public Builder abortOnFail(boolean abortOnFail) {
            this.abortOnFail = abortOnFail;
            return this;
        }

        /** Engine name, or null for no speech-to-text. */
        public Builder transcribe(String engine) {
            this.transcribe = engine;
            return this;
        }

        public Builder record(boolean record) {
            this.record = record;
            return this;
        }

        public Builder agent(AgentConfig agent) {
            this.agent = agent;
            return this;
        }

        public Builder tests(TestSet tests) {
            this.tests = tests;
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder rampMillis(long rampMillis) {
            this.rampMillis = rampMillis;
            return this;
        }

        public Builder iterations(long iterations) {
            this.iterations = iterations;
            return this;
        }

        public Builder durationMillis(long durationMillis) {
            this.durationMillis = durationMillis;
            return this;
        }

        public Builder outDir(Path outDir) {
            this.outDir = outDir;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /** {@code auto}, {@code epoll} or {@code nio}; checked at {@link #build()}. */
        public Builder transport(String transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder realtimeLoops(boolean realtimeLoops) {
            this.realtimeLoops = realtimeLoops;
            return this;
        }

        /** @throws IllegalArgumentException naming the option and the fix */
        public RunSpec build() {
            return new RunSpec(this);
        }
    }
}
