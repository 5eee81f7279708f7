package dev.chorus.engine.config;

import java.util.List;

/** One simulated caller's test case. Immutable. */
public final class TestCase {
    private final String id;
    private final List<Attachment> attachments;
    private final List<ScriptStep> script;
    private final boolean agentSpeaksFirst;
    private final long greetingTimeoutMillis;

    /** A test case where the caller speaks first. */
    public TestCase(String id, List<Attachment> attachments, List<ScriptStep> script) {
        this(id, attachments, script, false, DEFAULT_GREETING_TIMEOUT_MILLIS);
    }

    /**
     * @param agentSpeaksFirst {@code "first_speaker": "agent"}: the script starts by waiting for the agent's greeting
     * @param greetingTimeoutMillis how long to wait for it ({@code greeting_timeout_seconds}, default 15 s)
     */
    public TestCase(String id, List<Attachment> attachments, List<ScriptStep> script, boolean agentSpeaksFirst,
                    long greetingTimeoutMillis) {
        this.id = id;
        this.attachments = List.copyOf(attachments);
        this.script = List.copyOf(script);
        this.agentSpeaksFirst = agentSpeaksFirst;
        this.greetingTimeoutMillis = greetingTimeoutMillis;
    }

    /** Default of {@code greeting_timeout_seconds}. */
    public static final long DEFAULT_GREETING_TIMEOUT_MILLIS = 15_000;

    /** Whether the agent speaks first ({@code "first_speaker": "agent"}; default {@code "caller"}). */
    public boolean agentSpeaksFirst() {
        return agentSpeaksFirst;
    }

    /** How long an agent-first call waits for the greeting before failing with {@code no_response}. */
    public long greetingTimeoutMillis() {
        return greetingTimeoutMillis;
    }

    public String id() {
        return id;
    }

    public List<Attachment> attachments() {
        return attachments;
    }

    public List<ScriptStep> script() {
        return script;
    }
}
