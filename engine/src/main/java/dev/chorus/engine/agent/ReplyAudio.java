package dev.chorus.engine.agent;

import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.Pcm16;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The reference agent's spoken reply, encoded once per agent and shared by every call: the messages to send and
 * when to send each, relative to the reply's start. PCM, μ-law and A-law replies go in 20 ms frames; an MP3 reply
 * is the given MP3 file cut every {@code replyMp3ChunkBytes} bytes (anywhere, as streaming servers do), each
 * message sent when the audio before it would have played. Each message is wrapped in the reply template, or sent
 * as a binary frame when the template is exactly {@code {{audio_data}}}. Immutable and thread-safe; the arrays are
 * never modified.
 */
final class ReplyAudio {
    static final int FRAME_MILLIS = 20;
    static final String DEFAULT_TEMPLATE = "{\"type\":\"audio_chunk\",\"data\":\"{{audio_data}}\"}";

    private final byte[][] messages;
    private final long[] offsetNanos;
    private final boolean binary;

    private ReplyAudio(byte[][] messages, long[] offsetNanos, boolean binary) {
        this.messages = messages;
        this.offsetNanos = offsetNanos;
        this.binary = binary;
    }

    static ReplyAudio of(ReferenceAgentOptions options) {
        return of(options, options.replyDurationMillis());
    }

    /** A reply of {@code durationMillis} (PCM and G.711; an MP3 reply is always {@code replyMp3} whole). */
    static ReplyAudio of(ReferenceAgentOptions options, long durationMillis) {
        String template = options.replyTemplate() != null ? options.replyTemplate()
                : options.binaryAudio() ? "{{audio_data}}" : DEFAULT_TEMPLATE;
        MessageTemplate t = MessageTemplate.compile(template, "audio_data");
        byte[][] payloads;
        long[] offsets;
        if ("mp3".equals(options.replyEncoding())) {
            byte[] mp3 = options.replyMp3();
            if (mp3 == null || mp3.length == 0) {
                throw new IllegalArgumentException("replyEncoding mp3 needs replyMp3 bytes");
            }
            long durationNanos = Mp3Duration.nanos(mp3);
            // A decoder's first output is 529 + 576 (LAME's delay) samples into the stream: send that much ahead,
            // as streaming TTS servers do, so the caller's playback does not underrun on the codec's delay.
            int rate = Mp3Duration.rateHz(mp3);
            long leadNanos = rate == 0 ? 0 : 1105L * 1_000_000_000L / rate;
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
            short[] samples = options.replyToneHz() > 0
                    ? tone(rate, durationMillis, options.replyToneHz())
                    : SpeechLikeSignal.generate(rate, durationMillis, 42);
            byte[] pcm = Pcm16.toLittleEndian(samples);
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
        if (t.isRawPayload()) {
            return new ReplyAudio(payloads, offsets, true);
        }
        byte[][] messages = new byte[payloads.length][];
        for (int i = 0; i < payloads.length; i++) {
            ByteBuf payload = Unpooled.wrappedBuffer(payloads[i]);
            ByteBuf out = Unpooled.buffer(t.encodedLengthUpperBound(payloads[i].length));
            try {
                t.encode(payload, 0, payloads[i].length, TemplateValues.NONE, out);
                messages[i] = new byte[out.readableBytes()];
                out.readBytes(messages[i]);
            } finally {
                out.release();
            }
        }
        return new ReplyAudio(messages, offsets, false);
    }

    private static byte[] encode(byte[] pcm16le, String encoding) {
        switch (encoding) {
            case "ulaw":
            case "alaw": {
                byte[] out = new byte[pcm16le.length / 2];
                for (int i = 0; i < out.length; i++) {
                    short s = (short) ((pcm16le[2 * i] & 0xFF) | (pcm16le[2 * i + 1] << 8));
                    out[i] = "ulaw".equals(encoding) ? G711.linearToUlaw(s) : G711.linearToAlaw(s);
                }
                return out;
            }
            case "pcm":
                return pcm16le;
            default:
                throw new IllegalArgumentException("unknown reply encoding '" + encoding + "'");
        }
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

    /** The playing time of an MP3 file from its frame headers (MPEG 1/2/2.5 Layer III). */
    static final class Mp3Duration {
        private static final int[][] BITRATES_KBPS = {
                {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // MPEG-1 Layer III
                {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}};    // MPEG-2/2.5 Layer III
        private static final int[][] RATES_HZ = {{44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}};

        private Mp3Duration() {
        }

        /** The sample rate of the first frame, or 0 when there is none. */
        static int rateHz(byte[] mp3) {
            long[] r = scan(mp3);
            return (int) r[1];
        }

        static long nanos(byte[] mp3) {
            long[] r = scan(mp3);
            return r[1] == 0 ? 0 : r[0] * 1_000_000_000L / r[1];
        }

        /** [samples, rate of the first frame]. */
        private static long[] scan(byte[] mp3) {
            long samples = 0;
            int rate = 0;
            int i = skipId3(mp3);
            while (i + 4 <= mp3.length) {
                int h = ((mp3[i] & 0xFF) << 24) | ((mp3[i + 1] & 0xFF) << 16) | ((mp3[i + 2] & 0xFF) << 8)
                        | (mp3[i + 3] & 0xFF);
                int version = (h >>> 19) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
                int layer = (h >>> 17) & 3;   // 1 = Layer III
                int bitrateIndex = (h >>> 12) & 15;
                int rateIndex = (h >>> 10) & 3;
                if ((h & 0xFFE00000) != 0xFFE00000 || version == 1 || layer != 1 || bitrateIndex == 0
                        || bitrateIndex == 15 || rateIndex == 3) {
                    i++;
                    continue;
                }
                boolean mpeg1 = version == 3;
                int frameRate = RATES_HZ[mpeg1 ? 0 : version == 2 ? 1 : 2][rateIndex];
                if (rate == 0) {
                    rate = frameRate;
                }
                int kbps = BITRATES_KBPS[mpeg1 ? 0 : 1][bitrateIndex];
                int padding = (h >>> 9) & 1;
                int perFrame = mpeg1 ? 1152 : 576;
                int length = perFrame / 8 * kbps * 1000 / frameRate + padding;
                samples += perFrame;
                i += Math.max(1, length);
            }
            return new long[] {samples, rate};
        }

        private static int skipId3(byte[] b) {
            if (b.length >= 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
                return 10 + ((b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F));
            }
            return 0;
        }
    }
}
