package dev.chorus.engine;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.TestSet;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to run: an agent, a test set and a closed load profile. Immutable; build with {@link #builder()}.
 *
 * <p>Load model (k6's "shared iterations"): {@code concurrency} calls run at once; {@code iterations} calls are
 * made in all, test cases taken round-robin; with a {@code durationMillis} new calls start until it ends and open
 * calls then finish. The first {@code concurrency} calls start spread evenly over {@code rampMillis}.
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
        this.concurrency = b.concurrency;
        this.rampMillis = b.rampMillis;
        this.durationMillis = b.durationMillis;
        this.iterations = b.iterations > 0 || b.durationMillis > 0 ? b.iterations
                : Math.max(b.concurrency, b.tests.testCases().size());
        this.outDir = b.outDir;
        this.runId = b.runId != null ? b.runId : RunIds.newRunId();
        this.ioThreads = b.ioThreads;
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
    public int ioThreads() {
        return ioThreads;
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

        /** @throws IllegalArgumentException naming the option and the fix */
        public RunSpec build() {
            return new RunSpec(this);
        }
    }
}
