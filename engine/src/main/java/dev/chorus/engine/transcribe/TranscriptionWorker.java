package dev.chorus.engine.transcribe;

import dev.chorus.codecs.pcm.PcmClip;
import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.schedule.ThreadScheduling;
import dev.chorus.engine.session.CallRecording;
import dev.chorus.engine.session.SessionResult;
import dev.chorus.engine.session.TranscriptEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Speech-to-text of ended calls on one thread of its own ({@code chorus-stt}, below normal priority), so neither an
 * event loop nor the recorder thread ever waits for a decoder: the recorder hands over a call with its recording,
 * the worker cuts each agent turn's audio from the agent track (its transcript span, widened by
 * {@value #PAD_MILLIS} ms each side and clamped to the track), converts it to 16 kHz, decodes it, and hands the call
 * back with {@code stt_text} on its agent turns. Thread-safe: {@link #submit} from any thread.
 *
 * <p>An engine that cannot load or decode is reported once on stderr; the calls keep their transcripts without
 * {@code stt_text}.
 */
public final class TranscriptionWorker implements AutoCloseable {
    /** Audio kept around each turn's span: the decoder's own speech detection needs some silence at the edges. */
    static final long PAD_MILLIS = 300;

    private final String engine;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(() -> {
            ThreadScheduling.lowerToIdle();
            r.run();
        }, "chorus-stt");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        return t;
    });
    /** Confined to the worker thread. */
    private SpeechToText stt;
    private boolean broken;

    /** @param engine a name {@link SpeechToText#open} takes */
    public TranscriptionWorker(String engine) {
        if (!SpeechToText.known(engine)) {
            throw new IllegalArgumentException("--transcribe " + engine + ": unknown engine; fix: use one of "
                    + SpeechToText.ENGINES);
        }
        this.engine = engine;
    }

    /**
     * Transcribes {@code call}'s agent turns from its recording, then passes the call on to {@code done} (on the
     * worker thread; it must be thread-safe and not throw) with the recording still attached.
     */
    public void submit(SessionResult call, Consumer<SessionResult> done) {
        thread.execute(() -> done.accept(transcribeOrKeep(call)));
    }

    private SessionResult transcribeOrKeep(SessionResult call) {
        if (broken || call.recording() == null) {
            return call;
        }
        try {
            if (stt == null) {
                stt = SpeechToText.open(engine);
            }
            return transcribe(call, stt);
        } catch (Exception | LinkageError e) {
            broken = true;
            System.err.println("chorus: speech-to-text (" + engine + ") failed, agent turns get no stt_text: " + e);
            return call;
        }
    }

    /** {@code call} with what {@code stt} heard in each agent turn of its recording. */
    public static SessionResult transcribe(SessionResult call, SpeechToText stt) throws java.io.IOException {
        CallRecording recording = call.recording();
        double zeroMillis = Double.NaN;
        for (TranscriptEntry e : call.transcript()) {
            if ("recording_start".equals(e.type())) {
                zeroMillis = e.startMillis();
            }
        }
        if (Double.isNaN(zeroMillis)) {
            return call;
        }
        short[] track = recording.agentTrack();
        int rate = recording.sampleRateHz();
        List<TranscriptEntry> out = new ArrayList<>(call.transcript().size());
        for (TranscriptEntry e : call.transcript()) {
            if (!"agent".equals(e.role()) || Double.isNaN(e.endMillis())) {
                out.add(e);
                continue;
            }
            int from = sampleAt(e.startMillis() - zeroMillis - PAD_MILLIS, rate, track.length);
            int to = sampleAt(e.endMillis() - zeroMillis + PAD_MILLIS, rate, track.length);
            if (to <= from) {
                out.add(e.withSttText(""));
                continue;
            }
            short[] turn = Resamplers.convert(new PcmClip(Arrays.copyOfRange(track, from, to), rate),
                    SpeechToText.SAMPLE_RATE_HZ).samples();
            out.add(e.withSttText(stt.transcribe(turn)));
        }
        return call.withTranscript(out, recording);
    }

    private static int sampleAt(double millis, int rate, int length) {
        return (int) Math.max(0, Math.min(length, Math.round(millis * rate / 1000.0)));
    }

    /** Waits for the calls submitted so far, then frees the engine. */
    @Override
    public void close() {
        thread.execute(() -> {
            if (stt != null) {
                stt.close();
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
