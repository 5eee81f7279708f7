package dev.chorus.engine.transcribe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An offline speech-to-text engine for English speech. Not thread-safe: one thread uses it; {@link #close()} frees
 * what it loaded.
 */
public interface SpeechToText extends AutoCloseable {
    /** The rate {@link #transcribe} takes: both engines' en-us acoustic models are 16 kHz. */
    int SAMPLE_RATE_HZ = 16_000;

    /** What it heard in mono PCM16 at {@link #SAMPLE_RATE_HZ}, words separated by single spaces ("" for nothing). */
    String transcribe(short[] samples) throws IOException;

    /** {@code pocketsphinx} or {@code sphinx4}. */
    String name();

    @Override
    void close();

    /** The engine names {@link #open} takes. */
    String ENGINES = "auto, pocketsphinx, sphinx4";

    /**
     * Opens an engine: {@code pocketsphinx} (the {@code pocketsphinx_continuous} binary on PATH), {@code sphinx4}
     * (in this JVM), or {@code auto}: pocketsphinx when installed, else Sphinx4.
     *
     * @throws IllegalArgumentException naming the fix for an unknown name or a pocketsphinx that is not installed
     */
    static SpeechToText open(String engine) {
        switch (engine.toLowerCase(Locale.ROOT)) {
            case "auto":
                Path binary = PocketSphinx.findBinary();
                return binary != null ? new PocketSphinx(binary) : new Sphinx4();
            case "pocketsphinx": {
                Path found = PocketSphinx.findBinary();
                if (found == null) {
                    throw new IllegalArgumentException("--transcribe pocketsphinx: no " + PocketSphinx.BINARY
                            + " on PATH; fix: install it (Debian: apt-get install pocketsphinx pocketsphinx-en-us) "
                            + "or use --transcribe sphinx4");
                }
                return new PocketSphinx(found);
            }
            case "sphinx4":
                return new Sphinx4();
            default:
                throw new IllegalArgumentException("--transcribe " + engine + ": unknown engine; fix: use one of "
                        + ENGINES);
        }
    }

    /** Whether {@code engine} is a name {@link #open} takes (checked before a run starts). */
    static boolean known(String engine) {
        String e = engine.toLowerCase(Locale.ROOT);
        return e.equals("auto") || e.equals("pocketsphinx") || e.equals("sphinx4");
    }

    /** Words in {@code text} separated by single spaces, trimmed. */
    static String words(String text) {
        return text.trim().replaceAll("\\s+", " ");
    }

    /** Helper for engines that read files: whether {@code p} is an executable regular file. */
    static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
