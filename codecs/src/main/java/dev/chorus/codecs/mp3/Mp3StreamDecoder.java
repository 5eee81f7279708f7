package dev.chorus.codecs.mp3;

import io.netty.buffer.ByteBuf;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.Obuffer;

import java.io.InputStream;
import java.util.Arrays;

/**
 * Streaming MP3 (MPEG-1/2/2.5 Layer III) to mono PCM16 decoder for one inbound agent stream; not thread-safe.
 *
 * <p>The agent's MP3 bytes arrive cut at arbitrary byte boundaries. {@code feed} appends them to an internal buffer,
 * decodes every complete frame and keeps the incomplete tail for the next call, so the output does not depend on how
 * the bytes were chunked. Framing, resync and trimming are ours; JLayer (LGPL-2.1) only decodes one whole frame at a
 * time, read through a reusable {@link InputStream} over our buffer, so its own read-ahead never sees a partial frame.
 *
 * <p><b>Timing.</b> Output sample 0 is input sample 0 of the original audio (issue 3, item 4):
 * <pre>
 *   frames:  [Xing/Info] [frame 1] [frame 2] ...          the tag frame is skipped, not decoded as silence
 *   decoded:             |&lt;- encoder delay + 529 -&gt;|audio...|&lt;- padding -&gt;|
 *   output:                                         |audio...|            start and end trimmed
 * </pre>
 * The encoder delay and padding come from the LAME tag (also written by ffmpeg) when there is one; otherwise the delay
 * is {@link #DEFAULT_ENCODER_DELAY_SAMPLES} (LAME's) and nothing is trimmed at the end. LAME writes no tag when the
 * frame is too small for it (for example 16 kbps at 8 kHz, 32 kbps at 16 kHz, 48 kbps at 24 kHz). A tag frame found
 * mid-stream starts a new file (TTS services send one MP3 file per utterance): its delay and padding apply from there.
 * Stereo is mixed to mono as (L + R) / 2. JLayer's fixed gain of 32700/32768 (−0.019 dB) is undone.
 *
 * <p><b>Errors</b> are return values, not exceptions: after each call {@link #lastErrors()} holds the
 * {@code ERROR_*} flags of that call (the engine records an {@code invalid_audio} event when it is not 0). Bytes that
 * are not part of a frame are skipped and the decoder resyncs on the next header, confirmed by the header after it
 * when it had to search; a frame JLayer cannot decode is replaced by silence of the frame's length, so the timeline
 * keeps its length. ID3v2 and ID3v1 tags are skipped silently. Once locked, frames must keep the first frame's MPEG
 * version, sample rate and mono/stereo; other headers count as garbage.
 *
 * <p><b>Allocation.</b> None per frame in our code once the input buffer has grown to the largest burst fed (it only
 * grows). JLayer's Layer III path allocates nothing per frame either; it allocates on the first frame (its tables and
 * a small VBR-header probe) and we rebuild it, allocating, after a frame it could not decode.
 */
public final class Mp3StreamDecoder {
    /** Bytes that were not part of an MP3 frame or tag were skipped while searching for a frame header. */
    public static final int ERROR_SKIPPED_BYTES = 1;
    /** A frame with a valid header could not be decoded; silence of its length was output instead. */
    public static final int ERROR_BAD_FRAME = 2;
    /** {@link #finish} found an incomplete frame at the end of the stream and dropped it. */
    public static final int ERROR_TRUNCATED = 4;

    /** Delay of the MP3 synthesis filter bank (the 528 + 1 samples every gapless decoder trims). */
    public static final int DECODER_DELAY_SAMPLES = 529;
    /** Encoder delay assumed without a LAME tag: LAME's, which almost every MP3 encoder reuses. */
    public static final int DEFAULT_ENCODER_DELAY_SAMPLES = 576;
    /** A {@code short[]} output needs this much room for {@code feed} to decode one more frame. */
    public static final int MAX_SAMPLES_PER_FRAME = Mp3Header.MAX_SAMPLES_PER_FRAME;

    /** JLayer's SynthesisFilter scales to 32700, not 32768 (Decoder.initialize); undo it so the gain is 1. */
    private static final float GAIN = 32768f / 32700f;
    private static final int ID3V1_BYTES = 128;
    private static final int ID3V2_HEADER_BYTES = 10;
    private static final int VBRI_OFFSET = 36;

