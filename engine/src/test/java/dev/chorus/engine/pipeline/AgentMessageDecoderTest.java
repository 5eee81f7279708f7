package dev.chorus.engine.pipeline;

import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.template.DotPath;
import dev.chorus.codecs.template.InboundMessageScanner;
import dev.chorus.engine.config.AudioEncoding;
import dev.chorus.engine.session.ErrorClass;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AgentMessageDecoderTest {
    private final Collector out = new Collector();

    private EmbeddedChannel channel(AudioEncoding encoding, int channels) {
        InboundMessageScanner scanner = new InboundMessageScanner(DotPath.parse("type"), "audio_chunk",
                DotPath.parse("data"), List.of(DotPath.parse("session_id"), DotPath.parse("text")));
        return new EmbeddedChannel(new WebSocketFrameAggregator(1 << 20),
                new AgentMessageDecoder(scanner, encoding, channels, () -> 42L), out);
    }

    private static byte[] pcm(int samples) {
        byte[] b = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            short s = (short) (i * 37 - 1000);
            b[2 * i] = (byte) s;
            b[2 * i + 1] = (byte) (s >> 8);
        }
        return b;
    }

    private static String audioJson(byte[] bytes) {
        return "{\"type\": \"audio_chunk\", \"data\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
    }

    @Test
    void decodesJsonAudioIntoPcm() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        byte[] bytes = pcm(480);
        ch.writeInbound(new TextWebSocketFrame(audioJson(bytes)));
        assertThat(out.audio).singleElement().isEqualTo(bytes);
        assertThat(out.arrivals).containsExactly(42L);
        assertFalse(ch.finish());
    }

    @Test
    void joinsAFragmentedTextMessage() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        byte[] bytes = pcm(960);
        byte[] json = audioJson(bytes).getBytes(StandardCharsets.UTF_8);
        int a = 7;
        int b = json.length / 2;
        ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(json, 0, a)));
        ch.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(json, a, b - a)));
        assertThat(out.audio).isEmpty();
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(json, b, json.length - b)));
        assertThat(out.audio).singleElement().isEqualTo(bytes);
        assertFalse(ch.finish());
    }

    @Test
    void takesBinaryFramesAsRawAudio() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        byte[] bytes = pcm(160);
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        assertThat(out.audio).singleElement().isEqualTo(bytes);
        assertFalse(ch.finish());
    }

    @Test
    void mixesStereoToMono() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 2);
        byte[] stereo = new byte[8];
        ByteBuf b = Unpooled.wrappedBuffer(stereo).writerIndex(0);
        b.writeShortLE(1000).writeShortLE(3000).writeShortLE(-100).writeShortLE(-300);
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(stereo)));
        ByteBuf mono = Unpooled.wrappedBuffer(out.audio.get(0));
        assertThat(mono.readShortLE()).isEqualTo((short) 2000);
        assertThat(mono.readShortLE()).isEqualTo((short) -200);
        assertFalse(ch.finish());
    }

    @Test
    void expandsMuLaw() {
        EmbeddedChannel ch = channel(AudioEncoding.ULAW, 1);
        byte[] ulaw = {G711.linearToUlaw((short) 1000), G711.linearToUlaw((short) -8000)};
        ch.writeInbound(new TextWebSocketFrame(audioJson(ulaw)));
        ByteBuf pcm = Unpooled.wrappedBuffer(out.audio.get(0));
        assertThat(pcm.readShortLE()).isEqualTo(G711.ulawToLinear(ulaw[0]));
        assertThat(pcm.readShortLE()).isEqualTo(G711.ulawToLinear(ulaw[1]));
        assertFalse(ch.finish());
    }

    @Test
    void turnsOtherJsonIntoAgentMessages() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"session_ready\",\"session_id\":\"s-1\"}"));
        ch.writeInbound(new TextWebSocketFrame("{\"text\":\"Hello\",\"type\":\"agent_transcript\"}"));
        assertThat(out.messages).containsExactly(new AgentMessage("session_ready", "s-1", null, 42),
                new AgentMessage("agent_transcript", null, "Hello", 42));
        assertFalse(ch.finish());
    }

    @Test
    void reportsInvalidJsonAndGoesOn() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        ch.writeInbound(new TextWebSocketFrame("{not json"));
        ch.writeInbound(new TextWebSocketFrame(audioJson(pcm(10))));
        assertThat(out.problems).singleElement().satisfies(p ->
                assertThat(p.errorClass()).isEqualTo(ErrorClass.INVALID_JSON));
        assertThat(out.audio).hasSize(1);
        assertFalse(ch.finish());
    }

    @Test
    void reportsUndecodableAudio() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"audio_chunk\",\"data\":\"@@@not base64@@@\"}"));
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[3])));
        assertThat(out.problems).extracting(AgentProblem::errorClass)
                .containsExactly(ErrorClass.INVALID_AUDIO, ErrorClass.INVALID_AUDIO);
        assertThat(out.audio).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void passesControlFramesOn() {
        EmbeddedChannel ch = channel(AudioEncoding.PCM, 1);
        ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        assertThat(out.others).hasSize(1);
        assertFalse(ch.finish());
    }

    /** Copies and releases what the decoder emits. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final List<byte[]> audio = new ArrayList<>();
        final List<Long> arrivals = new ArrayList<>();
        final List<AgentMessage> messages = new ArrayList<>();
        final List<AgentProblem> problems = new ArrayList<>();
        final List<Object> others = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof AgentAudio) {
                AgentAudio a = (AgentAudio) msg;
                audio.add(ByteBufUtil.getBytes(a.pcm()));
                arrivals.add(a.arrivalNanos());
                a.pcm().release();
            } else if (msg instanceof AgentMessage) {
                messages.add((AgentMessage) msg);
            } else if (msg instanceof AgentProblem) {
                problems.add((AgentProblem) msg);
            } else {
                others.add(msg);
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
