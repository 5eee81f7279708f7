package dev.chorus.engine.session;

/**
 * One transcript entry (CONTRACT §4). Times are milliseconds from the call's connect start; {@code endMillis} is
 * NaN for instantaneous events. Immutable.
 *
 * @param role "user", "agent" or "event"
 * @param type for events: {@code init_sent}, {@code ready}, {@code agent_message}, {@code media_sent},
 *             {@code invalid_json}, {@code invalid_audio}, {@code hang_up}, {@code close_received}, {@code error};
 *             null for turns
 * @param text what was said or what the event carried, or null
 */
public record TranscriptEntry(String role, double startMillis, double endMillis, String text, String type) {
    public static TranscriptEntry event(double atMillis, String type, String text) {
        return new TranscriptEntry("event", atMillis, Double.NaN, text, type);
    }
}