    private final int defaultEncoderDelaySamples;
    private final FrameInputStream frameStream = new FrameInputStream();
    private final FrameCollector collector = new FrameCollector();
    private final short[] frameSamples = new short[MAX_SAMPLES_PER_FRAME];
    private Bitstream bitstream;
    private Decoder decoder;

    private byte[] buf = new byte[4096];
    private int start;
    private int end;
    private int skipBytes;

    /** First header seen, or 0 before the first frame; later frames must be {@link Mp3Header#sameStream} with it. */
    private int lockedHeader;
    /** Whether the next header follows a frame or tag directly; if not, it needs the header after it to confirm it. */
    private boolean contiguous = true;
    private boolean streamStart = true;
    private boolean moreOutput;

    private long startTrimRemaining = -1;
    /** Samples the current file may still output according to its LAME tag, or -1 when unknown. */
    private long fileSamplesRemaining = -1;
    private int encoderDelaySamples = -1;
    private int paddingSamples = -1;

    private int lastErrors;
    private long skippedBytes;
    private long badFrames;
    private long framesDecoded;
    private long samplesTrimmed;
    private long samplesOut;

    /** A decoder assuming {@link #DEFAULT_ENCODER_DELAY_SAMPLES} (576) when the stream has no LAME tag. */
    public Mp3StreamDecoder() {
        this(DEFAULT_ENCODER_DELAY_SAMPLES);
    }

    /**
     * @param defaultEncoderDelaySamples encoder delay to trim when the stream starts without a LAME tag; 0 when the
     *                                   agent's encoder is known to be delay-free (the 529-sample decoder delay is
     *                                   still trimmed)
     */
    public Mp3StreamDecoder(int defaultEncoderDelaySamples) {
        if (defaultEncoderDelaySamples < 0) {
            throw new IllegalArgumentException(
                    "defaultEncoderDelaySamples must be >= 0: defaultEncoderDelaySamples=" + defaultEncoderDelaySamples);
        }
        this.defaultEncoderDelaySamples = defaultEncoderDelaySamples;
        newJLayer();
    }

    /**
     * Appends all readable bytes of {@code in} and decodes complete frames into {@code out} from {@code outOffset},
     * as long as at least {@link #MAX_SAMPLES_PER_FRAME} samples of room are left. When it stops for lack of room,
     * {@link #moreOutputPending()} is true: call again with an empty buffer ({@code Unpooled.EMPTY_BUFFER}).
     *
     * @param in MP3 bytes; its reader index moves to its writer index. The caller keeps ownership: this method
     *           neither retains nor releases it, and keeps no reference after returning
     * @return mono samples written at the stream's {@link #sampleRateHz()}; see {@link #lastErrors()}
     */
    public int feed(ByteBuf in, short[] out, int outOffset) {
        append(in);
        return decode(out, outOffset, null, false);
    }

    /**
     * As {@link #feed(ByteBuf, short[], int)}, but writes 16-bit little-endian samples at the writer index of
     * {@code outPcm16Le} (which grows as needed) and decodes every complete frame.
     *
     * @param in          MP3 bytes, consumed; the caller keeps ownership (not retained, not released)
     * @param outPcm16Le  destination; the caller owns it
     * @return mono samples written (bytes / 2)
     */
    public int feed(ByteBuf in, ByteBuf outPcm16Le) {
        append(in);
        return decode(null, 0, outPcm16Le, false);
    }

    /**
     * Ends the stream: decodes a last frame still waiting for the next header to confirm it, and drops an incomplete
     * trailing frame ({@link #ERROR_TRUNCATED}). The decoder stays usable for more input.
     *
     * @return samples written; with a {@code short[]} check {@link #moreOutputPending()} as for {@code feed}
     */
    public int finish(short[] out, int outOffset) {
        return decode(out, outOffset, null, true);
    }

    /** As {@link #finish(short[], int)}, into a growing little-endian PCM16 buffer the caller owns. */
    public int finish(ByteBuf outPcm16Le) {
        return decode(null, 0, outPcm16Le, true);
    }

    /** {@code ERROR_*} flags raised by the last {@code feed} or {@code finish}; 0 when the input was clean. */
    public int lastErrors() {
        return lastErrors;
    }

    /** Whether the last call with a {@code short[]} stopped for lack of room with complete frames left. */
    public boolean moreOutputPending() {
        return moreOutput;
    }

    /** Sample rate of the stream in Hz (the output's too), or 0 before the first frame. */
    public int sampleRateHz() {
        return lockedHeader == 0 ? 0 : Mp3Header.sampleRateHz(lockedHeader);
    }

