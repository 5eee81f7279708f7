package dev.chorus.bench.load;

import dev.chorus.engine.Chorus;
import dev.chorus.engine.LiveStats;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.TestSetLoader;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact bytes allocated per outbound frame on Chorus's event loops in a real run: starts the reference agent and a
 * run of {@code --calls} streaming calls in this JVM (real TLS on loopback), lets them settle, then reads
 * {@code getThreadAllocatedBytes} and the CPU time of every {@code chorus-io} thread at two {@link LiveStats}
 * snapshots and divides by the frames sent between them. Load-independent (bytes do not depend on how busy the
 * machine is), unlike the CPU figures printed beside them.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.chorus.bench.load.LoopAllocation [--calls 200] [--seconds 10]
 *        [--settle-seconds 6] [--ramp-ms 2000] [--script silence|speech] [--io-threads 1]
 * </pre>
 *
 * {@code silence}: each call streams silence for the whole run (what the load benchmark sends). {@code speech}:
 * each call says a sentence and waits for the agent's spoken reply, over and over, so agent audio (48 kHz JSON
 * base64) flows in as well. Add {@code -XX:StartFlightRecording=settings=alloc.jfc,...} and read the recording with
 * {@link AllocationSites} for the split by allocation site.
 */
public final class LoopAllocation {
    private LoopAllocation() {
    }

    /** One sample of the loops, taken with the run's counters. */
    private record Snapshot(long nanos, long frames, long bytes, long cpuNanos, long userNanos, long gcCount,
                            double sendLagP99Millis) {
    }

    public static void main(String[] args) throws Exception {
        // The settings `chorus run` starts with (no leak detection, no per-access checks) unless given with -D.
        dev.chorus.engine.cli.Main.loadGeneratorDefaults();
        int calls = 200;
        int seconds = 10;
        int settleSeconds = 6;
        long rampMillis = 2000;
        String script = "silence";
        int ioThreads = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--calls": calls = Integer.parseInt(args[i + 1]); break;
                case "--seconds": seconds = Integer.parseInt(args[i + 1]); break;
                case "--settle-seconds": settleSeconds = Integer.parseInt(args[i + 1]); break;
                case "--ramp-ms": rampMillis = Long.parseLong(args[i + 1]); break;
                case "--script": script = args[i + 1]; break;
                case "--io-threads": ioThreads = Integer.parseInt(args[i + 1]); break;
                default:
                    System.err.println("unknown option " + args[i] + "; see the class javadoc");
                    System.exit(2);
            }
        }
        long callMillis = rampMillis + (settleSeconds + seconds + 3) * 1000L;
        try (ReferenceAgent agent = ReferenceAgent.start(ReferenceAgentOptions.builder().port(0).build())) {
            String agentJson = "{\"endpoint\": \"" + agent.endpoint() + "\", \"trust_ca_file\": \""
                    + agent.caPemFile() + "\", \"send_sample_rate_hertz\": 16000, \"receive_sample_rate_hertz\": "
                    + "48000}";
            String steps;
            if ("speech".equals(script)) {
                StringBuilder s = new StringBuilder();
                for (long t = 0; t < callMillis; t += 3500) {
                    s.append("{\"say\": \"Hello, I would like to check my balance.\"}, ")
                            .append("{\"wait_for_agent\": {\"timeout_seconds\": 10}}, ");
                }
                steps = s + "{\"hang_up\": true}";
            } else if ("silence".equals(script)) {
                steps = "{\"pause_ms\": " + callMillis + "}, {\"hang_up\": true}";
            } else {
                throw new IllegalArgumentException("--script must be silence or speech, not " + script);
            }
            String testsJson = "{\"name\": \"alloc\", \"test_cases\": [{\"id\": \"" + script + "\", \"script\": ["
                    + steps + "]}]}";
            RunSpec spec = RunSpec.builder()
                    .agent(AgentConfigLoader.parse(agentJson, "agent.json", Path.of(".")))
                    .tests(TestSetLoader.parse(testsJson, "tests.json", Path.of(".")))
                    .concurrency(calls).iterations(calls).rampMillis(rampMillis).ioThreads(ioThreads)
                    .build();
            RunHandle run = Chorus.start(spec);
            Snapshot[] latest = new Snapshot[1];
            run.onLiveStats(stats -> {
                Snapshot s = snapshot(stats);
                synchronized (latest) {
                    latest[0] = s;
                }
            });
            Thread.sleep(rampMillis + settleSeconds * 1000L);
            Snapshot a;
            synchronized (latest) {
                a = latest[0];
            }
            long fromMillis = System.currentTimeMillis();
            Thread.sleep(seconds * 1000L);
            Snapshot b;
            synchronized (latest) {
                b = latest[0];
            }
            long toMillis = System.currentTimeMillis();
            run.stop();
            RunReport report = run.await();
            long frames = b.frames - a.frames;
            double windowSeconds = (b.nanos - a.nanos) / 1e9;
            System.out.printf(Locale.ROOT, "calls %d (%s), %d event loop(s), window %.1f s: %d frames (%.0f/s)%n",
                    calls, script, loopThreads().length, windowSeconds, frames, frames / windowSeconds);
            System.out.printf(Locale.ROOT, "event loops: %.1f B/frame allocated, CPU %.2f µs/frame (user %.2f, "
                            + "kernel %.2f), young+old GCs in window %d, send lag p99 %.2f ms%n",
                    (double) (b.bytes - a.bytes) / frames, (b.cpuNanos - a.cpuNanos) / 1e3 / frames,
                    (b.userNanos - a.userNanos) / 1e3 / frames,
                    ((b.cpuNanos - a.cpuNanos) - (b.userNanos - a.userNanos)) / 1e3 / frames, b.gcCount - a.gcCount,
                    b.sendLagP99Millis);
            System.out.printf(Locale.ROOT, "window for AllocationSites: --from %d --to %d --frames %d%n", fromMillis,
                    toMillis, frames);
            System.out.printf(Locale.ROOT, "run: %d completed, %d failed, %d stopped (%s, %s)%n", report.completed(),
                    report.failed(), report.stoppedCalls(), report.transport(), report.tlsProvider());
        }
    }

    private static Snapshot snapshot(LiveStats stats) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = loopThreads();
        long bytes = 0;
        long cpu = 0;
        long user = 0;
        for (long id : ids) {
            bytes += mx.getThreadAllocatedBytes(id);
            cpu += mx.getThreadCpuTime(id);
            user += mx.getThreadUserTime(id);
        }
        long gcs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs += gc.getCollectionCount();
        }
        return new Snapshot(System.nanoTime(), stats.framesSent(), bytes, cpu, user, gcs,
                stats.progress().sendLagP99Millis());
    }

    /** Ids of Chorus's event loop threads ({@code chorus-io-*}). */
    private static long[] loopThreads() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Long> ids = new ArrayList<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("chorus-io")) {
                ids.add(info.getThreadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
