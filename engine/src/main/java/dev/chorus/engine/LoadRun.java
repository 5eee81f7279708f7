package dev.chorus.engine;

import dev.chorus.engine.config.TestCase;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.RunMetrics;
import dev.chorus.engine.report.ReportWriter;
import dev.chorus.engine.report.SessionFileWriter;
import dev.chorus.engine.schedule.ClosedArrivals;
import dev.chorus.engine.session.CallSession;
import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import dev.chorus.engine.session.PreparedTestCase;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.transport.TlsContexts;
import dev.chorus.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;
import org.jctools.queues.MpscUnboundedArrayQueue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One run: event loops, the closed arrival model, and the recorder thread.
 *
 * <pre>
 *  event loops (N)                               recorder thread (1)
 *   CallSession ends --SessionResult--> MPSC queue --> session files, counts, report
 *   RunMetrics (HdrHistogram Recorders, wait-free) ---> sampled each second --> progress, totals
 * </pre>
 *
 * Thread-safe: calls start and end on event loops; results are consumed by one recorder thread.
 */
final class LoadRun {
    /** Session results kept in memory for {@link RunReport#sessions()} (all are written to files). */
    static final int KEPT_RESULTS = 10_000;
    private static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RunSpec spec;
    private final NanoClock clock = NanoClock.SYSTEM;
    private final CompiledAgent agent;
    private final List<PreparedTestCase> cases = new ArrayList<>();
    private final RunMetrics metrics = new RunMetrics();
    private final ClosedArrivals arrivals;
    private final Transport transport = Transport.best();
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final CallDialer dialer;
    private final URI endpoint;
    private final MpscUnboundedArrayQueue<SessionResult> results = new MpscUnboundedArrayQueue<>(1024);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, OpenCall> open = new ConcurrentHashMap<>();
    private final CompletableFuture<RunReport> completion = new CompletableFuture<>();
    private final List<Consumer<Progress>> progressListeners = new CopyOnWriteArrayList<>();
    private final SessionFileWriter sessionFiles;
    private volatile Progress progress = new Progress(0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
    private volatile boolean stopped;
    private long runStartNanos;
    private long startEpochMillis;

    // recorder-thread state
    private long completed;
    private long failed;
    private long stoppedCalls;
    private final Map<String, Long> errors = new TreeMap<>();
    private final List<SessionResult> kept = new ArrayList<>();

    LoadRun(RunSpec spec) throws IOException {
        this.spec = spec;
        this.agent = CompiledAgent.compile(spec.agent());
        Map<String, ByteBuf> clipCache = new HashMap<>();
        for (TestCase tc : spec.tests().testCases()) {
            cases.add(PreparedTestCase.prepare(tc, agent, clipCache));
        }
        this.endpoint = agent.directEndpoint() != null ? agent.directEndpoint() : spec.agent().httpEndpoint();
        this.arrivals = new ClosedArrivals(spec.concurrency(), spec.rampMillis(), spec.iterations(),
                spec.durationMillis(), clock);
        if (spec.outDir() != null) {
            Files.createDirectories(spec.outDir().resolve("sessions"));
        }
        this.sessionFiles = spec.outDir() == null ? null : new SessionFileWriter(spec.outDir().resolve("sessions"));
        this.group = transport.newGroup(spec.ioThreads(), "chorus-io");
        this.bootstrap = new Bootstrap().group(group).channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.agent().handshakeTimeoutMillis())));
        this.dialer = new CallDialer(agent, bootstrap, clock);
    }

    RunSpec spec() {
        return spec;
    }

    Progress progress() {
        return progress;
    }

    void onProgress(Consumer<Progress> listener) {
        progressListeners.add(listener);
    }

    CompletableFuture<RunReport> completion() {
        return completion;
    }

    void start() {
        runStartNanos = clock.nanoTime();
        startEpochMillis = System.currentTimeMillis();
        arrivals.begin();
        int initial = arrivals.initialCalls();
        inFlight.addAndGet(initial);
        for (int i = 0; i < initial; i++) {
            long delay = arrivals.initialDelayNanos(i);
            EventLoop loop = group.next();
            if (delay == 0) {
                loop.execute(() -> startScheduled(loop));
            } else {
                loop.schedule(() -> startScheduled(loop), delay, TimeUnit.NANOSECONDS);
            }
        }
        Thread recorder = new Thread(this::record, "chorus-recorder");
        recorder.setDaemon(true);
        recorder.start();
    }

    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        arrivals.stop();
        for (OpenCall call : open.values()) {
            call.loop().execute(call.session()::stop);
        }
    }

    /** An initial call's turn has come (counted in {@link #inFlight} already). */
    private void startScheduled(EventLoop loop) {
        long n = arrivals.reserve();
        if (n == 0) {
            inFlight.decrementAndGet();
            return;
        }
        startCall(n, loop);
    }

    /** On {@code loop}: starts call number {@code n} (1-based) pinned to it; {@link #inFlight} already counts it. */
    private void startCall(long n, EventLoop loop) {
        PreparedTestCase plan = cases.get((int) ((n - 1) % cases.size()));
        String callId = RunIds.callId(spec.runId(), n);
        long startNanos = clock.nanoTime();
        CallSession session = new CallSession(agent, plan, callId, spec.runId(), startNanos, clock, metrics,
                this::sessionEnded);
        open.put(callId, new OpenCall(session, loop));
        dialer.dial(session, loop);
        if (stopped) {
            loop.execute(session::stop);
        }
    }

    /** On the call's event loop: hand the result over and start the next call if the plan allows. */
    private void sessionEnded(SessionResult result) {
        results.offer(result);
        OpenCall ended = open.remove(result.callId());
        long n = arrivals.reserve();
        if (n > 0) {
            startCall(n, ended.loop());
        } else {
            inFlight.decrementAndGet();
        }
    }

    private record OpenCall(CallSession session, EventLoop loop) {
    }

    // ------------------------------------------------------------------ recorder thread

    private void record() {
        long nextSample = clock.nanoTime() + SAMPLE_NANOS;
        long lastEnded = 0;
        long lastFrames = 0;
        long lastSampleNanos = runStartNanos;
        try {
            while (true) {
                boolean done = inFlight.get() == 0;
                SessionResult r;
                while ((r = results.poll()) != null) {
                    consume(r);
                }
                long now = clock.nanoTime();
                if (now - nextSample >= 0 || done) {
                    Map<Metric, Histogram> interval = metrics.sample();
                    double seconds = Math.max(1e-9, (now - lastSampleNanos) / 1e9);
                    long ended = completed + failed + stoppedCalls;
                    long frames = metrics.framesSent();
                    Histogram turn = metrics.total(Metric.TURN);
                    Histogram lag = interval.get(Metric.SEND_LAG);
                    progress = new Progress(TimeUnit.NANOSECONDS.toMillis(now - runStartNanos), open.size(),
                            arrivals.started(), completed, failed, (ended - lastEnded) / seconds,
                            (frames - lastFrames) / seconds, metrics.lateFrames(), percentileMillis(turn, 50),
                            percentileMillis(turn, 99), percentileMillis(lag, 99));
                    lastEnded = ended;
                    lastFrames = frames;
                    lastSampleNanos = now;
                    nextSample = now + SAMPLE_NANOS;
                    for (Consumer<Progress> l : progressListeners) {
                        l.accept(progress);
                    }
                }
                if (done && results.isEmpty()) {
                    break;
                }
                LockSupport.parkNanos(2_000_000);
            }
            RunReport report = report();
            if (spec.outDir() != null) {
                ReportWriter.write(spec.outDir(), report);
            }
            completion.complete(report);
        } catch (Throwable t) {
            completion.completeExceptionally(t);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    /** The endpoint for reports: no user info and no query (either may hold a token). */
    static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static double percentileMillis(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    private void consume(SessionResult r) throws IOException {
        if (r.passed()) {
            completed++;
        } else if (r.errorClass() != null) {
            failed++;
            errors.merge(r.errorClass().wireName(), 1L, Long::sum);
        } else {
            stoppedCalls++;
        }
        for (Map.Entry<String, Integer> e : r.nonFatalErrors().entrySet()) {
            errors.merge(e.getKey(), (long) e.getValue(), Long::sum);
        }
        if (kept.size() < KEPT_RESULTS) {
            kept.add(r);
        }
        if (sessionFiles != null) {
            sessionFiles.write(r);
        }
    }

    private RunReport report() {
        Map<Metric, Histogram> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            latency.put(m, metrics.total(m).copy());
        }
        Map<String, Long> audio = new LinkedHashMap<>();
        audio.put("caller_audio_ms", TimeUnit.NANOSECONDS.toMillis(metrics.callerAudioNanos()));
        audio.put("agent_audio_ms", TimeUnit.NANOSECONDS.toMillis(metrics.agentAudioNanos()));
        audio.put("agent_audio_messages", metrics.agentAudioMessages());
        audio.put("frames_sent", metrics.framesSent());
        audio.put("late_frames", metrics.lateFrames());
        audio.put("underruns", metrics.underruns());
        for (ErrorClass c : ErrorClass.values()) {
            errors.putIfAbsent(c.wireName(), 0L);
        }
        return new RunReport(spec.runId(), spec.tests().name(), withoutQuery(endpoint), transport.name().toLowerCase(),
                TlsContexts.bestProvider().name().toLowerCase(), startEpochMillis,
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - runStartNanos), spec.concurrency(),
                arrivals.started(), completed, failed, stoppedCalls, Collections.unmodifiableMap(errors), latency,
                audio, Collections.unmodifiableList(kept), stopped, spec.outDir());
    }
}
