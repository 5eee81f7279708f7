package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Encoding and decoding agree with the JDK on every length 0..2000 at random offsets, for every kind of buffer on
 * either side (heap, direct, pooled, composite, slices with no spare capacity), and decoding agrees with a plain
 * reference decoder on random mixes of alphabet, padding, line breaks and junk (fast and slow paths).
 */
class Base64CodecTest {
    private static final PooledByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;
    private static final int MAX_LENGTH = 2000;
    private static final byte SENTINEL = 0x55;

    /** A source buffer holding {@code data} at index {@code offset}, of one of {@link #SOURCE_KINDS} kinds. */
    private static ByteBuf source(int kind, byte[] data, int offset) {
        byte[] lead = new byte[offset];
        Arrays.fill(lead, (byte) '#');
        switch (kind) {
            case 0:
                // A slice of a larger array: arrayOffset() != 0 and bytes on both sides that are not the data.
                byte[] big = new byte[offset + data.length + 24];
                System.arraycopy(data, 0, big, offset + 11, data.length);
                return Unpooled.wrappedBuffer(big).slice(11, offset + data.length);
            case 1:
                return Unpooled.directBuffer(offset + data.length).writeBytes(lead).writeBytes(data);
            case 2:
                return POOLED.heapBuffer(offset + data.length).writeBytes(lead).writeBytes(data);
            case 3:
                return POOLED.directBuffer(offset + data.length).writeBytes(lead).writeBytes(data);
            default:
                CompositeByteBuf c = Unpooled.compositeBuffer();
                int half = data.length / 2;
                c.addComponent(true, Unpooled.wrappedBuffer(lead));
                c.addComponent(true, Unpooled.directBuffer(half).writeBytes(data, 0, half));
                c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, half, data.length)));
                return c;
        }
    }

    private static final int SOURCE_KINDS = 5;
    private static final int DESTINATION_KINDS = 5;

    /**
     * A destination with {@code prefix} bytes already written; kind 4 is a slice of a sentinel-filled direct
     * buffer whose capacity is exactly {@code prefix + room}, so a store past it would show in the sentinels.
     */
    private static ByteBuf destination(int kind, int prefix, int room, ByteBuf[] parent) {
        ByteBuf dst;
        switch (kind) {
            case 0:
                dst = Unpooled.buffer(1);
                break;
            case 1:
                dst = Unpooled.directBuffer(1);
                break;
            case 2:
                dst = POOLED.heapBuffer(1);
                break;
            case 3:
                dst = POOLED.directBuffer(1);
                break;
            default:
                ByteBuf big = POOLED.directBuffer(prefix + room + 32);
                while (big.isWritable()) {
                    big.writeByte(SENTINEL);
                }
                parent[0] = big;
                dst = big.slice(16, prefix + room).clear();
        }
        for (int i = 0; i < prefix; i++) {
            dst.writeByte('@');
        }
        dst.readerIndex(prefix > 0 ? 1 : 0);
        return dst;
    }

    private static void assertSentinelsIntact(ByteBuf parent, int sliceLength) {
        if (parent == null) {
            return;
        }
        for (int i = 0; i < 16; i++) {
            assertThat(parent.getByte(i)).as("sentinel %d", i).isEqualTo(SENTINEL);
        }
        for (int i = 16 + sliceLength; i < parent.capacity(); i++) {
            assertThat(parent.getByte(i)).as("sentinel %d", i).isEqualTo(SENTINEL);
        }
    }

    @Test
    void encodesAsTheJdkDoesForEveryLengthOffsetAndBufferKind() {
        Random random = new Random(11);
        for (int length = 0; length <= MAX_LENGTH; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            byte[] expected = Base64.getEncoder().encode(data);
            for (int sk = 0; sk < SOURCE_KINDS; sk++) {
                int offset = random.nextInt(17);
                int dk = (length + sk) % DESTINATION_KINDS;
                int prefix = random.nextInt(9);
                ByteBuf src = source(sk, data, offset);
                ByteBuf[] parent = new ByteBuf[1];
                ByteBuf dst = destination(dk, prefix, expected.length, parent);
                try {
                    int srcReader = src.readerIndex();
                    int srcWriter = src.writerIndex();
                    Base64Codec.encode(src, offset, length, dst);
                    assertThat(src.readerIndex()).isEqualTo(srcReader);
                    assertThat(src.writerIndex()).isEqualTo(srcWriter);
                    assertThat(dst.readerIndex()).isEqualTo(prefix > 0 ? 1 : 0);
                    assertThat(dst.writerIndex()).isEqualTo(prefix + expected.length);
                    byte[] written = new byte[expected.length];
                    dst.getBytes(prefix, written);
                    assertThat(written).as("length %d, source kind %d, destination kind %d", length, sk, dk)
                            .isEqualTo(expected);
                    for (int i = 0; i < prefix; i++) {
                        assertThat(dst.getByte(i)).isEqualTo((byte) '@');
                    }
                    assertSentinelsIntact(parent[0], prefix + expected.length);
                } finally {
                    src.release();
                    // A slice shares its parent's reference count: release one of them.
                    (parent[0] != null ? parent[0] : dst).release();
                }
            }
        }
    }

    @Test
    void decodesWhatTheJdkEncodesForEveryLengthOffsetAndBufferKind() {
        Random random = new Random(13);
        for (int length = 0; length <= MAX_LENGTH; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            byte[] text = Base64.getEncoder().encode(data);
            if (length % 7 == 3) {
                text = Base64.getEncoder().withoutPadding().encode(data);
            }
            char[] chars = new String(text, StandardCharsets.US_ASCII).toCharArray();
            int room = text.length / 4 * 3 + 3;
            for (int sk = 0; sk < SOURCE_KINDS + 2; sk++) {
                int offset = random.nextInt(17);
                int dk = (length + sk) % DESTINATION_KINDS;
                int prefix = random.nextInt(9);
                ByteBuf src = sk < SOURCE_KINDS ? source(sk, text, offset) : null;
                ByteBuf[] parent = new ByteBuf[1];
                ByteBuf dst = destination(dk, prefix, room, parent);
                try {
                    int n;
                    if (sk < SOURCE_KINDS) {
                        int srcReader = src.readerIndex();
                        n = Base64Codec.decode(src, offset, text.length, dst);
                        assertThat(src.readerIndex()).isEqualTo(srcReader);
                    } else if (sk == SOURCE_KINDS) {
                        byte[] padded = new byte[offset + text.length + 5];
                        System.arraycopy(text, 0, padded, offset, text.length);
                        n = Base64Codec.decode(padded, offset, text.length, dst);
                    } else {
                        char[] padded = new char[offset + chars.length + 5];
                        System.arraycopy(chars, 0, padded, offset, chars.length);
                        n = Base64Codec.decode(padded, offset, chars.length, dst);
                    }
                    String what = "length " + length + ", source kind " + sk + ", destination kind " + dk;
                    assertThat(n).as(what).isEqualTo(length);
                    assertThat(dst.readerIndex()).isEqualTo(prefix > 0 ? 1 : 0);
                    assertThat(dst.writerIndex()).isEqualTo(prefix + length);
                    byte[] written = new byte[length];
                    dst.getBytes(prefix, written);
                    assertThat(written).as(what).isEqualTo(data);
                    for (int i = 0; i < prefix; i++) {
                        assertThat(dst.getByte(i)).isEqualTo((byte) '@');
                    }
                    assertSentinelsIntact(parent[0], prefix + room);
                } finally {
                    if (src != null) {
                        src.release();
                    }
                    // A slice shares its parent's reference count: release one of them.
                    (parent[0] != null ? parent[0] : dst).release();
                }
            }
        }
    }

    /**
     * Random mixes of alphabet characters with padding, CR/LF, junk ASCII and chars above 255 anywhere: every path
     * gives exactly what the original one-character-at-a-time decoder gives, including -1 and an untouched
     * writer index.
     */
    @Test
    void agreesWithTheReferenceDecoderOnValidAndInvalidInput() {
        Random random = new Random(17);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int round = 0; round < 6_000; round++) {
            int length = random.nextInt(round % 10 == 0 ? 300 : 40);
            char[] chars = new char[length];
            int oddity = random.nextInt(4);
            for (int i = 0; i < length; i++) {
                chars[i] = alphabet.charAt(random.nextInt(64));
            }
            // Zero to three odd characters at random places, mostly near the end where padding lives.
            for (int k = random.nextInt(4); k > 0 && length > 0; k--) {
                int at = random.nextBoolean() ? length - 1 - random.nextInt(Math.min(length, 4))
                        : random.nextInt(length);
                char[] odd = {'=', '=', '\r', '\n', '*', ' ', '"', '\\', '\u00e9', '\u0141', (char) ('A' + 256)};
                chars[at] = odd[oddity == 0 ? random.nextInt(4) : random.nextInt(odd.length)];
            }
            byte[] expected = reference(chars, true);
            byte[] bytes = new byte[length];
            boolean ascii = true;
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) chars[i];
                ascii &= chars[i] < 128;
            }
            String what = new String(chars);
            assertDecodes(expected, dst -> Base64Codec.decode(chars, 0, length, dst), what);
            if (ascii) {
                assertDecodes(expected, dst -> Base64Codec.decode(bytes, 0, length, dst), what);
                assertDecodes(reference(chars, false), dst -> Base64Codec.decode(bytes, 0, length, dst, false),
                        what);
                ByteBuf src = source(round % SOURCE_KINDS, bytes, 3);
                try {
                    assertDecodes(expected, dst -> Base64Codec.decode(src, 3, length, dst), what);
                } finally {
                    src.release();
                }
            }
        }
    }

    private interface Decode {
        int into(ByteBuf dst);
    }

    private static void assertDecodes(byte[] expected, Decode decode, String what) {
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf dst = (direct ? Unpooled.directBuffer(8) : Unpooled.buffer(8)).writeByte(9);
            try {
                int n = decode.into(dst);
                if (expected == null) {
                    assertThat(n).as(what).isEqualTo(-1);
                    assertThat(dst.writerIndex()).as(what).isEqualTo(1);
                } else {
                    assertThat(n).as(what).isEqualTo(expected.length);
                    assertThat(ByteBufUtil.getBytes(dst, 1, n)).as(what).isEqualTo(expected);
                }
            } finally {
                dst.release();
            }
        }
    }

    /** The decoder as it was before the bulk paths: one character at a time; null for invalid input. */
    private static byte[] reference(char[] chars, boolean lineBreaks) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc = 0;
        int bits = 0;
        int pads = 0;
        for (char c : chars) {
            int v = alphabet.indexOf(c);
            if (v >= 0) {
                if (pads > 0) {
                    return null;
                }
                acc = acc << 6 | v;
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    out.write(acc >> bits);
                    acc &= (1 << bits) - 1;
                }
            } else if (c == '=') {
                pads++;
            } else if (!lineBreaks || (c != '\r' && c != '\n')) {
                return null;
            }
        }
        return pads > 2 || bits >= 6 ? null : out.toByteArray();
    }

    @Test
    void decodesWhatTheJdkEncodesWithLineBreaksAndWithoutPadding() {
        Random random = new Random(7);
        for (int length = 0; length < 64; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            String text = Base64.getEncoder().encodeToString(data);
            if (length % 3 == 0 && text.length() > 6) {
                // A CR LF in the middle sends the rest down the slow path.
                text = text.substring(0, 5) + "\r\n" + text.substring(5);
            }
            if (length % 5 == 0) {
                text = text.replace("=", "");
            }
            ByteBuf out = POOLED.directBuffer(4);
            ByteBuf src = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
            try {
                assertThat(Base64Codec.decode(text.toCharArray(), 0, text.length(), out)).isEqualTo(length);
                assertThat(Base64Codec.decode(src, 0, src.readableBytes(), out)).isEqualTo(length);
                byte[] both = ByteBufUtil.getBytes(out);
                assertThat(Arrays.copyOf(both, length)).as("length %d", length).isEqualTo(data);
                assertThat(Arrays.copyOfRange(both, length, 2 * length)).isEqualTo(data);
            } finally {
                out.release();
                src.release();
            }
        }
    }

    @Test
    void rejectsInvalidCharactersAnywhereAndLeavesTheBufferAsItWas() {
        String good = Base64.getEncoder().encodeToString(new byte[30]);
        for (int at = 0; at < good.length(); at++) {
            for (char bad : new char[] {'*', '\u00e9', '\u20ac', '='}) {
                if (bad == '=' && at >= good.length() - 2) {
                    continue; // padding there is legal
                }
                String text = good.substring(0, at) + bad + good.substring(at + 1);
                ByteBuf out = POOLED.directBuffer(64).writeByte(9);
                ByteBuf src = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
                try {
                    assertThat(Base64Codec.decode(text.toCharArray(), 0, text.length(), out)).as(text).isEqualTo(-1);
                    assertThat(out.writerIndex()).isEqualTo(1);
                    if (bad < 256) {
                        assertThat(Base64Codec.decode(src, 0, src.readableBytes(), out)).as(text).isEqualTo(-1);
                        assertThat(out.writerIndex()).isEqualTo(1);
                    }
                } finally {
                    out.release();
                    src.release();
                }
            }
        }
    }

    @Test
    void rejectsRangesOutsideTheSource() {
        ByteBuf src = Unpooled.buffer(10).writeZero(10);
        ByteBuf dst = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> Base64Codec.encode(src, 4, 7, dst)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Base64Codec.encode(src, -1, 2, dst)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Base64Codec.decode(src, 8, 3, dst)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> Base64Codec.decode(new byte[4], 2, 3, dst))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(dst.writerIndex()).isZero();
        } finally {
            src.release();
            dst.release();
        }
    }
}