    /** Channels coded in the stream (1 or 2; the output is always mono), or 0 before the first frame. */
    public int channels() {
        return lockedHeader == 0 ? 0 : Mp3Header.channels(lockedHeader);
    }

    /** Encoder delay of the current file in samples: from its LAME tag or the default; -1 before the first frame. */
    public int encoderDelaySamples() {
        return encoderDelaySamples;
    }

    /** End padding of the current file in samples from its LAME tag, or -1 when unknown (not trimmed). */
    public int paddingSamples() {
        return paddingSamples;
    }

    /** Whole trim at the start of the current file: encoder delay + {@value #DECODER_DELAY_SAMPLES}; -1 before. */
    public int startTrimSamples() {
        return encoderDelaySamples < 0 ? -1 : encoderDelaySamples + DECODER_DELAY_SAMPLES;
    }

    /** Decoded samples dropped so far: delays at file starts, padding at file ends. */
    public long samplesTrimmed() {
        return samplesTrimmed;
    }

    /** Samples output so far. */
    public long samplesOut() {
        return samplesOut;
    }

    /** Audio frames decoded so far (tag frames excluded, undecodable ones included). */
    public long framesDecoded() {
        return framesDecoded;
    }

    /** Bytes skipped so far as not part of any frame or tag. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Frames so far that JLayer could not decode. */
    public long badFrames() {
        return badFrames;
    }

    /** Bytes held for the next call: an incomplete frame, or complete frames left for lack of output room. */
    public int pendingBytes() {
        return end - start;
    }

