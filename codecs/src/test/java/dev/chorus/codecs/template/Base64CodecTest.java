package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding agrees with the JDK on every length, with line breaks and errors anywhere (fast and slow paths). */
class Base64CodecTest {
    @Test
    void decodesWhatTheJdkEncodesFromCharsAndBytes() {
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
            ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(4);
            ByteBuf src = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
            try {
                assertThat(Base64Codec.decode(text.toCharArray(), 0, text.length(), out)).isEqualTo(length);
                assertThat(Base64Codec.decode(src, 0, src.readableBytes(), out)).isEqualTo(length);
                byte[] both = ByteBufUtil.getBytes(out);
                assertThat(java.util.Arrays.copyOf(both, length)).as("length %d", length).isEqualTo(data);
                assertThat(java.util.Arrays.copyOfRange(both, length, 2 * length)).isEqualTo(data);
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
                ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeByte(9);
                try {
                    assertThat(Base64Codec.decode(text.toCharArray(), 0, text.length(), out)).as(text).isEqualTo(-1);
                    assertThat(out.writerIndex()).isEqualTo(1);
                } finally {
                    out.release();
                }
            }
        }
    }
}
