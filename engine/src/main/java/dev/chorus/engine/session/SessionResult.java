package dev.chorus.engine.session;

import java.util.List;
import java.util.Map;

/**
 * What one call gathered, handed from its event loop to the recorder thread when the call ends. Immutable, but for
 * {@code recording}, which the recorder thread alone reads once handed over.
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
 * @param turnTaking     interruptions, barge-in stop times, talk time and mutual silence ({@link TurnTaking}), or
 *                       {@link TurnTaking#NONE}
 * @param recording      the call's audio with {@code --record}, else null; the recorder thread writes it and keeps
 *                       the result {@link #withoutRecording() without it}
 */
public record SessionResult(String callId, String testCaseId, boolean passed, ErrorClass errorClass,
                            String errorMessage, CallState finalState, String sessionId, long startEpochMillis,
                            double durationMillis, Map<String, Double> timingsMillis, List<Double> turnMillis,
                            List<Double> firstAudioMillis, Map<String, Long> counters,
                            Map<String, Integer> nonFatalErrors, List<TranscriptEntry> transcript,
                            TurnTaking.Figures turnTaking, CallRecording recording) {
    public SessionResult {
        if (turnTaking == null) {
            turnTaking = TurnTaking.NONE;
        }
    }

    /** A result without a recording, its turn-taking figures worked out from {@code transcript}. */
    public SessionResult(String callId, String testCaseId, boolean passed, ErrorClass errorClass,
                         String errorMessage, CallState finalState, String sessionId, long startEpochMillis,
                         double durationMillis, Map<String, Double> timingsMillis, List<Double> turnMillis,
                         List<Double> firstAudioMillis, Map<String, Long> counters,
                         Map<String, Integer> nonFatalErrors, List<TranscriptEntry> transcript) {
        this(callId, testCaseId, passed, errorClass, errorMessage, finalState, sessionId, startEpochMillis,
                durationMillis, timingsMillis, turnMillis, firstAudioMillis, counters, nonFatalErrors, transcript,
                TurnTaking.of(transcript), null);
    }

    /** This result with the recording dropped, so that keeping results does not keep their audio. */
    public SessionResult withoutRecording() {
        return recording == null ? this : withTranscript(transcript, null);
    }

    /** This result with another transcript (speech-to-text added to its agent turns) and recording. */
    public SessionResult withTranscript(List<TranscriptEntry> newTranscript, CallRecording newRecording) {
        return new SessionResult(callId, testCaseId, passed, errorClass, errorMessage, finalState, sessionId,
                startEpochMillis, durationMillis, timingsMillis, turnMillis, firstAudioMillis, counters,
                nonFatalErrors, List.copyOf(newTranscript), turnTaking, newRecording);
    }
}
