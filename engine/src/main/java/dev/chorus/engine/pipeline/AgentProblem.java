package dev.chorus.engine.pipeline;

import dev.chorus.engine.session.ErrorClass;

/**
 * An inbound message that could not be read: {@link ErrorClass#INVALID_JSON} or {@link ErrorClass#INVALID_AUDIO}.
 * Non-fatal: the call records it and goes on. Immutable.
 */
public record AgentProblem(ErrorClass errorClass, String message, long arrivalNanos) {
}
