package dev.chorus.codecs.template;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTemplateTest {
    @Test
    void base64MatchesTheJdkForEveryLength() {
        Random random = new Random(5);
        for (int n = 0; n <= 300; n++) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            for (boolean direct : new boolean[] {false, true}) {
                ByteBuf src = direct ? Unpooled.directBuffer(n).writeBytes(b) : Unpooled.wrappedBuffer(b);
                ByteBuf dst = direct ? Unpooled.directBuffer() : Unpooled.buffer();
                Base64Codec.encode(src, 0, n, dst);
                String expected = Base64.getEncoder().encodeToString(b);
                assertThat(dst.toString(StandardCharsets.US_ASCII)).isEqualTo(expected);
                ByteBuf back = Unpooled.buffer();
                assertThat(Base64Codec.decode(expected.toCharArray(), 0, expected.length(), back)).isEqualTo(n);
                assertThat(io.netty.buffer.ByteBufUtil.getBytes(back)).isEqualTo(b);
                back.clear();
                assertThat(Base64Codec.decode(dst, 0, dst.readableBytes(), back)).isEqualTo(n);
                src.release();
                dst.release();
                back.release();
            }
        }
        ByteBuf out = Unpooled.buffer();
        assertThat(Base64Codec.decode("ab$d".toCharArray(), 0, 4, out)).isEqualTo(-1);
        assertThat(Base64Codec.decode("QQ==QQ".toCharArray(), 0, 6, out)).isEqualTo(-1);
        assertThat(out.writerIndex()).isZero();
        out.release();
    }

    @Test
    void splitsOnceAndEncodesInPlace() {
        MessageTemplate t = MessageTemplate.compile(
                "{\"event\": \"media\", \"id\": \"{{ call_id }}\", \"seq\": {{seq}}, \"payload\": \"{{audio_data}}\"}",
                "audio_data");
        assertThat(t.isRawPayload()).isFalse();
        assertThat(t.placeholderNames()).containsExactly("call_id", "seq");
        TemplateValues values = (name, inside, out) -> {
            if (name.equals("call_id")) {
                assertThat(inside).isTrue();
                JsonText.writeJsonEscaped("a\"b\n", out);
                return true;
            }
            if (name.equals("seq")) {
                assertThat(inside).isFalse();
                JsonText.writeLong(-42, out);
                return true;
            }
            return false;
        };
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {9, 1, 2, 3, 9});
        ByteBuf out = Unpooled.buffer(t.encodedLengthUpperBound(3));
        t.encode(payload, 1, 3, values, out);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"event\": \"media\", \"id\": \"a\\\"b\\n\", \"seq\": -42, \"payload\": \"AQID\"}");
        assertThat(payload.readerIndex()).isZero();
        out.release();
        assertThat(t.render(values)).isEqualTo("{\"event\": \"media\", \"id\": \"a\\\"b\\n\", \"seq\": -42, \"payload\": \"\"}");
    }

    @Test
    void recognisesRawAndRejectsMissingPayload() {
        assertThat(MessageTemplate.compile(" {{ audio_data }} ", "audio_data").isRawPayload()).isTrue();
        assertThatThrownBy(() -> MessageTemplate.compile("{\"data\": \"{{audio}}\"}", "audio_data"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("{{audio_data}}");
        assertThatThrownBy(() -> MessageTemplate.compile("{\"data\": \"{{audio_data\"}", "audio_data"))
                .isInstanceOf(TemplateException.class);
    }
}
