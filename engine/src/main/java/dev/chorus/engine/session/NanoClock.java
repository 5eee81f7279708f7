package dev.chorus.engine.session;

/** A monotonic clock in nanoseconds; injected so tests drive time. Implementations are thread-safe. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
