package dev.chorus.engine;

import dev.chorus.engine.config.TestCase;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.RunMetrics;
import dev.chorus.engine.report.CsvWriter;
import dev.chorus.engine.report.HtmlReportWriter;
import dev.chorus.engine.report.JunitXmlWriter;
import dev.chorus.engine.report.TimelineCsv;
import dev.chorus.engine.report.ReportWriter;
import dev.chorus.engine.report.SessionFileWriter;
import dev.chorus.engine.schedule.Arrivals;
import dev.chorus.engine.schedule.LoadProfile;
import dev.chorus.engine.schedule.Pacer;
import dev.chorus.engine.schedule.ThreadScheduling;
import dev.chorus.engine.session.CallSession;
import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import dev.chorus.engine.session.PreparedTestCase;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.transcribe.TranscriptionWorker;
import dev.chorus.engine.transport.TlsContexts;
import dev.chorus.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import dev.chorus.engine.metrics.Threshold;
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
    private static final long PUMP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RunSpec spec;
    private final NanoClock clock = NanoClock.SYSTEM;
    private final CompiledAgent agent;
    private final List<PreparedTestCase> cases = new ArrayList<>();
    private final RunMetrics metrics = new RunMetrics();
    private final Arrivals arrivals;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final CallDialer dialer;
    private final URI endpoint;
    private final MpscUnboundedArrayQueue<SessionResult> results = new MpscUnboundedArrayQueue<>(1024);
    /** Calls back from speech-to-text ({@code --transcribe}), for the recorder thread to finish. */
    private final MpscUnboundedArrayQueue<SessionResult> transcribed = new MpscUnboundedArrayQueue<>(64);
    private final TranscriptionWorker transcriber;
    private EventLoop pumpLoop;
    /** One frame timer per event loop (each used on its loop only; the map is filled before the first call). */
    private final Map<EventLoop, Pacer> pacers = new ConcurrentHashMap<>();
    private volatile String abortedBy;
    private final Map<String, OpenCall> open = new ConcurrentHashMap<>();
    private final CompletableFuture<RunReport> completion = new CompletableFuture<>();
    private final List<Consumer<Progress>> progressListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<LiveStats>> statsListeners = new CopyOnWriteArrayList<>();
    private final SessionFileWriter sessionFiles;
    private volatile Progress progress = new Progress(0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
    private volatile boolean stopped;
    private long runStartNanos;
    private long startEpochMillis;

    // recorder-thread state
    private long completed;
    private long failed;
    private long stoppedCalls;
    /** Calls handed to the transcriber and not back yet. */
    private long transcribing;
    private final Map<String, Long> errors = new TreeMap<>();
    private final List<SessionResult> kept = new ArrayList<>();
    private final Timeline timeline = new Timeline();

    LoadRun(RunSpec spec) throws IOException {
        this.spec = spec;
        ClassPreload.run();
        this.agent = CompiledAgent.compile(spec.agent());
        Map<String, ByteBuf> clipCache = new HashMap<>();
        for (TestCase tc : spec.tests().testCases()) {
            cases.add(PreparedTestCase.prepare(tc, agent, clipCache));
        }
        this.endpoint = agent.directEndpoint() != null ? agent.directEndpoint() : spec.agent().httpEndpoint();
        this.transport = spec.transport();
        this.arrivals = new Arrivals(spec.profile(), spec.iterations(), spec.durationMillis(), clock);
        if (spec.outDir() != null) {
            Files.createDirectories(spec.outDir().resolve("sessions"));
        }
        this.sessionFiles = spec.outDir() == null ? null : new SessionFileWriter(spec.outDir().resolve("sessions"));
        this.group = transport.newGroup(spec.ioThreads(), "chorus-io");
        if (spec.realtimeLoops()) {
            raiseLoops(group);
        }
        this.bootstrap = new Bootstrap().group(group).channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                // Netty 4.2's default (adaptive) allocator hands SslHandler a new NIO view of every buffer it wraps
                // (~2 x 64 B per frame) and copies byte[] literals through a heap view; the pooled allocator caches
                // views with the memory in the loop's thread cache: 0 B per frame (OutboundFrameBenchmark).
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(1, spec.agent().handshakeTimeoutMillis())));
        this.dialer = new CallDialer(agent, bootstrap, clock);
        this.transcriber = spec.transcribe() == null ? null : new TranscriptionWorker(spec.transcribe());
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

    void removeProgressListener(Consumer<Progress> listener) {
        progressListeners.remove(listener);
    }

    /** See {@link RunHandle#onLiveStats}. */
    void onLiveStats(Consumer<LiveStats> listener) {
        statsListeners.add(listener);
    }

    CompletableFuture<RunReport> completion() {
        return completion;
    }

    /** {@code --realtime-loops}: every loop SCHED_FIFO before the first call, or the run does not start. */
    private static void raiseLoops(EventLoopGroup group) throws IOException {
        List<Future<?>> raised = new ArrayList<>();
        for (EventExecutor loop : group) {
            raised.add(loop.submit(() -> {
                ThreadScheduling.raiseToRealtime();
                return null;
            }));
        }
        for (Future<?> f : raised) {
            f.awaitUninterruptibly();
            if (!f.isSuccess()) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                Throwable cause = f.cause();
                throw cause instanceof IOException ? (IOException) cause : new IOException(cause.getMessage(), cause);
            }
        }
    }

    void start() {
        runStartNanos = clock.nanoTime();
        startEpochMillis = System.currentTimeMillis();
        arrivals.begin();
        for (EventExecutor loop : group) {
            startHiccupProbe((EventLoop) loop);
            pacers.put((EventLoop) loop, new Pacer(loop, clock));
        }
        pumpLoop = group.next();
        pumpLoop.execute(this::pump);
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
        pumpLoop.execute(this::pump);
        for (OpenCall call : open.values()) {
            call.loop().execute(call.session()::stop);
        }
    }

    /**
     * On the pump loop: starts what the profile says is due (closed: up to the target; open: the arrivals whose
     * time has come), spreading the calls round-robin over the event loops, then sleeps until the next arrival
     * (open) or 10 ms (closed ramps and stages). Ends when no more calls may start.
     */
    private void pump() {
        long now = clock.nanoTime();
        int due = arrivals.due(now);
        for (int i = 0; i < due; i++) {
            EventLoop loop = group.next();
            long n = arrivals.tryOpen(now);
            if (n == 0) {
                break;
            }
            if (loop.inEventLoop()) {
                startCall(n, loop);
            } else {
                loop.execute(() -> startCall(n, loop));
            }
        }
        if (arrivals.exhausted()) {
            return;
        }
        long sleep = PUMP_NANOS;
        if (arrivals.profile().model() == LoadProfile.Model.OPEN) {
            sleep = Math.max(0, Math.min(sleep, arrivals.nanosToNextArrival(clock.nanoTime())));
        }
        pumpLoop.schedule(this::pump, sleep, TimeUnit.NANOSECONDS);
    }

    /**
     * On {@code loop}, forever until the run ends: a task that should run every millisecond records how late it
     * ran — the loop's own stalls, which no call measurement can be more precise than (jHiccup's idea). One-shot
     * re-arms, not a fixed-rate task: on Netty 4.2's epoll loop a fixed-rate task runs ~1 ms late (p50 0.8 ms, measured
     * against 0.1 ms for a one-shot), which would be the probe measuring itself.
     */
    private void startHiccupProbe(EventLoop loop) {
        long[] planned = {clock.nanoTime() + PROBE_NANOS};
        Runnable[] probe = new Runnable[1];
        probe[0] = () -> {
            long now = clock.nanoTime();
            metrics.record(Metric.LOOP_HICCUP, Math.max(0, now - planned[0]));
            planned[0] = now + PROBE_NANOS;
            if (!completion.isDone()) {
                loop.schedule(probe[0], PROBE_NANOS, TimeUnit.NANOSECONDS);
            }
        };
        loop.schedule(probe[0], PROBE_NANOS, TimeUnit.NANOSECONDS);
    }

    /** On {@code loop}: starts call number {@code n} (1-based) pinned to it; {@link #arrivals} counts it open. */
    private void startCall(long n, EventLoop loop) {
        PreparedTestCase plan = cases.get((int) ((n - 1) % cases.size()));
        String callId = RunIds.callId(spec.runId(), n);
        long startNanos = clock.nanoTime();
        CallSession session = new CallSession(agent, plan, callId, spec.runId(), startNanos, clock, metrics,
                this::sessionEnded);
        session.pacer(pacers.get(loop));
        if (spec.record() || spec.transcribe() != null) {
            session.record();
        }
        // Golden-ratio spread: calls that start together send in different instants of each chunk period.
        session.startOffset((long) (((n * 0.6180339887498949) % 1.0) * agent.chunkNanos()));
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
        arrivals.closed();
        long now = clock.nanoTime();
        if (arrivals.wantsReplacement(now)) {
            long n = arrivals.tryOpen(now);
            if (n > 0) {
                startCall(n, ended.loop());
            }
        }
    }

    private record OpenCall(CallSession session, EventLoop loop) {
    }

    // ------------------------------------------------------------------ recorder thread

    private void record() {
        ThreadScheduling.lowerToIdle();
        HistogramLogWriter hlog = null;
        long nextSample = clock.nanoTime() + SAMPLE_NANOS;
        long lastEnded = 0;
        long lastFrames = 0;
        long lastSampleNanos = runStartNanos;
        try {
            if (spec.outDir() != null) {
                hlog = openHistogramLog(spec.outDir().resolve("histograms.hlog"));
            }
            while (true) {
                boolean done = arrivals.finished();
                SessionResult r;
                while ((r = results.poll()) != null) {
                    consume(r);
                }
                while ((r = transcribed.poll()) != null) {
                    transcribing--;
                    keep(r);
                }
                long now = clock.nanoTime();
                if (now - nextSample >= 0 || done) {
                    Map<Metric, Histogram> interval = metrics.sample();
                    if (hlog != null) {
                        writeIntervals(hlog, interval);
                    }
                    if (spec.abortOnFail() && !stopped) {
                        checkAbort();
                    }
                    double seconds = Math.max(1e-9, (now - lastSampleNanos) / 1e9);
                    long ended = completed + failed + stoppedCalls;
                    long frames = metrics.framesSent();
                    Histogram turn = metrics.total(Metric.TURN);
                    Histogram lag = interval.get(Metric.SEND_LAG);
                    progress = new Progress(TimeUnit.NANOSECONDS.toMillis(now - runStartNanos), open.size(),
                            arrivals.started(), completed, failed, (ended - lastEnded) / seconds,
                            (frames - lastFrames) / seconds, metrics.lateFrames(), percentileMillis(turn, 50),
                            percentileMillis(turn, 99), percentileMillis(lag, 99));
                    timeline.add(progress);
                    lastEnded = ended;
                    lastFrames = frames;
                    lastSampleNanos = now;
                    nextSample = now + SAMPLE_NANOS;
                    for (Consumer<Progress> l : progressListeners) {
                        l.accept(progress);
                    }
                    publishLiveStats(progress);
                }
                if (done && results.isEmpty() && transcribing == 0) {
                    break;
                }
                LockSupport.parkNanos(2_000_000);
            }
            if (hlog != null) {
                hlog.close();
                hlog = null;
            }
            if (transcriber != null) {
                transcriber.close();
            }
            RunReport report = report();
            if (spec.outDir() != null) {
                ReportWriter.write(spec.outDir(), report);
                writeOrWarn(spec.outDir(), "junit.xml", JunitXmlWriter::write, report);
                writeOrWarn(spec.outDir(), "calls.csv", CsvWriter::write, report);
                writeOrWarn(spec.outDir(), "timeline.csv", (d, r) -> TimelineCsv.write(d, r.timeline()), report);
                writeOrWarn(spec.outDir(), "report.html", HtmlReportWriter::write, report);
            }
            completion.complete(report);
        } catch (Throwable t) {
            completion.completeExceptionally(t);
        } finally {
            if (hlog != null) {
                hlog.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    /** A result file written from the report ({@code junit.xml}, {@code calls.csv}, {@code report.html}). */
    private interface ResultFile {
        java.nio.file.Path write(java.nio.file.Path dir, RunReport report) throws IOException;
    }

    /**
     * Writes one derived result file; a failure goes to stderr naming the file, so one broken writer does not cost
     * the others or the run's outcome ({@code report.json} is already written).
     */
    private static void writeOrWarn(java.nio.file.Path dir, String name, ResultFile writer, RunReport report) {
        try {
            writer.write(dir, report);
        } catch (IOException | RuntimeException e) {
            System.err.println("chorus: could not write " + dir.resolve(name) + ": " + e);
        }
    }

    /**
     * {@code histograms.hlog}: HdrHistogram's interval log, one tagged histogram per metric per second (values in
     * microseconds), so runs from several machines merge exactly ({@code HistogramLogReader}, then add).
     */
    private HistogramLogWriter openHistogramLog(java.nio.file.Path file) throws IOException {
        HistogramLogWriter w = new HistogramLogWriter(new java.io.PrintStream(Files.newOutputStream(file), false,
                java.nio.charset.StandardCharsets.US_ASCII));
        w.outputComment("Chorus run " + spec.runId() + ": values in microseconds, one histogram per metric (tag) "
                + "per interval");
        w.outputLogFormatVersion();
        w.setBaseTime(startEpochMillis);
        w.outputStartTime(startEpochMillis);
        w.outputBaseTime(startEpochMillis);
        w.outputLegend();
        return w;
    }

    private void writeIntervals(HistogramLogWriter w, Map<Metric, Histogram> interval) {
        for (Map.Entry<Metric, Histogram> e : interval.entrySet()) {
            Histogram h = e.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            h.setTag(e.getKey().wireName());
            // Max column in milliseconds (values are microseconds).
            w.outputIntervalHistogram((h.getStartTimeStamp() - startEpochMillis) / 1000.0,
                    (h.getEndTimeStamp() - startEpochMillis) / 1000.0, h, 1000.0);
        }
    }

    /** Recorder thread, after each sample: hands {@link LiveStats} to its listeners (built only when there are any). */
    private void publishLiveStats(Progress p) {
        if (statsListeners.isEmpty()) {
            return;
        }
        Map<Metric, LiveStats.Latency> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            Histogram h = metrics.total(m);
            long n = h.getTotalCount();
            latency.put(m, new LiveStats.Latency(n, n == 0 ? 0 : h.getMean() * n / 1000.0, percentileMillis(h, 50),
                    percentileMillis(h, 90), percentileMillis(h, 99)));
        }
        LiveStats stats = new LiveStats(p, stoppedCalls, Collections.unmodifiableMap(new TreeMap<>(errors)),
                metrics.framesSent(), metrics.lateFrames(), metrics.skippedFrames(), metrics.underruns(),
                Collections.unmodifiableMap(latency));
        for (Consumer<LiveStats> l : statsListeners) {
            l.accept(stats);
        }
    }

    /** Recorder thread: stops the run when a threshold that has data fails. */
    private void checkAbort() {
        Threshold.Figures figures = figures();
        for (Threshold t : spec.thresholds()) {
            double v = t.value(figures);
            if (!Double.isNaN(v) && !t.holds(v)) {
                abortedBy = t.expression() + " (was " + v + ")";
                stop();
                return;
            }
        }
    }

    /** The figures thresholds look at, from the recorder thread's counts and the metrics' totals. */
    private Threshold.Figures figures() {
        Map<Metric, Histogram> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            latency.put(m, metrics.total(m));
        }
        return Threshold.figures(latency, completed + failed, failed, errors, metrics.framesSent()
                + metrics.skippedFrames(), metrics.lateFrames(), metrics.skippedFrames(), metrics.agentAudioMessages(),
                metrics.underruns());
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
        if (r.recording() != null && spec.record()) {
            // The stereo WAV is converted and written here, on the recorder thread, never on an event loop.
            r.recording().write(spec.outDir().resolve("recordings"), r.callId());
        }
        if (r.recording() != null && transcriber != null) {
            // Speech-to-text on its own thread; the call comes back through `transcribed` to be kept and written.
            transcribing++;
            transcriber.submit(r, transcribed::offer);
            return;
        }
        keep(r);
    }

    /** Recorder thread: keeps {@code r} (without its audio) and writes its session file. */
    private void keep(SessionResult r) throws IOException {
        r = r.withoutRecording();
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
        audio.put("skipped_frames", metrics.skippedFrames());
        audio.put("dropped_arrivals", arrivals.dropped());
        audio.put("agent_interruptions", metrics.agentInterruptions());
        audio.put("caller_interruptions", metrics.callerInterruptions());
        audio.put("agent_speech_ms", TimeUnit.NANOSECONDS.toMillis(metrics.agentSpeechNanos()));
        audio.put("caller_speech_ms", TimeUnit.NANOSECONDS.toMillis(metrics.callerSpeechNanos()));
        List<Threshold.Verdict> verdicts = new ArrayList<>();
        Threshold.Figures figures = figures();
        for (Threshold t : spec.thresholds()) {
            verdicts.add(t.evaluate(figures));
        }
        for (ErrorClass c : ErrorClass.values()) {
            errors.putIfAbsent(c.wireName(), 0L);
        }
        return new RunReport(spec.runId(), spec.tests().name(), withoutQuery(endpoint), transport.wireName(),
                TlsContexts.bestProvider().name().toLowerCase(), startEpochMillis,
                TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - runStartNanos), spec.concurrency(),
                arrivals.started(), completed, failed, stoppedCalls, Collections.unmodifiableMap(errors), latency,
                audio, Collections.unmodifiableList(kept), stopped, spec.outDir(), List.copyOf(verdicts), abortedBy,
                arrivals.profile().toString(), timeline.points());
    }
}
