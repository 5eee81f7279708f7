package dev.chorus.bench;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH worker threads that are Netty {@code FastThreadLocalThread}s, like the event loops a pipeline runs on in
 * production: Netty 4.2 recycles buffer objects, write-queue entries and other pooled objects only on such threads,
 * so on JMH's plain worker threads a pipeline benchmark would count allocations that production does not pay.
 * Selected per benchmark with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.chorus.bench.EventLoopThreadExecutor}
 * (JMH calls the {@code (int, String)} constructor). Thread-safe (a {@link ThreadPoolExecutor}).
 */
public final class EventLoopThreadExecutor extends ThreadPoolExecutor {
    public EventLoopThreadExecutor(int threads, String prefix) {
        super(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
