package dev.chorus.engine.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A playback timeline for handler tests: its end is set by the test, flushes and events are recorded. */
final class RecordingTimeline implements PlaybackTimeline {
    long endNanos;
    final List<String> flushes = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public long playbackEndNanos() {
        return endNanos;
    }

    @Override
    public void flushPlayback(long nowNanos, String cause) {
        if (endNanos - nowNanos > 0) {
            endNanos = nowNanos;
        }
        flushes.add(cause + "@" + nowNanos);
    }

    @Override
    public void protocolEvent(long atNanos, String type, String text) {
        events.add(type + ":" + text + "@" + atNanos);
    }
}
