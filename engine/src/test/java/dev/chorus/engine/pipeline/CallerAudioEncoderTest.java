package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.JsonText;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CallerAudioEncoderTest {
    private static final String DEFAULT_MEDIA =
            "{\"type\": \"media\", \"name\": \"{{media_name}}\", \"mime_type\": \"{{mime_type}}\", \"data\": \"{{media_data}}\"}";

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    private static final TemplateValues VALUES = (name, inside, out) -> {
        switch (name) {
            case "seq":
                JsonText.writeLong(17, out);
                return true;
            case "call_id":
                JsonText.writeJsonEscaped("c-\"1\"", out);
                return true;
            case "media_name":
                JsonText.writeJsonEscaped("receipt.png", out);
                return true;
            case "mime_type":
                JsonText.writeJsonEscaped("image/png", out);
                return true;
            default:
                return false;
        }
    };

    private static <T extends WebSocketFrame> T wire(EmbeddedChannel ch) {
        assertThat(ch.outboundMessages().peek()).as("a complete frame as bytes")
                .isInstanceOf(io.netty.buffer.ByteBuf.class);
        return WireFrames.next(ch);
    }

    /** Shared frames pre-encoded once per run give byte-identical messages to encoding each frame. */
    @Test
    void preencodedFramesGiveTheSameMessages() {
        MessageTemplate t = MessageTemplate.compile("{\"type\": \"audio\", \"seq\": {{seq}}, \"id\": \"{{call_id}}\", "
                + "\"data\": \"{{audio_data}}\"}", "audio_data");
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(t, MessageTemplate.compile(DEFAULT_MEDIA,
                "media_data")));
        io.netty.buffer.ByteBuf audio = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes(640 * 3)));
        io.netty.buffer.ByteBuf b64 = dev.chorus.engine.session.PreparedTestCase.base64Frames(audio, 640);
        for (int k = 0; k < 3; k++) {
            ch.writeAndFlush(new CallerAudio().set(audio, k * 640, 640, VALUES));
            TextWebSocketFrame plain = wire(ch);
            ch.writeAndFlush(new CallerAudio().set(audio, k * 640, 640, VALUES).base64(b64, k * 856, 856));
            TextWebSocketFrame pre = wire(ch);
            assertThat(pre.text()).isEqualTo(plain.text());
            plain.release();
            pre.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void writesTheDefaultTemplateWithBase64Audio() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{\"type\": \"audio_chunk\", \"data\": \"{{audio_data}}\"}", "audio_data"),
                MessageTemplate.compile(DEFAULT_MEDIA, "media_data")));
        byte[] source = bytes(2000);
        ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(source), 640, 640, VALUES));
        TextWebSocketFrame frame = wire(ch);
        byte[] expected = java.util.Arrays.copyOfRange(source, 640, 1280);
        assertThat(frame.text()).isEqualTo("{\"type\": \"audio_chunk\", \"data\": \""
                + Base64.getEncoder().encodeToString(expected) + "\"}");
        frame.release();
        assertFalse(ch.finish());
    }

    @Test
    void fillsOtherPlaceholdersEscaped() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{\"seq\": {{seq}}, \"call\": \"{{call_id}}\", \"audio\": \"{{audio_data}}\"}",
                        "audio_data"), MessageTemplate.compile(DEFAULT_MEDIA, "media_data")));
        ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 0, 3, VALUES));
        TextWebSocketFrame frame = wire(ch);
        assertThat(frame.text()).isEqualTo("{\"seq\": 17, \"call\": \"c-\\\"1\\\"\", \"audio\": \"AQID\"}");
        frame.release();
        assertFalse(ch.finish());
    }

    @Test
    void sendsRawBinaryWhenTheTemplateIsOnlyThePlaceholder() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{{audio_data}}", "audio_data"),
                MessageTemplate.compile("{{media_data}}", "media_data")));
        byte[] source = bytes(1000);
        ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(source), 100, 320, VALUES));
        BinaryWebSocketFrame frame = wire(ch);
        assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(java.util.Arrays.copyOfRange(source, 100, 420));
        frame.release();
        byte[] media = bytes(3 * 1024 * 1024);
        ch.writeAndFlush(new CallerMedia(Unpooled.wrappedBuffer(media), VALUES));
        BinaryWebSocketFrame mediaFrame = wire(ch);
        assertThat(ByteBufUtil.getBytes(mediaFrame.content())).isEqualTo(media);
        mediaFrame.release();
        assertFalse(ch.finish());
    }

    @Test
    void sendsMediaThroughItsTemplate() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{{audio_data}}", "audio_data"),
                MessageTemplate.compile(DEFAULT_MEDIA, "media_data")));
        byte[] media = bytes(5000);
        ch.writeAndFlush(new CallerMedia(Unpooled.wrappedBuffer(media), VALUES));
        TextWebSocketFrame frame = wire(ch);
        assertThat(frame.text()).isEqualTo("{\"type\": \"media\", \"name\": \"receipt.png\", \"mime_type\": "
                + "\"image/png\", \"data\": \"" + Base64.getEncoder().encodeToString(media) + "\"}");
        frame.release();
        assertFalse(ch.finish());
    }

    /** Payloads at the edges of the three length forms (7-bit, 16-bit, 64-bit) and of the 8-byte masking steps. */
    @Test
    void writesEveryLengthFormAndMasksEveryByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{{audio_data}}", "audio_data"),
                MessageTemplate.compile("{{media_data}}", "media_data")));
        byte[] source = bytes(70_000);
        for (int n : new int[] {0, 1, 7, 8, 9, 125, 126, 127, 65_535, 65_536, 70_000}) {
            ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(source), 0, n, VALUES));
            BinaryWebSocketFrame frame = wire(ch);
            assertThat(ByteBufUtil.getBytes(frame.content())).as("payload of %d bytes", n)
                    .isEqualTo(java.util.Arrays.copyOf(source, n));
            frame.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void headerIsTheShortestFormAndTheMaskBitIsSet() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{\"d\": \"{{audio_data}}\"}", "audio_data"),
                MessageTemplate.compile("{{media_data}}", "media_data")));
        ch.writeAndFlush(new CallerAudio().set(Unpooled.wrappedBuffer(bytes(90)), 0, 90, VALUES));
        io.netty.buffer.ByteBuf out = ch.readOutbound();
        // 90 bytes -> 120 base64 + 9 literal = 129 payload bytes: the 16-bit length form, 8 header bytes in all.
        assertThat(out.readableBytes()).isEqualTo(8 + 129);
        assertThat(out.getByte(out.readerIndex()) & 0xFF).as("FIN, text").isEqualTo(0x81);
        assertThat(out.getByte(out.readerIndex() + 1) & 0xFF).as("mask bit, 126").isEqualTo(0x80 | 126);
        assertThat(out.getUnsignedShort(out.readerIndex() + 2)).isEqualTo(129);
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void passesOtherWritesThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(
                MessageTemplate.compile("{{audio_data}}", "audio_data"),
                MessageTemplate.compile("{{media_data}}", "media_data")));
        ch.writeAndFlush(new TextWebSocketFrame("{\"init\":true}"));
        TextWebSocketFrame frame = ch.readOutbound();
        assertThat(frame.text()).isEqualTo("{\"init\":true}");
        frame.release();
        assertFalse(ch.finish());
    }
}
