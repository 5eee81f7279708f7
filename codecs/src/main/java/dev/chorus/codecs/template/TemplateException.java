package dev.chorus.codecs.template;

/** A template that cannot be used: the message names the placeholder and the fix. */
public final class TemplateException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
