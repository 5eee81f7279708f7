package dev.chorus.engine.config;

import java.util.List;

/** One simulated caller's test case. Immutable. */
public final class TestCase {
    private final String id;
    private final List<Attachment> attachments;
    private final List<ScriptStep> script;

    public TestCase(String id, List<Attachment> attachments, List<ScriptStep> script) {
        this.id = id;
        this.attachments = List.copyOf(attachments);
        this.script = List.copyOf(script);
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
