package dev.chorus.engine.session;

/**
 * One transcript entry (CONTRACT §4). Times are milliseconds from the call's connect start; {@code endMillis} is
 * NaN for instantaneous events. Immutable.
 *
 * @param role "user", "agent" or "event"
 * @param type for events: {@code init_sent}, {@code ready}, {@code agent_message}, {@code media_sent},
 *             {@code invalid_json}, {@code invalid_audio}, {@code hang_up}, {@code close_received}, {@code error};
 *             null for turns
 * @param text what was said or what the event carried, or null; for agent turns, the text of the agent's own
 *             transcript messages ({@code agent_transcript_type} / {@code agent_transcript_path})
 * @param sttText for agent turns with {@code --transcribe}: what offline speech-to-text heard in the turn's audio
 *                (empty when it heard nothing), else null
 */
public record TranscriptEntry(String role, double startMillis, double endMillis, String text, String type,
                              String sttText) {
    public TranscriptEntry(String role, double startMillis, double endMillis, String text, String type) {
        this(role, startMillis, endMillis, text, type, null);
    }

    /** This entry with speech-to-text's reading of it. */
    public TranscriptEntry withSttText(String heard) {
        return new TranscriptEntry(role, startMillis, endMillis, text, type, heard);
    }

    public static TranscriptEntry event(double atMillis, String type, String text) {
        return new TranscriptEntry("event", atMillis, Double.NaN, text, type);
    }
}
