package dev.chorus.engine.pipeline;

/**
 * A non-audio JSON message from the agent. Immutable.
 *
 * @param type         the value at {@code message_type_path}, or null when absent
 * @param sessionId    the value at {@code session_id_path}, or null when absent
 * @param text         the value at {@code text} (agent transcript events), or null when absent
 * @param arrivalNanos {@link System#nanoTime()} when the frame was read
 * @param captures     the values at the {@code captures} paths in their order (null where absent), or null when the
 *                     agent file has no captures or none matched
 */
public record AgentMessage(String type, String sessionId, String text, long arrivalNanos, String[] captures) {
    public AgentMessage(String type, String sessionId, String text, long arrivalNanos) {
        this(type, sessionId, text, arrivalNanos, null);
    }
}
