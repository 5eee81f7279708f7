package dev.chorus.bench.load;

import dev.chorus.engine.agent.AgentCertificates;
import dev.chorus.engine.transport.TlsContexts;
import dev.chorus.engine.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load benchmark's sink: a wss server (epoll, BoringSSL) speaking the default agent protocol that times every
 * audio frame's arrival and reports, across all streams, how far arrival gaps stray from 20 ms, how far streams
 * drift, and how many frames arrived of those expected. Runs until {@code --seconds} or SIGTERM, then writes
 * {@code target.json} and {@code target.properties} into {@code --out}.
 *
 * <pre>
 *   tls -> http codec -> aggregator (upgrade only) -> websocket handshake -> StreamRecorderHandler
 * </pre>
 *
 * <p>Run on a core of its own: {@code taskset -c 1 java -cp bench/target/benchmarks.jar
 * dev.chorus.bench.load.LoadTarget --port 18443 --ca-pem /tmp/ca.pem --out DIR}.
 */
@Command(name = "load-target", mixinStandardHelpOptions = true,
        description = "wss sink that measures paced audio frame arrivals (default agent protocol).")
public final class LoadTarget implements Callable<Integer> {
    private static final long CHUNK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long STATUS_INTERVAL_MILLIS = 100;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "18443", description = "Port; 0 picks one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ca-pem", required = true, paramLabel = "FILE",
            description = "Where to write the CA certificate (PEM) for trust_ca_file; written once the port is bound.")
    Path caPem;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for target.json, target.properties and the live status file.")
    Path outDir;

    @Option(names = "--seconds", defaultValue = "0",
            description = "Stop after this long; 0 runs until SIGTERM (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--coalesce-us", defaultValue = "0",
            description = "Let the event loop sleep this long after each read round (capacity runs, e.g. 150); 0 reads "
                    + "at once (jitter runs) (default: ${DEFAULT-VALUE}).")
    long coalesceMicros;

    @Option(names = "--warmup-ms", defaultValue = "5000",
            description = "Histograms record from this long after the first stream opened (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Option(names = "--window-ms", defaultValue = "0",
            description = "Histograms record this long after the warm-up; 0 = until the end (default: ${DEFAULT-VALUE}).")
    long windowMillis;

    @Option(names = "--threads", defaultValue = "1", description = "Event loops (default: ${DEFAULT-VALUE}).")
    int threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTarget()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || coalesceMicros < 0 || seconds < 0 || warmupMillis < 0 || windowMillis < 0) {
            System.err.println("error: --threads must be >= 1 and --coalesce-us, --seconds, --warmup-ms, --window-ms "
                    + ">= 0");
            return 2;
        }
        AgentCertificates certificates = AgentCertificates.generate();
        SslContext ssl = SslContextBuilder.forServer(certificates.serverKey(), certificates.serverChain())
                .sslProvider(TlsContexts.bestProvider()).build();
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(threads, "load-target");
        MeasurementWindow window = new MeasurementWindow(TimeUnit.MILLISECONDS.toNanos(warmupMillis),
                TimeUnit.MILLISECONDS.toNanos(windowMillis));
        Map<EventExecutor, LoopRecorder> recorders = new IdentityHashMap<>();
        for (EventExecutor loop : group) {
            recorders.put(loop, new LoopRecorder(CHUNK_NANOS, TimeUnit.MICROSECONDS.toNanos(coalesceMicros), window));
        }
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .handleCloseFrames(false)
                .withUTF8Validator(false)
                .build();
        Channel server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 8192)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("tls", ssl.newHandler(ch.alloc()));
                        p.addLast("http", new HttpServerCodec());
                        p.addLast("http-aggregator", new HttpObjectAggregator(16 * 1024));
                        p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
                        p.addLast("recorder", new StreamRecorderHandler(recorders.get(ch.eventLoop())));
                    }
                })
                .bind(host, port).sync().channel();
        // Written last and atomically: a script that waits for this file knows the port is open and the PEM whole.
        Path tmpPem = caPem.resolveSibling(caPem.getFileName() + ".tmp");
        certificates.writeCaPem(tmpPem);
        Files.move(tmpPem, caPem, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("load target listening on wss://" + host + ":"
                + ((InetSocketAddress) server.localAddress()).getPort() + "/ (" + transport.name().toLowerCase()
                + ", " + TlsContexts.bestProvider().name().toLowerCase() + ", coalesce " + coalesceMicros + " µs)");
        System.out.flush();

        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean written = new AtomicBoolean();
        CountDownLatch summaryWritten = new CountDownLatch(1);
        Runnable finish = () -> {
            if (written.compareAndSet(false, true)) {
                try {
                    TargetSummary summary = summarize(recorders);
                    summary.write(outDir);
                    System.out.print(summary.toJson());
                    System.out.flush();
                } catch (Exception e) {
                    System.err.println("error: cannot write the summary: " + e);
                } finally {
                    summaryWritten.countDown();
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            finish.run();
            try {
                summaryWritten.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-target-stop"));
        Thread status = new Thread(() -> writeStatus(recorders, stop), "load-target-status");
        status.setDaemon(true);
        status.start();
        if (seconds > 0) {
            stop.await(seconds, TimeUnit.SECONDS);
            finish.run();
            return 0;
        }
        stop.await();
        return 0;
    }

    /**
     * Every 100 ms: {@code status} with frames received so far, for the CPU-per-frame window of {@code run.sh}; every
     * second: one timeline line on stdout (frames/s, gap deviation and drift p99/max of that second, warm-up
     * included), from interval histograms copied on the loops.
     */
    private void writeStatus(Map<EventExecutor, LoopRecorder> recorders, CountDownLatch stop) {
        Path file = outDir.resolve("status");
        long startMillis = System.currentTimeMillis();
        long lastFrames = 0;
        int ticks = 0;
        try {
            Files.createDirectories(outDir);
            while (!stop.await(STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)) {
                long frames = 0;
                for (LoopRecorder r : recorders.values()) {
                    frames += r.framesReceived();
                }
                TargetSummary.replace(file, "frames=" + frames + "\nepoch_ms=" + System.currentTimeMillis() + "\n");
                if (++ticks % 10 == 0 && frames > 0) {
                    Histogram gap = new Histogram(3);
                    Histogram drift = new Histogram(3);
                    for (Map.Entry<EventExecutor, LoopRecorder> e : recorders.entrySet()) {
                        LoopRecorder r = e.getValue();
                        Histogram[] h = e.getKey().submit(r::takeInterval).get(5, TimeUnit.SECONDS);
                        gap.add(h[0]);
                        drift.add(h[1]);
                    }
                    System.out.printf(Locale.ROOT, "t=%5.1fs frames/s=%7d gap_dev p99=%7.2f max=%7.2f ms  "
                                    + "drift p99=%7.2f max=%7.2f ms%n",
                            (System.currentTimeMillis() - startMillis) / 1000.0, frames - lastFrames,
                            gap.getValueAtPercentile(99) / 1000.0, gap.getMaxValue() / 1000.0,
                            drift.getValueAtPercentile(99) / 1000.0, drift.getMaxValue() / 1000.0);
                    lastFrames = frames;
                }
            }
        } catch (Exception e) {
            System.err.println("warning: status file stopped: " + e);
        }
    }

    /** Copies every loop's measurements on that loop, then merges them here. */
    private TargetSummary summarize(Map<EventExecutor, LoopRecorder> recorders) throws Exception {
        long nowNanos = System.nanoTime();
        List<Future<TargetSummary.Part>> parts = new ArrayList<>();
        for (Map.Entry<EventExecutor, LoopRecorder> e : recorders.entrySet()) {
            EventLoop loop = (EventLoop) e.getKey();
            LoopRecorder r = e.getValue();
            parts.add(loop.submit(() -> r.snapshot(nowNanos)));
        }
        TargetSummary.Part all = null;
        for (Future<TargetSummary.Part> f : parts) {
            TargetSummary.Part p = f.get(10, TimeUnit.SECONDS);
            if (all == null) {
                all = p;
            } else {
                all.add(p);
            }
        }
        return new TargetSummary(all, coalesceMicros, warmupMillis, windowMillis);
    }
}
