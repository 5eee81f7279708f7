package dev.chorus.engine.metrics;

/**
 * The latency metrics of CONTRACT §4, recorded in microseconds and reported in milliseconds.
 *
 * <ul>
 *   <li>{@code http_setup}: the HTTP-first setup call.</li>
 *   <li>{@code connect}: TCP connect start to connected.</li>
 *   <li>{@code tls}: connected to TLS handshake done.</li>
 *   <li>{@code ws_handshake}: TLS done to the WebSocket upgrade response.</li>
 *   <li>{@code ready}: WebSocket open (init sent) to the agent's ready message.</li>
 *   <li>{@code greeting}: when the agent speaks first ({@code "first_speaker": "agent"}), ready to the playback
 *       time of the agent's first speech sample.</li>
 *   <li>{@code first_audio}: planned send time of a caller utterance's last frame to the arrival of the agent's first
 *       audio message after it.</li>
 *   <li>{@code turn}: the same start to the playback time of the agent's first speech sample.</li>
 *   <li>{@code barge_in_stop}: for each barge-in (a caller utterance that starts while the agent speaks), the
 *       planned send time of its first frame to the playback time of the end of the agent's speech (see
 *       {@link dev.chorus.engine.session.TurnTaking}).</li>
 *   <li>{@code mutual_silence}: per call, its longest stretch between first and last speech where neither side
 *       spoke.</li>
 *   <li>{@code send_lag}: actual minus planned send time of each outbound audio frame.</li>
 *   <li>{@code send_jitter}: |change of send lag| between consecutive frames of a call, i.e. how far each
 *       inter-send gap strays from {@code chunk_ms}.</li>
 *   <li>{@code drift}: per call, the send lag of its last frame: how far its stream slipped from the planned
 *       clock by the end (0 when pacing held).</li>
 *   <li>{@code loop_hiccup}: per event loop, how late a 1 ms probe task ran: the loop's own stalls (GC, CPU
 *       starvation), which bound every other figure's precision.</li>
 * </ul>
 */
public enum Metric {
    HTTP_SETUP, CONNECT, TLS, WS_HANDSHAKE, READY, GREETING, FIRST_AUDIO, TURN, BARGE_IN_STOP, MUTUAL_SILENCE, SEND_LAG, SEND_JITTER, DRIFT, LOOP_HICCUP;

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    public String wireName() {
        return wireName;
    }
}
