package dev.chorus.engine.session;

/**
 * A call failed with a named error class. Stackless: failures are expected outcomes under load, and their
 * context lives in the message ({@code key=value}), not in a stack trace.
 */
public final class CallFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorClass errorClass;

    public CallFailedException(ErrorClass errorClass, String message) {
        super(message, null, false, false);
        this.errorClass = errorClass;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }
}
