package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Writes complete client-to-server WebSocket frames (RFC 6455 §5.2) into one buffer: the payload is written first,
 * after room for the largest header, then the header is put right in front of it and the payload masked in place,
 * so a frame costs one pooled buffer and no frame object, and Netty's WebSocket encoder lets the bytes pass.
 *
 * <pre>
 *   |<------ MAX_HEADER_BYTES reserved ------>|
 *   [ unused ][FIN|op][M|len][ext len][mask key][ payload, masked in place ... ]
 *             ^ readerIndex after finish       ^ payloadIndex                  ^ writerIndex
 * </pre>
 *
 * Stateless; thread-safe.
 */
final class MaskedFrames {
    /** Largest header: 2 bytes, an 8-byte extended length and the 4-byte masking key. */
    static final int MAX_HEADER_BYTES = 14;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;

    private MaskedFrames() {
    }

    /** Reserves the header room at {@code out}'s writer index; returns where the payload starts. */
    static int reserveHeader(ByteBuf out) {
        int payloadIndex = out.writerIndex() + MAX_HEADER_BYTES;
        out.writerIndex(payloadIndex);
        return payloadIndex;
    }

    /** Header bytes of a masked frame with {@code payloadBytes} of payload. */
    static int headerBytes(long payloadBytes) {
        return (payloadBytes < 126 ? 2 : payloadBytes <= 0xFFFF ? 4 : 10) + 4;
    }

    /**
     * Ends a single-fragment frame whose payload runs from {@code payloadIndex} (from {@link #reserveHeader}) to the
     * writer index: writes the header just before the payload, masks the payload with {@code maskKey}, and moves the
     * reader index to the header. {@code out} then holds exactly the frame.
     */
    static void finish(ByteBuf out, int payloadIndex, int opcode, int maskKey) {
        int end = out.writerIndex();
        int length = end - payloadIndex;
        int h = payloadIndex - headerBytes(length);
        out.setByte(h, 0x80 | opcode);
        if (length < 126) {
            out.setByte(h + 1, 0x80 | length);
        } else if (length <= 0xFFFF) {
            out.setByte(h + 1, 0x80 | 126);
            out.setShort(h + 2, length);
        } else {
            out.setByte(h + 1, 0x80 | 127);
            out.setLong(h + 2, length);
        }
        out.setInt(payloadIndex - 4, maskKey);
        out.readerIndex(h);
        mask(out, payloadIndex, end, maskKey);
    }

    /** XORs bytes [from, to) with the key, byte j of the payload with key byte j mod 4 (§5.3). */
    static void mask(ByteBuf out, int from, int to, int maskKey) {
        long key8 = ((long) maskKey << 32) | (maskKey & 0xFFFFFFFFL);
        int i = from;
        for (int last = to - 8; i <= last; i += 8) {
            out.setLong(i, out.getLong(i) ^ key8);
        }
        for (; i < to; i++) {
            out.setByte(i, out.getByte(i) ^ (maskKey >>> (24 - 8 * ((i - from) & 3))));
        }
    }
}
