package dev.chorus.engine.agent;

import java.util.Locale;

/**
 * How the reference agent behaves on a call: normally, or one of the misbehaviours each error class of CONTRACT §4
 * needs in tests.
 */
public enum AgentBehavior {
    /** Ready message with a session id, replies to every utterance. */
    NORMAL,
    /** HTTP 401 on the upgrade. */
    REJECT_UPGRADE_401,
    /** Never sends the ready message. */
    NO_READY,
    /** Ready message without a session id. */
    READY_WITHOUT_SESSION_ID,
    /** Drops the TCP connection (no close frame) some time after ready. */
    CLOSE_MID_CALL,
    /** Sends one text frame that is not JSON right after ready, then behaves normally. */
    INVALID_JSON,
    /** After the first utterance, stops reading and writing for a while, then replies. */
    FREEZE,
    /** Cuts in: starts a reply {@code bargeInAfterMillis} after the caller starts speaking, while it speaks. */
    BARGE_IN;

    /** The behavior named by a header value ({@code close_mid_call}, {@code CLOSE-MID-CALL} …), or null. */
    public static AgentBehavior fromName(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (AgentBehavior b : values()) {
            if (b.name().equals(n)) {
                return b;
            }
        }
        return null;
    }
}
