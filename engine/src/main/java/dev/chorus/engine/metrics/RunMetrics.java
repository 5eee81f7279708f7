package dev.chorus.engine.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latency histograms and counters of one run. Thread-safe: event loops record wait-free into HdrHistogram
 * {@link Recorder}s (no locks on the loops); {@link #sample()} is called by one thread (the recorder) to move each
 * interval into the run's totals.
 */
public final class RunMetrics {
    /** Highest trackable value: 10 minutes in microseconds; 3 significant digits. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    static final int DIGITS = 3;

    private final EnumMap<Metric, Recorder> recorders = new EnumMap<>(Metric.class);
    private final EnumMap<Metric, Histogram> totals = new EnumMap<>(Metric.class);
    private final EnumMap<Metric, Histogram> lastInterval = new EnumMap<>(Metric.class);
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder lateFrames = new LongAdder();
    private final LongAdder skippedFrames = new LongAdder();
    private final LongAdder agentAudioMessages = new LongAdder();
    private final LongAdder agentAudioNanos = new LongAdder();
    private final LongAdder callerAudioNanos = new LongAdder();
    private final LongAdder underruns = new LongAdder();
    private final LongAdder agentInterruptions = new LongAdder();
    private final LongAdder callerInterruptions = new LongAdder();
    private final LongAdder agentSpeechNanos = new LongAdder();
    private final LongAdder callerSpeechNanos = new LongAdder();

    public RunMetrics() {
        for (Metric m : Metric.values()) {
            recorders.put(m, new Recorder(HIGHEST_MICROS, DIGITS));
            totals.put(m, new Histogram(HIGHEST_MICROS, DIGITS));
        }
    }

    /** Records a latency in nanoseconds (clamped to [0, 10 min]); any thread, wait-free. */
    public void record(Metric metric, long nanos) {
        long micros = Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000));
        recorders.get(metric).recordValue(micros);
    }

    /**
     * One outbound audio frame: its send lag, the change of lag since the call's previous frame (-1 for the first),
     * and whether it went out a whole frame period late.
     */
    public void frameSent(long lagNanos, long jitterNanos, boolean late, long audioNanos) {
        framesSent.increment();
        callerAudioNanos.add(audioNanos);
        if (late) {
            lateFrames.increment();
        }
        record(Metric.SEND_LAG, lagNanos);
        if (jitterNanos >= 0) {
            record(Metric.SEND_JITTER, jitterNanos);
        }
    }

    /** One outbound frame that was not sent: it was too far overdue when its turn came (see CallSession). */
    public void frameSkipped() {
        skippedFrames.increment();
    }

    public long skippedFrames() {
        return skippedFrames.sum();
    }

    public void agentAudio(long audioNanos) {
        agentAudioMessages.increment();
        agentAudioNanos.add(audioNanos);
    }

    public void underrun() {
        underruns.increment();
    }

    /** One ended call's turn-taking counts (once per call, not per frame); any thread. */
    public void turnTaking(int agentInterruptions, int callerInterruptions, long agentSpeechNanos,
                           long callerSpeechNanos) {
        this.agentInterruptions.add(agentInterruptions);
        this.callerInterruptions.add(callerInterruptions);
        this.agentSpeechNanos.add(agentSpeechNanos);
        this.callerSpeechNanos.add(callerSpeechNanos);
    }

    /** Agent turns that started while the caller was speaking, over all calls ended so far. */
    public long agentInterruptions() {
        return agentInterruptions.sum();
    }

    /** Caller utterances that started while the agent was speaking (barge-ins), over all calls ended so far. */
    public long callerInterruptions() {
        return callerInterruptions.sum();
    }

    public long agentSpeechNanos() {
        return agentSpeechNanos.sum();
    }

    public long callerSpeechNanos() {
        return callerSpeechNanos.sum();
    }

    /**
     * Moves what was recorded since the last call into the totals and returns that interval per metric (the
     * returned histograms are reused by the next call). Single reader only.
     */
    public synchronized Map<Metric, Histogram> sample() {
        for (Metric m : Metric.values()) {
            Histogram interval = recorders.get(m).getIntervalHistogram(lastInterval.get(m));
            lastInterval.put(m, interval);
            totals.get(m).add(interval);
        }
        return lastInterval;
    }

    /** The run's totals so far (as of the last {@link #sample()}); read by the recorder thread only. */
    public Histogram total(Metric metric) {
        return totals.get(metric);
    }

    public long framesSent() {
        return framesSent.sum();
    }

    public long lateFrames() {
        return lateFrames.sum();
    }

    public long agentAudioMessages() {
        return agentAudioMessages.sum();
    }

    public long agentAudioNanos() {
        return agentAudioNanos.sum();
    }

    public long callerAudioNanos() {
        return callerAudioNanos.sum();
    }

    public long underruns() {
        return underruns.sum();
    }
}
