/**
 * Run-wide measurements: latency {@link org.HdrHistogram.Recorder}s written by the event loops without locks, and
 * counters. Session results travel from the event loops to one recorder thread through a JCTools MPSC queue.
 *
 * <p>Threading: {@link dev.chorus.engine.metrics.RunMetrics} is written by any thread and read by the recorder
 * thread; everything else here belongs to the recorder thread.
 */
package dev.chorus.engine.metrics;
