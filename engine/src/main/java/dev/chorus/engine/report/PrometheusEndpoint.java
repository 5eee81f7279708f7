package dev.chorus.engine.report;

import dev.chorus.engine.LiveStats;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.session.ErrorClass;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code chorus run --metrics-port N}: a Prometheus scrape endpoint ({@code http://BIND:N/metrics}) showing the run's
 * latest {@link LiveStats}. Thread-safe: {@link #accept} is called by the recorder thread about once a second and only
 * swaps a volatile reference; scrapes (the exporter's own threads) turn that snapshot into Prometheus snapshots. No
 * event loop ever touches it.
 *
 * <pre>
 *   chorus_calls_started_total, chorus_calls_completed_total, chorus_calls_failed_total, chorus_calls_stopped_total
 *   chorus_errors_total{class}            fatal and non-fatal, by error class
 *   chorus_frames_sent_total, chorus_late_frames_total, chorus_skipped_frames_total, chorus_underruns_total
 *   chorus_calls_active                   gauge
 *   chorus_latency_ms{metric,quantile}    summary over the run so far: quantile 0.5, 0.9, 0.99, _count, _sum
 * </pre>
 *
 * Latencies are in milliseconds, as in {@code report.json} and thresholds. Nothing is exposed before the first
 * snapshot (a scrape then returns no chorus series).
 */
public final class PrometheusEndpoint implements Consumer<LiveStats>, Closeable {
    private final HTTPServer server;
    private volatile LiveStats latest;

    private PrometheusEndpoint(String bindAddress, int port) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new LiveStatsCollector());
        this.server = HTTPServer.builder().inetAddress(InetAddress.getByName(bindAddress)).port(port)
                .registry(registry).buildAndStart();
    }

    /**
     * Starts serving on {@code bindAddress:port} ({@code port} 0: any free port, see {@link #port()}).
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static PrometheusEndpoint start(String bindAddress, int port) throws IOException {
        return new PrometheusEndpoint(bindAddress, port);
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Publishes a snapshot; recorder thread. Never throws. */
    @Override
    public void accept(LiveStats stats) {
        latest = stats;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Reads {@link #latest} once per scrape, so every series of one scrape comes from the same second. */
    private final class LiveStatsCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            LiveStats s = latest;
            if (s == null) {
                return MetricSnapshots.of();
            }
            MetricSnapshots.Builder out = MetricSnapshots.builder();
            out.metricSnapshot(counter("chorus_calls_started", "Calls started.", s.progress().started()));
            out.metricSnapshot(counter("chorus_calls_completed", "Calls that ended and passed.",
                    s.progress().completed()));
            out.metricSnapshot(counter("chorus_calls_failed", "Calls that ended with a fatal error.",
                    s.progress().failed()));
            out.metricSnapshot(counter("chorus_calls_stopped", "Calls cut short by a stop.", s.stoppedCalls()));
            CounterSnapshot.Builder errors = CounterSnapshot.builder().name("chorus_errors")
                    .help("Errors by class, fatal and non-fatal.");
            // Every class from the start, at 0 until seen: rate() and alerts need the series before the first error.
            Map<String, Long> byClass = new TreeMap<>(s.errors());
            for (ErrorClass c : ErrorClass.values()) {
                byClass.putIfAbsent(c.wireName(), 0L);
            }
            for (Map.Entry<String, Long> e : byClass.entrySet()) {
                errors.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("class", e.getKey()))
                        .value(e.getValue()).build());
            }
            out.metricSnapshot(errors.build());
            out.metricSnapshot(counter("chorus_frames_sent", "Caller audio frames sent.", s.framesSent()));
            out.metricSnapshot(counter("chorus_late_frames",
                    "Caller audio frames sent a whole frame period or more after their planned time.",
                    s.lateFrames()));
            out.metricSnapshot(counter("chorus_skipped_frames",
                    "Caller audio frames not sent: more than 500 ms overdue when their turn came.",
                    s.skippedFrames()));
            out.metricSnapshot(counter("chorus_underruns", "Agent audio that arrived after its playback time.",
                    s.underruns()));
            out.metricSnapshot(GaugeSnapshot.builder().name("chorus_calls_active").help("Calls open now.")
                    .dataPoint(GaugeDataPointSnapshot.builder().value(s.progress().active()).build()).build());
            SummarySnapshot.Builder latency = SummarySnapshot.builder().name("chorus_latency_ms")
                    .help("Latency per metric over the run so far, in milliseconds (HdrHistogram, 3 digits).");
            for (Map.Entry<Metric, LiveStats.Latency> e : s.latency().entrySet()) {
                LiveStats.Latency l = e.getValue();
                if (l.count() == 0) {
                    continue;
                }
                latency.dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of("metric", e.getKey().wireName()))
                        .quantiles(Quantiles.of(new Quantile(0.5, l.p50Millis()), new Quantile(0.9, l.p90Millis()),
                                new Quantile(0.99, l.p99Millis())))
                        .count(l.count()).sum(l.sumMillis()).build());
            }
            out.metricSnapshot(latency.build());
            return out.build();
        }

        private CounterSnapshot counter(String name, String help, long value) {
            return CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
        }
    }
}
