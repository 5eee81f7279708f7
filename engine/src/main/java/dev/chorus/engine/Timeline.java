package dev.chorus.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The run's progress over time for {@code report.html}: the recorder's one-a-second {@link Progress} samples,
 * bounded. Beyond {@link #MAX_POINTS} every other point is dropped and from then on only every second sample is
 * kept (then every fourth, …), so an hour-long run keeps each second and a day-long run about one point in 32
 * seconds. Each point keeps its own one-second rates (calls/s, send lag p99): a thinned chart is a sampled one, not
 * an averaged one. The newest sample is always kept, so the chart ends where the run did. Not thread-safe: the
 * recorder thread's.
 */
final class Timeline {
    static final int MAX_POINTS = 3600;

    private final int maxPoints;
    private final List<Progress> points = new ArrayList<>();
    private long stride = 1;
    private long offered;
    private Progress newest;

    Timeline() {
        this(MAX_POINTS);
    }

    Timeline(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints=" + maxPoints + ": need at least 2");
        }
        this.maxPoints = maxPoints;
    }

    void add(Progress p) {
        newest = p;
        if (offered++ % stride != 0) {
            return;
        }
        if (points.size() == maxPoints) {
            // Keep the points at multiples of the doubled stride (indices 0, 2, 4, …).
            int kept = 0;
            for (int i = 0; i < points.size(); i += 2) {
                points.set(kept++, points.get(i));
            }
            points.subList(kept, points.size()).clear();
            stride *= 2;
            if ((offered - 1) % stride != 0) {
                return;
            }
        }
        points.add(p);
    }

    /** An immutable copy, oldest first, ending with the newest sample. */
    List<Progress> points() {
        List<Progress> copy = new ArrayList<>(points.size() + 1);
        copy.addAll(points);
        if (newest != null && (copy.isEmpty() || copy.get(copy.size() - 1) != newest)) {
            copy.add(newest);
        }
        return Collections.unmodifiableList(copy);
    }
}
