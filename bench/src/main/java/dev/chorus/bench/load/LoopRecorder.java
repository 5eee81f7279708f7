package dev.chorus.bench.load;

import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What one event loop has measured: arrival-gap deviation and drift histograms for all of its streams, the
 * streams' scalars, error counts, and the read coalescing of {@code --coalesce-us}. Not thread safe: every method
 * but {@link #framesReceived()} runs on the owning loop.
 *
 * <pre>
 *   frame k of a stream arrives at a_k (nanoTime when its WebSocket frame is decoded)
 *   gap deviation  |a_k − a_(k−1) − 20 ms|                      → gapDeviation (µs)
 *   drift          (a_k − a_0 − k·20 ms) − min_(j≤k)(same, j)     → drift (µs)
 * </pre>
 */
final class LoopRecorder {
    /** 1 µs to 60 s at 3 significant digits (~70 KB with int counts): one per loop, never one per stream. */
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

    private final long chunkNanos;
    private final long coalesceNanos;
    private final MeasurementWindow window;
    private final Histogram gapDeviationMicros = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram driftMicros = new Histogram(HIGHEST_MICROS, 3);
    /** Every frame since the last {@link #takeInterval}, warm-up included: the timeline in {@code target.log}. */
    private final Histogram intervalGapDeviationMicros = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram intervalDriftMicros = new Histogram(HIGHEST_MICROS, 3);
    private final List<StreamStats> streams = new ArrayList<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private final Runnable parkTask;
    private boolean parkQueued;
    private long nonAudioFrames;
    /** Written by the loop only; volatile so the status thread can read it without a task on the loop. */
    private volatile long framesReceived;

    LoopRecorder(long chunkNanos, long coalesceNanos, MeasurementWindow window) {
        this.chunkNanos = chunkNanos;
        this.coalesceNanos = coalesceNanos;
        this.window = window;
        this.parkTask = () -> {
            LockSupport.parkNanos(this.coalesceNanos);
            parkQueued = false;
        };
    }

    StreamStats openStream(long nowNanos) {
        window.streamOpened(nowNanos);
        StreamStats s = new StreamStats();
        streams.add(s);
        return s;
    }

    /** Frame k = {@code s.frames} of stream {@code s} arrived at {@code nowNanos}. */
    void frame(StreamStats s, long nowNanos) {
        long k = s.frames;
        if (k == 0) {
            s.firstNanos = nowNanos;
        } else {
            final long chunk = chunkNanos;
            long gapDeviation = Math.abs(nowNanos - s.lastNanos - chunk);
            long offset = nowNanos - s.firstNanos - k * chunk;
            if (offset < s.minOffsetNanos) {
                s.minOffsetNanos = offset;
            }
            long drift = offset - s.minOffsetNanos;
            if (gapDeviation > s.maxGapDeviationNanos) {
                s.maxGapDeviationNanos = gapDeviation;
            }
            if (drift > s.maxDriftNanos) {
                s.maxDriftNanos = drift;
            }
            long gapMicros = Math.min(HIGHEST_MICROS, gapDeviation / 1000);
            long driftMicrosValue = Math.min(HIGHEST_MICROS, drift / 1000);
            intervalGapDeviationMicros.recordValue(gapMicros);
            intervalDriftMicros.recordValue(driftMicrosValue);
            if (window.recording(nowNanos)) {
                gapDeviationMicros.recordValue(gapMicros);
                driftMicros.recordValue(driftMicrosValue);
            }
        }
        s.lastNanos = nowNanos;
        s.frames = k + 1;
        framesReceived++;
    }

    void nonAudioFrame() {
        nonAudioFrames++;
    }

    void error(String errorClass) {
        errors.merge(errorClass, 1L, Long::sum);
    }

    /**
     * After a read batch: with {@code --coalesce-us}, the whole loop sleeps that long once, after this round's I/O,
     * so the next epoll_wait returns many streams' frames at once and senders stop paying a wake-up per frame.
     * Parking the loop costs no system call per stream, where toggling auto-read on every channel would cost an
     * epoll_ctl each time; it is for capacity runs only, as it adds up to the park time to every arrival.
     */
    void readComplete(EventExecutor loop) {
        if (coalesceNanos > 0 && !parkQueued) {
            parkQueued = true;
            loop.execute(parkTask);
        }
    }

    /** On the loop: copies of this interval's gap deviation and drift histograms (in that order), then resets. */
    Histogram[] takeInterval() {
        Histogram[] copies = {intervalGapDeviationMicros.copy(), intervalDriftMicros.copy()};
        intervalGapDeviationMicros.reset();
        intervalDriftMicros.reset();
        return copies;
    }

    long framesReceived() {
        return framesReceived;
    }

    /** On the loop: a copy of everything measured so far, with open streams counted up to {@code nowNanos}. */
    TargetSummary.Part snapshot(long nowNanos) {
        TargetSummary.Part p = new TargetSummary.Part(gapDeviationMicros.copy(), driftMicros.copy(),
                new TreeMap<>(errors));
        p.nonAudioFrames = nonAudioFrames;
        for (StreamStats s : streams) {
            p.streams++;
            if (s.endNanos == 0) {
                p.openStreams++;
            }
            if (s.frames == 0) {
                continue;
            }
            p.streamsWithAudio++;
            long expected = s.expectedFrames(nowNanos, chunkNanos);
            p.framesReceived += s.frames;
            p.framesExpected += expected;
            p.minDeliveredRatio = Math.min(p.minDeliveredRatio, (double) s.frames / expected);
            p.maxStreamDriftNanos = Math.max(p.maxStreamDriftNanos, s.maxDriftNanos);
            p.maxStreamGapDeviationNanos = Math.max(p.maxStreamGapDeviationNanos, s.maxGapDeviationNanos);
            p.firstFrameNanos = Math.min(p.firstFrameNanos, s.firstNanos);
            p.lastFrameNanos = Math.max(p.lastFrameNanos, s.lastNanos);
        }
        return p;
    }
}
