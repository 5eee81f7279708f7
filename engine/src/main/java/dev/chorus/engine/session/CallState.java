package dev.chorus.engine.session;

/**
 * The states of one call, in order; any state may move to {@link #FAILED}. {@link #HTTP_SETUP} only in
 * {@code http_first} mode, where it comes before {@link #CONNECTING}.
 */
public enum CallState {
    HTTP_SETUP, CONNECTING, TLS, UPGRADING, AWAITING_READY, STREAMING, CLOSING, DONE, FAILED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
