package dev.chorus.engine.agent;

import dev.chorus.codecs.mp3.Mp3Header;
import dev.chorus.codecs.mp3.Mp3StreamDecoder;
import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.Pcm16;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.session.TextToSpeech;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference agent's spoken reply, encoded once per agent and shared by every call: the messages to send and
 * when to send each, relative to the reply's start. PCM, μ-law and A-law replies go in 20 ms frames; an MP3 reply
 * is the given MP3 file cut every {@code replyMp3ChunkBytes} bytes (anywhere, as streaming servers do), each
 * message sent when the audio before it would have played. Each message is wrapped in the reply template (message
 * {@code i} in template {@code i mod n} when there are several, as OpenAI's two delta types), or sent as a binary
 * frame when the template is exactly {@code {{audio_data}}}; JSON goes in binary frames too when the options say so
 * (Gemini Live). Immutable and thread-safe; the arrays are never modified.
 */
final class ReplyAudio {
    static final int FRAME_MILLIS = 20;
    static final String DEFAULT_TEMPLATE = "{\"type\":\"audio_chunk\",\"data\":\"{{audio_data}}\"}";

    private final byte[][] messages;
    private final long[] offsetNanos;
    private final boolean binary;
    private final long durationNanos;
    /** The raw payload of each message, and how to wrap a cut one; null for MP3 (not cut). */
    private final byte[][] payloads;
    private final MessageTemplate[] templates;
    private final TemplateValues values;
    private final boolean raw;
    private final int bytesPerSample;
    private final int sampleRateHz;

    private ReplyAudio(byte[][] messages, long[] offsetNanos, boolean binary, long durationNanos, byte[][] payloads,
                       MessageTemplate[] templates, TemplateValues values, int bytesPerSample, int sampleRateHz) {
        this.messages = messages;
        this.offsetNanos = offsetNanos;
        this.binary = binary;
        this.durationNanos = durationNanos;
        this.payloads = payloads;
        this.templates = templates;
        this.values = values;
        this.raw = templates[0].isRawPayload();
        this.bytesPerSample = bytesPerSample;
        this.sampleRateHz = sampleRateHz;
    }

    /** The reply to each utterance: {@code replyText} spoken, else {@code replyDurationMillis} of signal. */
    static ReplyAudio of(ReferenceAgentOptions options) {
        return of(options, options.replyDurationMillis(), options.replyText(), TemplateValues.NONE);
    }

    /** A greeting of {@code durationMillis} of signal (PCM and G.711; MP3 is {@code replyMp3} whole). */
    static ReplyAudio of(ReferenceAgentOptions options, long durationMillis) {
        return of(options, durationMillis, null, TemplateValues.NONE);
    }

    /** The reply with the templates' other placeholders from {@code values} (a call's stream id). */
    static ReplyAudio of(ReferenceAgentOptions options, long durationMillis, TemplateValues values) {
        return of(options, durationMillis, options.replyText(), values);
    }

    private static ReplyAudio of(ReferenceAgentOptions options, long durationMillis, String text,
                                 TemplateValues values) {
        List<String> templates = !options.replyTemplates().isEmpty() ? options.replyTemplates()
                : List.of(options.binaryAudio() ? "{{audio_data}}" : DEFAULT_TEMPLATE);
        MessageTemplate[] ts = new MessageTemplate[templates.size()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = MessageTemplate.compile(templates.get(i), "audio_data");
        }
        byte[][] payloads;
        long[] offsets;
        long duration;
        if ("mp3".equals(options.replyEncoding())) {
            byte[] mp3 = options.replyMp3();
            if (mp3 == null || mp3.length == 0) {
                throw new IllegalArgumentException("replyEncoding mp3 needs replyMp3 bytes");
            }
            long[] length = mp3Length(mp3);
            int rate = (int) length[1];
            long durationNanos = rate == 0 ? 0 : length[0] * 1_000_000_000L / rate;
            duration = durationNanos;
            // A decoder's first output is 529 + 576 (LAME's delay) samples into the stream: send that much ahead,
            // as streaming TTS servers do, so the caller's playback does not underrun on the codec's delay.
            long leadSamples = Mp3StreamDecoder.DECODER_DELAY_SAMPLES
                    + Mp3StreamDecoder.DEFAULT_ENCODER_DELAY_SAMPLES;
            long leadNanos = rate == 0 ? 0 : leadSamples * 1_000_000_000L / rate;
            int chunk = Math.max(1, options.replyMp3ChunkBytes());
            int n = (mp3.length + chunk - 1) / chunk;
            payloads = new byte[n][];
            offsets = new long[n];
            for (int i = 0; i < n; i++) {
                payloads[i] = Arrays.copyOfRange(mp3, i * chunk, Math.min(mp3.length, (i + 1) * chunk));
                // One chunk early as well: a chunk's last frame is incomplete until the next chunk comes.
                offsets[i] = Math.max(0, durationNanos * (i - 1L) * chunk / mp3.length - leadNanos);
            }
        } else {
            int rate = options.sendSampleRateHz();
            short[] samples = text != null
                    ? Resamplers.convert(TextToSpeech.synthesise(text), rate).samples()
                    : options.replyToneHz() > 0
                    ? tone(rate, durationMillis, options.replyToneHz())
                    : SpeechLikeSignal.generate(rate, durationMillis, 42);
            byte[] pcm = Pcm16.toLittleEndian(samples);
            duration = samples.length * 1_000_000_000L / rate;
            int frameBytes = rate / 1000 * FRAME_MILLIS * 2;
            int n = (pcm.length + frameBytes - 1) / frameBytes;
            payloads = new byte[n][];
            offsets = new long[n];
            for (int i = 0; i < n; i++) {
                byte[] frame = Arrays.copyOfRange(pcm, i * frameBytes, Math.min(pcm.length, (i + 1) * frameBytes));
                payloads[i] = encode(frame, options.replyEncoding());
                offsets[i] = i * TimeUnit.MILLISECONDS.toNanos(FRAME_MILLIS);
            }
        }
        byte[][] cuttable = "mp3".equals(options.replyEncoding()) ? null : payloads;
        int bytesPerSample = "pcm".equals(options.replyEncoding()) ? 2 : 1;
        if (ts[0].isRawPayload()) {
            return new ReplyAudio(payloads, offsets, true, duration, cuttable, ts, values, bytesPerSample,
                    options.sendSampleRateHz());
        }
        byte[][] messages = new byte[payloads.length][];
        for (int i = 0; i < payloads.length; i++) {
            messages[i] = wrap(ts[i % ts.length], payloads[i], payloads[i].length, values);
        }
        return new ReplyAudio(messages, offsets, options.replyJsonInBinaryFrames(), duration, cuttable, ts, values,
                bytesPerSample, options.sendSampleRateHz());
    }

    /** The first {@code length} bytes of {@code payload} in template {@code t}, as message bytes. */
    private static byte[] wrap(MessageTemplate t, byte[] payload, int length, TemplateValues values) {
        ByteBuf in = Unpooled.wrappedBuffer(payload, 0, length);
        ByteBuf out = Unpooled.buffer(t.encodedLengthUpperBound(length));
        try {
            t.encode(in, 0, length, values, out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /**
     * Message {@code i} holding only the audio of its first {@code nanos} (a reply cut short at a barge-in), or the
     * whole message when it is shorter or cannot be cut (MP3). Allocates; called once per cut, not per frame.
     */
    byte[] messageCut(int i, long nanos) {
        if (payloads == null) {
            return messages[i];
        }
        long samples = Math.max(0, nanos) * sampleRateHz / 1_000_000_000L;
        int length = (int) Math.min(payloads[i].length, samples * bytesPerSample);
        if (length == payloads[i].length) {
            return messages[i];
        }
        return raw ? Arrays.copyOf(payloads[i], length) : wrap(templates[i % templates.length], payloads[i], length,
                values);
    }

    /** Audio length of message {@code i} (PCM and G.711 frames; for MP3 the gap to the next message). */
    long durationNanos(int i) {
        if (payloads == null) {
            return i + 1 < offsetNanos.length ? offsetNanos[i + 1] - offsetNanos[i] : 0;
        }
        return payloads[i].length / bytesPerSample * 1_000_000_000L / sampleRateHz;
    }

    private static byte[] encode(byte[] pcm16le, String encoding) {
        if ("pcm".equals(encoding)) {
            return pcm16le;
        }
        ByteBuf pcm = Unpooled.wrappedBuffer(pcm16le);
        ByteBuf out = Unpooled.buffer(pcm16le.length / 2);
        switch (encoding) {
            case "ulaw":
                G711.encodeUlaw(pcm, 0, pcm16le.length, out);
                break;
            case "alaw":
                G711.encodeAlaw(pcm, 0, pcm16le.length, out);
                break;
            default:
                throw new IllegalArgumentException("unknown reply encoding '" + encoding + "'");
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** A sine at half of full scale with 5 ms fades so it starts and ends cleanly. */
    static short[] tone(int rateHz, long durationMillis, double frequencyHz) {
        int n = (int) (rateHz * durationMillis / 1000);
        int fade = rateHz / 200;
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double gain = Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
            out[i] = (short) Math.round(16384 * gain * Math.sin(2 * Math.PI * frequencyHz * i / rateHz));
        }
        return out;
    }

    int count() {
        return messages.length;
    }

    byte[] message(int i) {
        return messages[i];
    }

    /** When message {@code i} is due, after the reply's start. */
    long offsetNanos(int i) {
        return offsetNanos[i];
    }

    /** Whether messages go as binary frames (else text). */
    boolean binary() {
        return binary;
    }

    /** How long the reply plays. */
    long durationNanos() {
        return durationNanos;
    }

    /**
     * [samples, rate of the first frame] of an MP3 file, from its Layer III frame headers (read by the codecs'
     * {@link Mp3Header}); bytes between frames (tags) are stepped over one at a time.
     */
    static long[] mp3Length(byte[] mp3) {
        long samples = 0;
        int rate = 0;
        int i = 0;
        while (i + 4 <= mp3.length) {
            int h = (mp3[i] & 0xFF) << 24 | (mp3[i + 1] & 0xFF) << 16 | (mp3[i + 2] & 0xFF) << 8 | mp3[i + 3] & 0xFF;
            if (!Mp3Header.isValid(h)) {
                i++;
                continue;
            }
            if (rate == 0) {
                rate = Mp3Header.sampleRateHz(h);
            }
            samples += Mp3Header.samplesPerFrame(h);
            i += Mp3Header.frameBytes(h);
        }
        return new long[] {samples, rate};
    }
}
