package dev.chorus.engine.pipeline;

/**
 * User event fired by {@link ReadyGate} when the agent is ready for audio. Immutable.
 *
 * @param sessionId  the session id from the ready message, or null (gate disabled, or id not required and absent)
 * @param readyNanos when the ready message arrived (or the WebSocket opened, with the gate disabled)
 * @param gated      false when the gate was disabled and audio starts right after the init message
 */
public record SessionReady(String sessionId, long readyNanos, boolean gated) {
}
