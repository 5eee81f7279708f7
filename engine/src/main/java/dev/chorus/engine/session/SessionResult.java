package dev.chorus.engine.session;

import java.util.List;
import java.util.Map;

/**
 * What one call gathered, handed from its event loop to the recorder thread when the call ends. Immutable.
 *
 * @param callId         unique per simulated call (also sent as {@code X-Chorus-Call-Id})
 * @param testCaseId     the test case it ran
 * @param passed         true when the call completed (non-fatal errors allowed)
 * @param errorClass     the fatal error class, or null
 * @param errorMessage   what went wrong, or null
 * @param finalState     the state the call was in when it ended (where it failed)
 * @param sessionId      from the ready message, or null
 * @param startEpochMillis wall-clock start, for reports
 * @param durationMillis connect start to end
 * @param timingsMillis  connect, tls, ws_handshake, ready (those reached)
 * @param turnMillis     each {@code turn} latency, in order
 * @param firstAudioMillis each {@code first_audio} latency, in order
 * @param counters       frames_sent, late_frames, agent_audio_messages, agent_audio_ms, underruns …
 * @param nonFatalErrors error class wire name to count
 * @param transcript     ordered entries
 */
public record SessionResult(String callId, String testCaseId, boolean passed, ErrorClass errorClass,
                            String errorMessage, CallState finalState, String sessionId, long startEpochMillis,
                            double durationMillis, Map<String, Double> timingsMillis, List<Double> turnMillis,
                            List<Double> firstAudioMillis, Map<String, Long> counters,
                            Map<String, Integer> nonFatalErrors, List<TranscriptEntry> transcript) {
}
