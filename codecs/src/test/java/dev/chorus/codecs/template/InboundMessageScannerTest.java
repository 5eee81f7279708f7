package dev.chorus.codecs.template;

import dev.chorus.codecs.template.InboundMessageScanner.Kind;
import dev.chorus.codecs.template.InboundMessageScanner.ScanResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InboundMessageScannerTest {
    private final ByteBuf audio = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    private ByteBuf json;

    @AfterEach
    void release() {
        audio.release();
        if (json != null) {
            json.release();
        }
    }

    private ScanResult scan(InboundMessageScanner scanner, String text, boolean direct) {
        if (json != null) {
            json.release();
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        json = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes)
                : Unpooled.wrappedBuffer(bytes);
        return scanner.scan(json, json.readerIndex(), json.readableBytes(), audio);
    }

    private static InboundMessageScanner scanner(String type, String data) {
        return new InboundMessageScanner(DotPath.parse(type), "audio_chunk", DotPath.parse(data),
                List.of(DotPath.parse("session_id"), DotPath.parse("text")));
    }

    @Test
    void decodesTopLevelAudioInAnyFieldOrder() {
        byte[] pcm = {1, 2, 3, 4, 5};
        String b64 = Base64.getEncoder().encodeToString(pcm);
        InboundMessageScanner s = scanner("type", "data");
        for (String text : new String[] {"{\"type\":\"audio_chunk\",\"data\":\"" + b64 + "\"}",
            "{\"data\":\"" + b64 + "\",\"extra\":{\"a\":[1,2,{\"b\":3}]},\"type\":\"audio_chunk\"}"}) {
            for (boolean direct : new boolean[] {false, true}) {
                audio.clear();
                ScanResult r = scan(s, text, direct);
                assertThat(r.kind()).isEqualTo(Kind.AUDIO);
                assertThat(r.audioBytes()).isEqualTo(5);
                assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(pcm);
            }
        }
    }

    @Test
    void decodesNestedAndArrayPaths() {
        byte[] pcm = new byte[3000];
        new java.util.Random(3).nextBytes(pcm);
        String b64 = Base64.getEncoder().encodeToString(pcm);
        InboundMessageScanner s = scanner("serverContent.kind", "serverContent.parts.1.inlineData.data");
        ScanResult r = scan(s, "{\"serverContent\":{\"kind\":\"audio_chunk\",\"parts\":[{\"text\":\"hi\"},"
                + "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"" + b64 + "\"}}]}}", true);
        assertThat(r.kind()).isEqualTo(Kind.AUDIO);
        assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(pcm);
    }

    @Test
    void rollsBackTentativeAudioOfOtherMessages() {
        InboundMessageScanner s = scanner("type", "data");
        ScanResult r = scan(s, "{\"data\":\"AQID\",\"type\":\"transcript\",\"text\":\"Hello\",\"session_id\":7}", false);
        assertThat(r.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(r.type()).isEqualTo("transcript");
        assertThat(r.value(0)).isEqualTo("7");
        assertThat(r.value(1)).isEqualTo("Hello");
        assertThat(audio.writerIndex()).isZero();
    }

    @Test
    void reportsInvalidJsonAndInvalidAudio() {
        InboundMessageScanner s = scanner("type", "data");
        assertThat(scan(s, "{not json", false).kind()).isEqualTo(Kind.INVALID_JSON);
        assertThat(scan(s, "{\"type\":\"x\"} trailing", false).kind()).isEqualTo(Kind.INVALID_JSON);
        assertThat(scan(s, "{\"type\":\"audio_chunk\",\"data\":\"*bad*\"}", false).kind()).isEqualTo(Kind.INVALID_AUDIO);
        assertThat(scan(s, "{\"type\":\"audio_chunk\",\"data\":42}", false).kind()).isEqualTo(Kind.INVALID_AUDIO);
        assertThat(scan(s, "{\"type\":\"audio_chunk\"}", false).kind()).isEqualTo(Kind.INVALID_AUDIO);
        assertThat(audio.writerIndex()).isZero();
        ScanResult r = scan(s, "[1,2]", false);
        assertThat(r.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(r.type()).isNull();
    }

    /** One parser serves the connection; a bad message must not leak into the next one. */
    @Test
    void keepsGoingAfterTruncatedAndTrailingMessages() {
        InboundMessageScanner s = scanner("type", "data");
        String good = "{\"type\":\"audio_chunk\",\"data\":\"AQID\"}";
        String[] bad = {
            "{\"type\":\"audio_chunk\",\"data\":\"AQID\"",
            "{\"type\":\"x\"} \"ab",
            "{\"type\":\"x\"} tru",
            "{\"type\":\"x\"}{\"type\":\"y\"}",
            "{\"skip\":{\"deep\":[1,2,",
            "{\"type\":\"audio_chunk\",\"data\":\"AQ"};
        for (String b : bad) {
            for (boolean direct : new boolean[] {false, true}) {
                audio.clear();
                assertThat(scan(s, b, direct).kind()).as(b).isEqualTo(Kind.INVALID_JSON);
                assertThat(audio.writerIndex()).isZero();
                ScanResult r = scan(s, good, direct);
                assertThat(r.kind()).as("after %s", b).isEqualTo(Kind.AUDIO);
                assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(new byte[] {1, 2, 3});
            }
        }
        assertThat(scan(s, "  42 ", false).kind()).isEqualTo(Kind.MESSAGE);
        assertThat(scan(s, "", false).kind()).isEqualTo(Kind.INVALID_JSON);
        audio.clear();
        for (int i = 0; i < 1000; i++) {
            assertThat(scan(s, " " + good + "\n", i % 2 == 0).kind()).isEqualTo(Kind.AUDIO);
        }
        assertThat(audio.writerIndex()).isEqualTo(3000);
    }

    @Test
    void reportsTheOffsetWithinTheMessage() {
        InboundMessageScanner s = scanner("type", "data");
        scan(s, "{\"type\":\"x\"}", false);
        ScanResult r = scan(s, "{\"type\":\"x\"}  x", false);
        assertThat(r.errorMessage()).isEqualTo("trailing content after the JSON value at offset 14");
        r = scan(s, "{\"type\": ]", false);
        assertThat(r.kind()).isEqualTo(Kind.INVALID_JSON);
        assertThat(r.errorMessage()).endsWith("at offset 9");
    }

    /** OpenAI Realtime names its audio deltas two ways (GA and beta); both are audio. */
    @Test
    void acceptsAnyOfSeveralAudioTypeValues() {
        InboundMessageScanner s = new InboundMessageScanner(DotPath.parse("type"),
                List.of("response.output_audio.delta", "response.audio.delta"), DotPath.parse("delta"), List.of(),
                List.of());
        for (String type : new String[] {"response.output_audio.delta", "response.audio.delta"}) {
            audio.clear();
            ScanResult r = scan(s, "{\"type\":\"" + type + "\",\"response_id\":\"r1\",\"delta\":\"AQID\"}", true);
            assertThat(r.kind()).as(type).isEqualTo(Kind.AUDIO);
            assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(new byte[] {1, 2, 3});
        }
        ScanResult r = scan(s, "{\"type\":\"response.audio_transcript.delta\",\"delta\":\"AQID\"}", false);
        assertThat(r.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(r.type()).isEqualTo("response.audio_transcript.delta");
    }

    /** ElevenLabs' caller audio has no type field: the data key alone marks it. */
    @Test
    void withoutAudioTypeValuesDataAtThePathIsAudio() {
        InboundMessageScanner s = new InboundMessageScanner(DotPath.parse("type"), List.of(),
                DotPath.parse("user_audio_chunk"), List.of(), List.of());
        ScanResult r = scan(s, "{\"user_audio_chunk\":\"AQID\"}", false);
        assertThat(r.kind()).isEqualTo(Kind.AUDIO);
        assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(new byte[] {1, 2, 3});
        audio.clear();
        r = scan(s, "{\"type\":\"pong\",\"event_id\":3}", true);
        assertThat(r.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(r.type()).isEqualTo("pong");
        assertThat(scan(s, "{\"user_audio_chunk\":7}", false).kind()).isEqualTo(Kind.INVALID_AUDIO);
    }

    /** Gemini Live says what a message is by which keys it has, some of them empty objects. */
    @Test
    void reportsWhichPresencePathsAMessageHas() {
        List<DotPath> kinds = List.of(DotPath.parse("setupComplete"), DotPath.parse("serverContent.interrupted"),
                DotPath.parse("serverContent.turnComplete"), DotPath.parse("toolCall"));
        InboundMessageScanner s = new InboundMessageScanner(
                DotPath.parse("serverContent.modelTurn.parts.0.inlineData.mimeType"), List.of("audio/pcm;rate=24000"),
                DotPath.parse("serverContent.modelTurn.parts.0.inlineData.data"), List.of(DotPath.parse("text")),
                kinds);
        ScanResult r = scan(s, "{\"setupComplete\": {}}", true);
        assertThat(r.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(r.type()).isNull();
        assertThat(new boolean[] {r.present(0), r.present(1), r.present(2), r.present(3)})
                .containsExactly(true, false, false, false);
        r = scan(s, "{\"serverContent\": {\"interrupted\": true, \"turnComplete\": false}}", false);
        assertThat(new boolean[] {r.present(0), r.present(1), r.present(2), r.present(3)})
                .containsExactly(false, true, false, false);
        r = scan(s, "{\"toolCall\": {\"functionCalls\": [{\"id\": \"f\"}]}, \"setupComplete\": null}", false);
        assertThat(new boolean[] {r.present(0), r.present(1), r.present(2), r.present(3)})
                .containsExactly(false, false, false, true);
        r = scan(s, "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
                + "\"audio/pcm;rate=24000\",\"data\":\"AQID\"}}]},\"turnComplete\":true}}", true);
        assertThat(r.kind()).isEqualTo(Kind.AUDIO);
        assertThat(r.present(2)).as("audio messages report no presence").isFalse();
        assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(new byte[] {1, 2, 3});
    }
}
