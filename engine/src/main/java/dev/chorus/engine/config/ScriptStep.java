package dev.chorus.engine.config;

import java.nio.file.Path;

/** One step of a caller's script (CONTRACT §2). Immutable. */
public sealed interface ScriptStep permits ScriptStep.Say, ScriptStep.WaitForAgent, ScriptStep.SendMedia,
        ScriptStep.Pause, ScriptStep.HangUp {

    /** The caller speaks {@code text}; from {@code audio} (a WAV) when given, else synthesised. */
    record Say(String text, Path audio, long bargeInAfterMillis) implements ScriptStep {
    }

    /** Wait until the agent has spoken and gone quiet; default timeout 30 s. */
    record WaitForAgent(long timeoutMillis) implements ScriptStep {
    }

    record SendMedia(String attachmentName) implements ScriptStep {
    }

    record Pause(long millis) implements ScriptStep {
    }

    record HangUp() implements ScriptStep {
    }
}
