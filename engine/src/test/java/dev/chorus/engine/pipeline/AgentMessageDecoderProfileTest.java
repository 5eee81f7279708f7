package dev.chorus.engine.pipeline;

import dev.chorus.engine.session.CompiledAgent;
import dev.chorus.engine.testing.Fixtures;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The decoder as the profiles set it up: typeless messages, JSON in binary frames, two audio types, captures. */
class AgentMessageDecoderProfileTest {
    private final AgentMessageDecoderTest.Collector out = new AgentMessageDecoderTest.Collector();

    private EmbeddedChannel channel(String profile) throws Exception {
        CompiledAgent agent = CompiledAgent.compile(Fixtures.agent("wss://agent.example/ws",
                "\"profile\": \"" + profile + "\"", Path.of(".")));
        return new EmbeddedChannel(new AgentMessageDecoder(agent.newScanner(), agent.config().audioEncoding(),
                agent.config().receiveAudioChannels(), agent.captureCount(), agent.config().receiveSampleRateHz(),
                agent.kindNames(), agent.config().protocolProfile().binaryFramesCarryJson(), () -> 7L), out);
    }

    private static BinaryWebSocketFrame binary(String json) {
        return new BinaryWebSocketFrame(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    @Test
    void geminiMessagesInBinaryFramesAreNamedByTheKeysTheyHave() throws Exception {
        EmbeddedChannel ch = channel("gemini_live");
        ch.writeInbound(binary("{\"setupComplete\": {}}"));
        ch.writeInbound(binary("{\"serverContent\": {\"modelTurn\": {\"parts\": [{\"inlineData\": "
                + "{\"mimeType\": \"audio/pcm;rate=24000\", \"data\": \"AQIDBA==\"}}]}}}"));
        ch.writeInbound(new TextWebSocketFrame("{\"serverContent\": {\"interrupted\": true}}"));
        ch.writeInbound(binary("{\"serverContent\": {\"turnComplete\": true}, \"usageMetadata\": {\"x\": 1}}"));
        ch.writeInbound(binary("{\"somethingNew\": 1}"));
        ch.writeInbound(binary("not json"));
        assertThat(out.messages).extracting(AgentMessage::type).containsExactly("setupComplete",
                "serverContent.interrupted", "serverContent.turnComplete", null);
        assertThat(out.audio).singleElement().isEqualTo(new byte[] {1, 2, 3, 4});
        assertThat(out.problems).singleElement().satisfies(p -> assertThat(p.errorClass().wireName())
                .isEqualTo("invalid_json"));
        assertFalse(ch.finish());
    }

    @Test
    void openAiAudioComesUnderBothDeltaTypes() throws Exception {
        EmbeddedChannel ch = channel("openai_realtime");
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"response.output_audio.delta\",\"delta\":\"AQI=\"}"));
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"response.audio.delta\",\"delta\":\"AwQ=\"}"));
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"response.done\"}"));
        assertThat(out.audio).containsExactly(new byte[] {1, 2}, new byte[] {3, 4});
        assertThat(out.messages).extracting(AgentMessage::type).containsExactly("response.done");
        assertFalse(ch.finish());
    }

    @Test
    void elevenLabsPingsCarryTheirIdsAndBinaryFramesStayAudioElsewhere() throws Exception {
        EmbeddedChannel ch = channel("elevenlabs");
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"ping_event\":{\"event_id\":12,\"ping_ms\":5}}"));
        ch.writeInbound(new TextWebSocketFrame("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"AQI=\","
                + "\"event_id\":3}}"));
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {5, 6})));
        assertThat(out.messages).singleElement().satisfies(m -> {
            assertThat(m.type()).isEqualTo("ping");
            assertThat(m.captures()).containsExactly("12");
        });
        assertThat(out.audio).containsExactly(new byte[] {1, 2}, new byte[] {5, 6});
        assertFalse(ch.finish());
    }
}
