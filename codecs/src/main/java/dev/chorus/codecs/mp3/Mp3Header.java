package dev.chorus.codecs.mp3;

/**
 * Reads MPEG audio Layer III frame headers held in an {@code int} (big-endian, first byte in the top bits). Static
 * and stateless, so thread-safe.
 *
 * <pre>
 *   byte 0     byte 1       byte 2       byte 3
 *  AAAAAAAA   AAABBCCD     EEEEFFGH     IIJJKLMM
 *  A sync (11 ones)  B version: 00 MPEG-2.5, 01 reserved, 10 MPEG-2, 11 MPEG-1   C layer: 01 = Layer III
 *  D 0 = CRC follows  E bitrate index  F sample-rate index  G padding  H private  I mode: 11 = mono
 *  J mode extension  K copyright  L original  M emphasis
 * </pre>
 *
 * Free-format streams (bitrate index 0) are not supported: their frame length is not in the header.
 */
public final class Mp3Header {
    /** Largest Layer III frame: 320 kbps at 32 kHz (MPEG-1) or 160 kbps at 8 kHz (MPEG-2.5), plus padding. */
    public static final int MAX_FRAME_BYTES = 1441;
    public static final int MAX_SAMPLES_PER_FRAME = 1152;

    private static final int VERSION_1 = 3;
    private static final int VERSION_RESERVED = 1;
    private static final int LAYER_3 = 1;
    /** Sync, version, layer and sample rate: what must stay the same between frames of one stream. */
    private static final int STREAM_MASK = 0xFFFE0C00;

    private static final int[] BITRATE_KBPS_V1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
    private static final int[] BITRATE_KBPS_V2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0};
    /** Indexed by version (MPEG-2.5, reserved, MPEG-2, MPEG-1) then by rate index. */
    private static final int[][] SAMPLE_RATE_HZ = {
        {11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}};

    private Mp3Header() {
    }

    /** Reads four bytes big-endian; the caller checks the bounds. */
    static int read(byte[] bytes, int index) {
        return (bytes[index] & 0xFF) << 24 | (bytes[index + 1] & 0xFF) << 16 | (bytes[index + 2] & 0xFF) << 8
                | bytes[index + 3] & 0xFF;
    }

    /** Whether {@code header} is a Layer III header this decoder can frame (sync, valid fields, not free format). */
    public static boolean isValid(int header) {
        int version = (header >>> 19) & 3;
        int bitrateIndex = (header >>> 12) & 15;
        return (header & 0xFFE00000) == 0xFFE00000
                && version != VERSION_RESERVED
                && ((header >>> 17) & 3) == LAYER_3
                && bitrateIndex != 0 && bitrateIndex != 15
                && ((header >>> 10) & 3) != 3
                && (header & 3) != 2;
    }

    /** Whether two valid headers can belong to the same stream: same version, layer, sample rate and mono-ness. */
    public static boolean sameStream(int a, int b) {
        return (a & STREAM_MASK) == (b & STREAM_MASK) && isMono(a) == isMono(b);
    }

    public static int sampleRateHz(int header) {
        return SAMPLE_RATE_HZ[(header >>> 19) & 3][(header >>> 10) & 3];
    }

    public static int bitrateKbps(int header) {
        int index = (header >>> 12) & 15;
        return isMpeg1(header) ? BITRATE_KBPS_V1[index] : BITRATE_KBPS_V2[index];
    }

    /** Frame length in bytes, header and padding slot included; valid headers only. */
    public static int frameBytes(int header) {
        int coefficient = isMpeg1(header) ? 144 : 72;
        return coefficient * bitrateKbps(header) * 1000 / sampleRateHz(header) + ((header >>> 9) & 1);
    }

    /** 1152 for MPEG-1, 576 for MPEG-2 and 2.5 (one granule per frame). */
    public static int samplesPerFrame(int header) {
        return isMpeg1(header) ? 1152 : 576;
    }

    public static int channels(int header) {
        return isMono(header) ? 1 : 2;
    }

    /**
     * Offset from the frame start of the Xing/Info tag: header, CRC when present, then the side information (ISO
     * 11172-3 §2.4.1.7), which is all zero in a tag frame.
     */
    static int xingOffset(int header) {
        int sideInfoBytes = isMpeg1(header) ? (isMono(header) ? 17 : 32) : (isMono(header) ? 9 : 17);
        return 4 + (hasCrc(header) ? 2 : 0) + sideInfoBytes;
    }

    private static boolean isMpeg1(int header) {
        return ((header >>> 19) & 3) == VERSION_1;
    }

    private static boolean isMono(int header) {
        return ((header >>> 6) & 3) == 3;
    }

    private static boolean hasCrc(int header) {
        return (header & 0x10000) == 0;
    }
}
