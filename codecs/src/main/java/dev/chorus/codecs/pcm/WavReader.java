package dev.chorus.codecs.pcm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE files into mono {@link PcmClip}s: PCM at 8-bit unsigned, 16, 24 and 32-bit signed, IEEE float 32
 * and 64, plain or WAVE_FORMAT_EXTENSIBLE, any channel count (averaged to mono), any rate. Unknown chunks are skipped
 * (with RIFF's odd-size padding); a data chunk longer than the file (a truncated stream) yields what is there.
 * Stateless and thread-safe.
 */
public final class WavReader {
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    private static final String FIX = "fix: convert it to PCM WAV, e.g. `sox in.wav -e signed -b 16 out.wav`";

    private WavReader() {
    }

    public static PcmClip read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    public static PcmClip read(byte[] bytes, String sourceName) throws WavFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 /* RIFF */ || b.getInt(8) != 0x45564157 /* WAVE */) {
            throw new WavFormatException(sourceName + ": not a RIFF/WAVE file; " + FIX);
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            int id = b.getInt(pos);
            long size = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id == 0x20746D66 /* "fmt " */) {
                if (size < 16 || body + 16 > bytes.length) {
                    throw new WavFormatException(sourceName + ": fmt chunk too short; " + FIX);
                }
                format = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xFFFF;
                if (format == FORMAT_EXTENSIBLE) {
                    if (size < 40 || body + 26 > bytes.length) {
                        throw new WavFormatException(sourceName + ": WAVE_FORMAT_EXTENSIBLE without a subformat; " + FIX);
                    }
                    format = b.getShort(body + 24) & 0xFFFF;
                }
            } else if (id == 0x61746164 /* "data" */) {
                if (format < 0) {
                    throw new WavFormatException(sourceName + ": data chunk before the fmt chunk; " + FIX);
                }
                int available = (int) Math.min(size, bytes.length - body);
                return decode(b, body, available, format, channels, rate, bits, sourceName);
            }
            long next = body + size + (size & 1);
            if (next > Integer.MAX_VALUE) {
                break;
            }
            pos = (int) next;
        }
        throw new WavFormatException(sourceName + ": no " + (format < 0 ? "fmt" : "data") + " chunk; " + FIX);
    }

    private static PcmClip decode(ByteBuffer b, int offset, int length, int format, int channels, int rate, int bits,
                                  String name) throws WavFormatException {
        if (channels < 1) {
            throw new WavFormatException(name + ": " + channels + " channels; " + FIX);
        }
        if (rate <= 0) {
            throw new WavFormatException(name + ": sample rate " + rate + " Hz; " + FIX);
        }
        boolean pcm = format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == FORMAT_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new WavFormatException(name + ": format " + format + " at " + bits + " bits is not supported"
                    + (format == 0x55 ? " (MP3 in WAV)" : "") + "; supported: PCM 8/16/24/32-bit, float 32/64; " + FIX);
        }
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        int frames = length / frameBytes;
        short[] out = new short[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            int base = offset + f * frameBytes;
            for (int c = 0; c < channels; c++) {
                sum += sample(b, base + c * bytesPerSample, bits, flt);
            }
            double v = sum / channels;
            long s = Math.round(v * 32768.0);
            out[f] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s));
        }
        return new PcmClip(out, rate);
    }

    /** One sample as a double in [-1, 1). */
    private static double sample(ByteBuffer b, int at, int bits, boolean flt) {
        if (flt) {
            return bits == 32 ? b.getFloat(at) : b.getDouble(at);
        }
        switch (bits) {
            case 8:
                return ((b.get(at) & 0xFF) - 128) / 128.0;
            case 16:
                return b.getShort(at) / 32768.0;
            case 24: {
                int v = (b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) << 16;
                return v / 8388608.0;
            }
            default:
                return b.getInt(at) / 2147483648.0;
        }
    }
}
