package dev.chorus.engine.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Every call the reference agent accepted (the first 10,000 kept), and upgrade counts. Thread-safe. */
public final class AgentObservations {
    static final int MAX_CALLS = 10_000;

    private final List<ObservedCall> calls = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final List<ObservedSetup> setups = new ArrayList<>();

    void setup(ObservedSetup setup) {
        synchronized (setups) {
            if (setups.size() < MAX_CALLS) {
                setups.add(setup);
            }
        }
    }

    /** The HTTP-first setup calls answered so far. */
    public List<ObservedSetup> setups() {
        synchronized (setups) {
            return new ArrayList<>(setups);
        }
    }

    ObservedCall newCall() {
        accepted.incrementAndGet();
        ObservedCall call = new ObservedCall();
        synchronized (calls) {
            if (calls.size() < MAX_CALLS) {
                calls.add(call);
                calls.notifyAll();
            }
        }
        return call;
    }

    void rejected() {
        rejected.incrementAndGet();
    }

    public List<ObservedCall> calls() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    /** The {@code index}-th call (0-based), waiting for it up to {@code timeoutMillis}; null on timeout. */
    public ObservedCall awaitCall(int index, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (calls) {
            while (calls.size() <= index) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                calls.wait(left);
            }
            return calls.get(index);
        }
    }

    public int acceptedUpgrades() {
        return accepted.get();
    }

    public int rejectedUpgrades() {
        return rejected.get();
    }
}
