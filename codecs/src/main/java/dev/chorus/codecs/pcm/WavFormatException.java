package dev.chorus.codecs.pcm;

import java.io.IOException;

/** A WAV file Chorus cannot read; the message names the file, what is wrong and the fix. */
public final class WavFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WavFormatException(String message) {
        super(message);
    }
}