    private void append(ByteBuf in) {
        int n = in.readableBytes();
        if (n == 0) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + n));
        }
        in.readBytes(buf, end, n);
        end += n;
    }

    private int decode(short[] out, int outOffset, ByteBuf outBuf, boolean endOfStream) {
        lastErrors = 0;
        moreOutput = false;
        int written = 0;
        final byte[] b = buf;
        while (true) {
            int available = end - start;
            if (skipBytes > 0) {
                int n = Math.min(skipBytes, available);
                start += n;
                skipBytes -= n;
                if (skipBytes > 0) {
                    break;
                }
                continue;
            }
            if (available < 4) {
                break;
            }
            int header = Mp3Header.read(b, start);
            int tagBytes = tagBytes(b, start, available, header);
            if (tagBytes < 0) {
                break;
            }
            if (tagBytes > 0) {
                skipBytes = tagBytes;
                continue;
            }
            if (!Mp3Header.isValid(header) || lockedHeader != 0 && !Mp3Header.sameStream(lockedHeader, header)) {
                skip();
                continue;
            }
            int frameBytes = Mp3Header.frameBytes(header);
            if (available < frameBytes) {
                break;
            }
            if (!contiguous) {
                if (available < frameBytes + 4) {
                    if (!endOfStream) {
                        break;
                    }
                } else {
                    int next = Mp3Header.read(b, start + frameBytes);
                    if (!Mp3Header.isValid(next) || !Mp3Header.sameStream(header, next)) {
                        skip();
                        continue;
                    }
                }
            }
            if (out != null && out.length - (outOffset + written) < MAX_SAMPLES_PER_FRAME) {
                moreOutput = true;
                break;
            }
            if (lockedHeader == 0) {
                lockedHeader = header;
            }
            contiguous = true;
            if (readTagFrame(b, start, frameBytes, header)) {
                start += frameBytes;
                continue;
            }
            if (streamStart) {
                streamStart = false;
                encoderDelaySamples = defaultEncoderDelaySamples;
                startTrimRemaining = defaultEncoderDelaySamples + DECODER_DELAY_SAMPLES;
            }
            int n = decodeFrame(b, start, frameBytes, header);
            start += frameBytes;
            written += emit(n, out, outOffset + written, outBuf);
        }
        if (endOfStream && !moreOutput && end - start > 0) {
            lastErrors |= ERROR_TRUNCATED;
            skippedBytes += end - start;
            start = end;
            skipBytes = 0;
            contiguous = false;
        }
        samplesOut += written;
        return written;
    }

    private void skip() {
        start++;
        skippedBytes++;
        contiguous = false;
        lastErrors |= ERROR_SKIPPED_BYTES;
    }

    /** Length of an ID3v2 or ID3v1 tag starting here, 0 if there is none, -1 if more bytes are needed to tell. */
    private static int tagBytes(byte[] b, int at, int available, int header) {
        if (header >>> 8 == 0x494433) { // "ID3"
            if (available < ID3V2_HEADER_BYTES) {
                return -1;
            }
            // Only a well-formed header (version bytes < 0xFF, 7-bit size bytes) may make us skip silently.
            if ((header & 0xFF) == 0xFF || (b[at + 4] & 0xFF) == 0xFF
                    || ((b[at + 6] | b[at + 7] | b[at + 8] | b[at + 9]) & 0x80) != 0) {
                return 0;
            }
            int size = (b[at + 6] & 0x7F) << 21 | (b[at + 7] & 0x7F) << 14 | (b[at + 8] & 0x7F) << 7 | b[at + 9] & 0x7F;
            boolean footer = (b[at + 5] & 0x10) != 0;
            return ID3V2_HEADER_BYTES + size + (footer ? ID3V2_HEADER_BYTES : 0);
        }
        if (header >>> 8 == 0x544147) { // "TAG"
            return ID3V1_BYTES;
        }
        return 0;
    }

    /**
     * If this frame is a Xing/Info or VBRI header, takes the LAME tag's delay and padding from it (a new file starts)
     * and returns true: the frame holds no audio and must not be decoded.
     *
     * <pre>
     * "Xing"|"Info" flags(4) [frames(4)] [bytes(4)] [toc(100)] [quality(4)]   flags bits 0..3 say which are present
     * LAME tag: "LAME3.100"(9) rev(1) lowpass(1) peak(4) gains(4) flags(1) abr(1) delay(12 bits) padding(12 bits) ...
     * </pre>
     */
    private boolean readTagFrame(byte[] b, int at, int frameBytes, int header) {
        int x = at + Mp3Header.xingOffset(header);
        int tag = x + 8 <= at + frameBytes ? Mp3Header.read(b, x) : 0;
        boolean xing = tag == 0x58696E67 || tag == 0x496E666F; // "Xing", "Info"
        boolean vbri = !xing && frameBytes >= VBRI_OFFSET + 4 && Mp3Header.read(b, at + VBRI_OFFSET) == 0x56425249;
        if (!xing && !vbri) {
            return false;
        }
        streamStart = false;
        encoderDelaySamples = defaultEncoderDelaySamples;
        paddingSamples = -1;
        fileSamplesRemaining = -1;
        if (xing) {
            int flags = Mp3Header.read(b, x + 4);
            int p = x + 8;
            long frames = -1;
            if ((flags & 1) != 0 && p + 4 <= at + frameBytes) {
                frames = Mp3Header.read(b, p) & 0xFFFFFFFFL;
            }
            p += ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0)
                    + ((flags & 8) != 0 ? 4 : 0);
            if (p + 24 <= at + frameBytes && isLameTag(Mp3Header.read(b, p))) {
                encoderDelaySamples = (b[p + 21] & 0xFF) << 4 | (b[p + 22] & 0xFF) >>> 4;
                paddingSamples = (b[p + 22] & 0x0F) << 8 | b[p + 23] & 0xFF;
                if (frames > 0) {
                    long total = frames * Mp3Header.samplesPerFrame(header) - encoderDelaySamples - paddingSamples;
                    fileSamplesRemaining = Math.max(0, total);
                }
            }
        }
        startTrimRemaining = encoderDelaySamples + DECODER_DELAY_SAMPLES;
        return true;
    }

    private static boolean isLameTag(int fourCc) {
        return fourCc == 0x4C414D45 || fourCc == 0x4C617666 || fourCc == 0x4C617663; // "LAME", "Lavf", "Lavc"
    }

    /** Decodes one whole frame with JLayer into {@link #frameSamples}; returns the samples in the frame. */
    private int decodeFrame(byte[] b, int at, int frameBytes, int header) {
        int samples = Mp3Header.samplesPerFrame(header);
        framesDecoded++;
        frameStream.set(b, at, frameBytes);
        collector.clear_buffer();
        boolean ok = false;
        try {
            Header h = bitstream.readFrame();
            if (h != null) {
                decoder.decodeFrame(h, bitstream);
                ok = true;
            }
        } catch (JavaLayerException | RuntimeException e) {
            // JLayer reports corrupt main data with checked exceptions and, from its Huffman and requantisation
            // tables, with ArrayIndexOutOfBoundsException; both are expected for bad input, so they are a flag.
            ok = false;
        } finally {
            bitstream.closeFrame();
        }
        if (!ok) {
            badFrames++;
            lastErrors |= ERROR_BAD_FRAME;
            newJLayer();
            Arrays.fill(frameSamples, 0, samples, (short) 0);
            return samples;
        }
        collector.mixTo(frameSamples, samples);
        return samples;
    }

    /** Trims and writes {@code n} samples of {@link #frameSamples}; returns samples written. */
    private int emit(int n, short[] out, int outOffset, ByteBuf outBuf) {
        int from = 0;
        if (startTrimRemaining > 0) {
            from = (int) Math.min(startTrimRemaining, n);
            startTrimRemaining -= from;
        }
        int count = n - from;
        if (fileSamplesRemaining >= 0 && count > fileSamplesRemaining) {
            count = (int) fileSamplesRemaining;
        }
        if (fileSamplesRemaining >= 0) {
            fileSamplesRemaining -= count;
        }
        samplesTrimmed += n - count;
        if (count == 0) {
            return 0;
        }
        final short[] src = frameSamples;
        if (out != null) {
            System.arraycopy(src, from, out, outOffset, count);
        } else {
            outBuf.ensureWritable(count * 2);
            int w = outBuf.writerIndex();
            for (int i = 0; i < count; i++) {
                outBuf.setShortLE(w + 2 * i, src[from + i]);
            }
            outBuf.writerIndex(w + 2 * count);
        }
        return count;
    }

    /** Fresh JLayer state: at construction and after a frame it failed on, which may leave it inconsistent. */
    private void newJLayer() {
        frameStream.set(buf, 0, 0);
        bitstream = new Bitstream(frameStream);
        decoder = new Decoder();
        decoder.setOutputBuffer(collector);
    }

    /**
     * One frame's bytes at a time for JLayer's {@link Bitstream}: it reads through a BufferedInputStream and peeks four
     * bytes past the frame, and sees end of stream (not a partial header) there. Reused for every frame.
     */
    private static final class FrameInputStream extends InputStream {
        private byte[] bytes;
        private int pos;
        private int limit;

        void set(byte[] b, int offset, int length) {
            bytes = b;
            pos = offset;
            limit = offset + length;
        }

        @Override
        public int read() {
            return pos < limit ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, limit - pos);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return limit - pos;
        }
    }

    /**
     * Receives JLayer's synthesis output, 32 float samples per call and channel, before JLayer would truncate them to
     * shorts, so that the stereo mix and the gain correction round once.
     */
    private static final class FrameCollector extends Obuffer {
        private final float[] left = new float[MAX_SAMPLES_PER_FRAME];
        private final float[] right = new float[MAX_SAMPLES_PER_FRAME];
        private int leftCount;
        private int rightCount;

        @Override
        public void appendSamples(int channel, float[] samples) {
            if (channel == 0) {
                leftCount = put(left, leftCount, samples);
            } else {
                rightCount = put(right, rightCount, samples);
            }
        }

        private static int put(float[] dst, int count, float[] samples) {
            int n = Math.min(32, dst.length - count);
            System.arraycopy(samples, 0, dst, count, n);
            return count + n;
        }

        @Override
        public void append(int channel, short value) {
            // JLayer's synthesis filter only calls appendSamples; kept for completeness.
            if (channel == 0) {
                if (leftCount < left.length) {
                    left[leftCount++] = value;
                }
            } else if (rightCount < right.length) {
                right[rightCount++] = value;
            }
        }

        /** Writes {@code n} mono samples: (L + R) / 2 when both channels came, else L; missing samples are 0. */
        void mixTo(short[] out, int n) {
            final float[] l = left;
            final float[] r = right;
            boolean stereo = rightCount > 0;
            int have = Math.min(n, stereo ? Math.min(leftCount, rightCount) : leftCount);
            float g = stereo ? GAIN * 0.5f : GAIN;
            for (int i = 0; i < have; i++) {
                float v = (stereo ? l[i] + r[i] : l[i]) * g;
                int s = Math.round(v);
                out[i] = (short) (s > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(s, Short.MIN_VALUE));
            }
            Arrays.fill(out, have, n, (short) 0);
        }

        @Override
        public void write_buffer(int val) {
        }

        @Override
        public void close() {
        }

        @Override
        public void clear_buffer() {
            leftCount = 0;
            rightCount = 0;
        }

        @Override
        public void set_stop_flag() {
        }
    }
}
