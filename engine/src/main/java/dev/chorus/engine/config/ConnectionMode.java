package dev.chorus.engine.config;

/** How Chorus reaches the agent's WebSocket. */
public enum ConnectionMode {
    /** Connect to {@code endpoint}. */
    DIRECT,
    /** Call {@code http_endpoint} first and read the WebSocket URL from its reply. */
    HTTP_FIRST;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
