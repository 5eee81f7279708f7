package dev.chorus.engine.transcribe;

import dev.chorus.codecs.pcm.WavWriter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pocketsphinx command-line decoder ({@code pocketsphinx_continuous}, Debian's {@code pocketsphinx} with its
 * default en-us model from {@code pocketsphinx-en-us}) as a subprocess: one process per turn, its audio in a
 * temporary 16 kHz WAV that is deleted afterwards. About 0.5 s to load the model plus a fraction of the audio's
 * length on a 2-core machine. Not thread-safe (one thread runs it).
 */
final class PocketSphinx implements SpeechToText {
    static final String BINARY = "pocketsphinx_continuous";
    /** A turn that takes longer is abandoned (the process is killed) and counts as heard nothing. */
    static final long TIMEOUT_SECONDS = 120;

    private final Path binary;

    PocketSphinx(Path binary) {
        this.binary = binary;
    }

    /** The binary on PATH, or null. */
    static Path findBinary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, BINARY);
                if (SpeechToText.executable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    @Override
    public String transcribe(short[] samples) throws IOException {
        Path wav = Files.createTempFile("chorus-stt", ".wav");
        try {
            WavWriter.write(wav, samples, 1, SAMPLE_RATE_HZ);
            Process p = new ProcessBuilder(List.of(binary.toString(), "-infile", wav.toString(), "-logfn",
                    "/dev/null")).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(BINARY + " did not finish within " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + BINARY + " ran", e);
            }
            if (p.exitValue() != 0) {
                throw new IOException(BINARY + " exited with status " + p.exitValue());
            }
            return SpeechToText.words(new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    @Override
    public String name() {
        return "pocketsphinx";
    }

    @Override
    public void close() {
    }
}
