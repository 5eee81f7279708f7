package dev.chorus.engine.session;

import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.PcmClip;
import dev.chorus.codecs.pcm.WavReader;
import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.Attachment;
import dev.chorus.engine.config.AudioEncoding;
import dev.chorus.engine.config.ScriptStep;
import dev.chorus.engine.config.TestCase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test case made ready to stream, once per run: every utterance converted to the agent's send rate and encoding,
 * padded to whole frames, in one shared heap buffer that every call of the run reads by absolute index;
 * attachments loaded. Immutable and thread-safe; the buffers are never released (plain heap, reclaimed by GC).
 */
public final class PreparedTestCase {
    /** A step ready to run; {@link Utterance} holds audio frames. */
    public sealed interface Step permits Utterance, WaitForAgent, SendMedia, Pause, HangUp {
    }

    /** Caller speech: {@code frames} frames of {@code frameBytes} at index {@code k × frameBytes} of audio. */
    public record Utterance(String text, ByteBuf audio, int frames, long bargeInAfterNanos, boolean synthesised,
                            ByteBuf audioBase64)
            implements Step {
    }

    /**
     * Wait until the agent has spoken and finished its turn; {@code greeting} for the implicit first step of a test
     * case whose agent speaks first ({@code "first_speaker": "agent"}).
     */
    public record WaitForAgent(long timeoutNanos, boolean greeting) implements Step {
    }

    public record SendMedia(String name, String mimeType, ByteBuf bytes) implements Step {
    }

    public record Pause(long nanos) implements Step {
    }

    public record HangUp() implements Step {
    }

    private final TestCase testCase;
    private final List<Step> steps;

    private PreparedTestCase(TestCase testCase, List<Step> steps) {
        this.testCase = testCase;
        this.steps = List.copyOf(steps);
    }

    public String id() {
        return testCase.id();
    }

    public TestCase testCase() {
        return testCase;
    }

    public List<Step> steps() {
        return steps;
    }

    /**
     * Prepares {@code testCase} for {@code agent}; WAV files are read and converted here.
     *
     * @param clipCache shared across the test cases of a run, so a file used twice is converted once
     * @throws IOException naming the file when a WAV or attachment cannot be read
     */
    public static PreparedTestCase prepare(TestCase testCase, CompiledAgent agent, Map<String, ByteBuf> clipCache)
            throws IOException {
        AgentConfig config = agent.config();
        Map<String, Attachment> attachments = new HashMap<>();
        for (Attachment a : testCase.attachments()) {
            attachments.put(a.name(), a);
        }
        List<Step> steps = new ArrayList<>();
        if (testCase.agentSpeaksFirst()) {
            steps.add(new WaitForAgent(TimeUnit.MILLISECONDS.toNanos(testCase.greetingTimeoutMillis()), true));
        }
        for (ScriptStep step : testCase.script()) {
            if (step instanceof ScriptStep.Say) {
                ScriptStep.Say say = (ScriptStep.Say) step;
                boolean synthesised = say.audio() == null;
                String key = synthesised ? "text:" + TextToSpeech.VOICE + ":" + say.text() : "file:" + say.audio().toAbsolutePath();
                ByteBuf audio = clipCache.get(key);
                if (audio == null) {
                    PcmClip clip = synthesised ? synthesise(say.text(), config.sendSampleRateHz())
                            : WavReader.read(say.audio());
                    audio = encodeFrames(Resamplers.convert(clip, config.sendSampleRateHz()), agent);
                    clipCache.put(key, audio);
                }
                long bargeIn = say.bargeInAfterMillis() < 0 ? -1
                        : TimeUnit.MILLISECONDS.toNanos(say.bargeInAfterMillis());
                ByteBuf base64 = clipCache.get(key + "#base64");
                if (base64 == null && !agent.audioTemplate().isRawPayload()) {
                    base64 = base64Frames(audio, agent.frameBytes());
                    clipCache.put(key + "#base64", base64);
                }
                steps.add(new Utterance(say.text(), audio, audio.capacity() / agent.frameBytes(), bargeIn,
                        synthesised, base64));
            } else if (step instanceof ScriptStep.WaitForAgent) {
                steps.add(new WaitForAgent(TimeUnit.MILLISECONDS.toNanos(
                        ((ScriptStep.WaitForAgent) step).timeoutMillis()), false));
            } else if (step instanceof ScriptStep.SendMedia) {
                String name = ((ScriptStep.SendMedia) step).attachmentName();
                Attachment a = attachments.get(name);
                ByteBuf bytes = shared(Files.readAllBytes(a.path()));
                steps.add(new SendMedia(a.name(), a.mimeType(), bytes));
            } else if (step instanceof ScriptStep.Pause) {
                steps.add(new Pause(TimeUnit.MILLISECONDS.toNanos(((ScriptStep.Pause) step).millis())));
            } else {
                steps.add(new HangUp());
            }
        }
        return new PreparedTestCase(testCase, steps);
    }

    /**
     * Speech for {@code say} text without {@code audio} ({@link TextToSpeech}: FreeTTS kevin16, deterministic),
     * converted to {@code sampleRateHz}.
     */
    static PcmClip synthesise(String text, int sampleRateHz) {
        return Resamplers.convert(TextToSpeech.synthesise(text), sampleRateHz);
    }

    /**
     * Every {@code frameBytes} frame of {@code audio} base64-encoded on its own, back to back (frame k at
     * k × {@link dev.chorus.codecs.template.Base64Codec#encodedLength}), shared read-only like the audio.
     */
    public static ByteBuf base64Frames(ByteBuf audio, int frameBytes) {
        int frames = audio.capacity() / frameBytes;
        int b64 = dev.chorus.codecs.template.Base64Codec.encodedLength(frameBytes);
        ByteBuf out = io.netty.buffer.Unpooled.buffer(frames * b64);
        for (int k = 0; k < frames; k++) {
            dev.chorus.codecs.template.Base64Codec.encode(audio, k * frameBytes, frameBytes, out);
        }
        return Unpooled.unreleasableBuffer(out);
    }

    /**
     * Wraps bytes that every call reads by absolute index and nobody releases. Heap memory on purpose: it is not
     * pool- or leak-tracked, and reading it by index is thread-safe.
     */
    public static ByteBuf shared(byte[] bytes) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    }

    /** Encodes a clip already at the send rate, padded with silence to whole frames, as a shared read-only buffer. */
    static ByteBuf encodeFrames(PcmClip clip, CompiledAgent agent) {
        AudioEncoding encoding = agent.config().sendAudioEncoding();
        int frameBytes = agent.frameBytes();
        int bytesPerSample = encoding == AudioEncoding.PCM ? 2 : 1;
        short[] samples = clip.samples();
        int dataBytes = samples.length * bytesPerSample;
        int frames = Math.max(1, (dataBytes + frameBytes - 1) / frameBytes);
        byte[] bytes = new byte[frames * frameBytes];
        java.util.Arrays.fill(bytes, CompiledAgent.silenceByte(encoding));
        int at = 0;
        for (short s : samples) {
            switch (encoding) {
                case ULAW:
                    bytes[at++] = G711.linearToUlaw(s);
                    break;
                case ALAW:
                    bytes[at++] = G711.linearToAlaw(s);
                    break;
                default:
                    bytes[at++] = (byte) s;
                    bytes[at++] = (byte) (s >> 8);
            }
        }
        return shared(bytes);
    }
}
