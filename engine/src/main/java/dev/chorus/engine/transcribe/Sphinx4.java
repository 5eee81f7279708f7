package dev.chorus.engine.transcribe;

import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.api.SpeechResult;
import edu.cmu.sphinx.api.StreamSpeechRecognizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CMU Sphinx4 (5prealpha) in this JVM with its bundled en-us acoustic model, CMU dictionary and 3-gram language
 * model ({@code sphinx4-data}): no binary to install. Loading takes a few seconds and some hundreds of MB of heap,
 * once, on first use; decoding with the default beams runs slower than real time on a 2-core machine (measured
 * 4–6 × the audio's length while other work ran), which is why it runs after the call on its own thread. Not
 * thread-safe.
 */
final class Sphinx4 implements SpeechToText {
    private static final String MODELS = "resource:/edu/cmu/sphinx/models/en-us/";
    /**
     * Sphinx4 logs through java.util.logging under "default.config" at INFO (its unit table, speed and memory
     * reports after every utterance). Held strongly: a logger only weakly referenced may be collected with its level.
     */
    private static final Logger SPHINX_LOG = Logger.getLogger("default.config");

    private StreamSpeechRecognizer recognizer;

    @Override
    public String transcribe(short[] samples) throws IOException {
        if (recognizer == null) {
            Configuration c = new Configuration();
            c.setAcousticModelPath(MODELS + "en-us");
            c.setDictionaryPath(MODELS + "cmudict-en-us.dict");
            c.setLanguageModelPath(MODELS + "en-us.lm.bin");
            c.setSampleRate(SAMPLE_RATE_HZ);
            recognizer = new StreamSpeechRecognizer(c);
            SPHINX_LOG.setLevel(Level.WARNING);
        }
        // The stream data source reads raw signed 16-bit little-endian samples.
        byte[] pcm = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            pcm[2 * i] = (byte) samples[i];
            pcm[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        StringBuilder heard = new StringBuilder();
        recognizer.startRecognition(new ByteArrayInputStream(pcm));
        try {
            SpeechResult r;
            while ((r = recognizer.getResult()) != null) {
                heard.append(r.getHypothesis()).append(' ');
            }
        } finally {
            recognizer.stopRecognition();
        }
        return SpeechToText.words(heard.toString());
    }

    @Override
    public String name() {
        return "sphinx4";
    }

    @Override
    public void close() {
        recognizer = null;
    }
}
