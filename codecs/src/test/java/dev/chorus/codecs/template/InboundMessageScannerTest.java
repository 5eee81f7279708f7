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
    void scannersOfOneThreadShareTheParserAndAnswerAsAlone() {
        // Two connections' scanners on one thread, their messages interleaved, one of them broken mid-object and
        // one a long audio message (the long-string shortcut feeds the shared parser in pieces).
        byte[] pcm = new byte[960];
        new java.util.Random(5).nextBytes(pcm);
        String b64 = Base64.getEncoder().encodeToString(pcm);
        InboundMessageScanner a = new InboundMessageScanner(DotPath.parse("type"), "audio_chunk",
                DotPath.parse("data"), List.of(DotPath.parse("session_id")));
        InboundMessageScanner b = new InboundMessageScanner(DotPath.parse("event"), "media",
                DotPath.parse("media.payload"), List.of(DotPath.parse("streamSid")));
        for (int round = 0; round < 3; round++) {
            audio.clear();
            ScanResult ra = scan(a, "{\"type\":\"audio_chunk\",\"data\":\"" + b64 + "\"}", round % 2 == 0);
            assertThat(ra.kind()).isEqualTo(Kind.AUDIO);
            assertThat(ByteBufUtil.getBytes(audio)).isEqualTo(pcm);
            ScanResult broken = scan(b, "{\"event\":\"media\",\"media\":{\"payload\":", true);
            assertThat(broken.kind()).isEqualTo(Kind.INVALID_JSON);
            ScanResult rb = scan(b, "{\"event\":\"start\",\"streamSid\":\"MZ1\"}", false);
            assertThat(rb.kind()).isEqualTo(Kind.MESSAGE);
            assertThat(rb.type()).isEqualTo("start");
            assertThat(rb.value(0)).isEqualTo("MZ1");
            ScanResult ra2 = scan(a, "{\"type\":\"session\",\"session_id\":42}", true);
            assertThat(ra2.kind()).isEqualTo(Kind.MESSAGE);
            assertThat(ra2.value(0)).isEqualTo("42");
            ScanResult trailing = scan(a, "{\"type\":\"x\"} {\"type\"", false);
            assertThat(trailing.kind()).isEqualTo(Kind.INVALID_JSON);
            assertThat(scan(b, "{\"event\":\"stop\"}", true).type()).isEqualTo("stop");
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

    /**
     * The long-string shortcut changes nothing: random messages with long base64 and text in every place (audio,
     * other values, skipped subtrees, keys, after the root), spoilt in every way jackson or the decoder notices
     * (raw and escaped line breaks, control and non-ASCII bytes, junk, lost padding, truncation, trailing content),
     * give the same kind, type, values, audio and error message as a scanner that hands jackson everything, fed the
     * same sequence on one connection each.
     */
    @Test
    void longStringShortcutGivesJacksonsAnswerForEveryMessage() {
        java.util.Random random = new java.util.Random(23);
        List<DotPath> values = List.of(DotPath.parse("session_id"), DotPath.parse("text"));
        InboundMessageScanner fast = new InboundMessageScanner(DotPath.parse("type"), "audio_chunk",
                DotPath.parse("data"), values, true);
        InboundMessageScanner reference = new InboundMessageScanner(DotPath.parse("type"), "audio_chunk",
                DotPath.parse("data"), values, false);
        ByteBuf referenceAudio = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            int audioMessages = 0;
            for (int round = 0; round < 3000; round++) {
                String text = randomMessage(random);
                boolean direct = random.nextBoolean();
                audio.clear();
                referenceAudio.clear().writeByte(7);
                audio.writeByte(7);
                ScanResult r = scan(fast, text, direct);
                ScanResult e = reference.scan(json, json.readerIndex(), json.readableBytes(), referenceAudio);
                String what = text.length() > 300 ? text.substring(0, 150) + "…" + text.substring(text.length() - 150)
                        : text;
                assertThat(r.kind()).as(what).isEqualTo(e.kind());
                assertThat(r.type()).as(what).isEqualTo(e.type());
                assertThat(r.value(0)).as(what).isEqualTo(e.value(0));
                assertThat(r.value(1)).as(what).isEqualTo(e.value(1));
                assertThat(comparable(r.errorMessage())).as(what).isEqualTo(comparable(e.errorMessage()));
                assertThat(r.audioBytes()).as(what).isEqualTo(e.audioBytes());
                assertThat(ByteBufUtil.getBytes(audio)).as(what).isEqualTo(ByteBufUtil.getBytes(referenceAudio));
                if (r.kind() == Kind.AUDIO) {
                    audioMessages++;
                }
            }
            assertThat(audioMessages).as("enough messages are audio").isGreaterThan(600);
        } finally {
            referenceAudio.release();
        }
    }

    /**
     * An error message without its offset when jackson raised it inside a string value: there the offset jackson
     * reports depends on the size of the text buffer its thread's recycler hands out (the same message on a fresh
     * parser said offset 201, 1126 and 1452 in turn), with or without the shortcut.
     */
    private static String comparable(String errorMessage) {
        if (errorMessage != null && (errorMessage.contains("string value") || errorMessage.contains("UTF-8"))) {
            return errorMessage.replaceFirst(" at offset \\d+$", " at offset …");
        }
        return errorMessage;
    }

    private static String randomMessage(java.util.Random random) {
        String b64 = spoil(random, base64(random, 96 + random.nextInt(1500)));
        String other = random.nextInt(3) == 0 ? spoil(random, base64(random, 100 + random.nextInt(300)))
                : longText(random);
        String ws = random.nextInt(4) == 0 ? " \n\t " : "";
        String m;
        switch (random.nextInt(14)) {
            case 0:
                m = "{\"data\":" + ws + "\"" + b64 + "\"" + ws + ",\"type\":\"audio_chunk\"}";
                break;
            case 1:
                m = "{\"data\":\"" + b64 + "\",\"type\":\"transcript\",\"text\":\"hi\",\"session_id\":\"s\"}";
                break;
            case 2:
                m = "{\"type\":\"audio_chunk\",\"meta\":{\"x\":[\"" + other + "\"]},\"data\":\"" + b64 + "\"}";
                break;
            case 3:
                m = "{\"type\":\"transcript\",\"text\":\"" + other + "\",\"session_id\":7}";
                break;
            case 4:
                m = "[\"" + b64 + "\", 1, {\"type\":\"audio_chunk\"}]";
                break;
            case 5:
                m = "{\"" + b64 + "\":" + ws + "1,\"type\":\"audio_chunk\",\"data\":\"AQID\"}";
                break;
            case 6:
                m = "{\"type\":\"audio_chunk\"},\"" + b64 + "\"";
                break;
            case 7:
                m = "{\"type\":\"" + other + "\",\"data\":\"" + b64 + "\"}";
                break;
            case 8:
                m = "{\"type\":\"audio_chunk\",\"session_id\":\"" + other + "\",\"data\":\"" + b64 + "\"}";
                break;
            case 9:
                m = "{\"type\":\"audio_chunk\",\"data\":\"" + b64 + "\"} " + (random.nextBoolean() ? "x" : "\"ab");
                break;
            case 10:
                m = "{\"type\":\"audio_chunk\",\"data\":[\"" + b64 + "\"]}";
                break;
            case 11:
                m = "{\"type\":\"audio_chunk\",\"data\":\"" + b64 + "\",\"data\":\"" + other + "\"}";
                break;
            default:
                m = "{\"type\":" + ws + "\"audio_chunk\"," + ws + "\"data\":" + ws + "\"" + b64 + "\"" + ws + "}";
        }
        if (random.nextInt(12) == 0) {
            m = m.substring(0, random.nextInt(m.length())); // truncated
        }
        return m;
    }

    private static String base64(java.util.Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static String longText(java.util.Random random) {
        StringBuilder sb = new StringBuilder();
        for (int n = 130 + random.nextInt(200); sb.length() < n; ) {
            sb.append("the agent said something rather long ");
        }
        return sb.toString();
    }

    /** Usually nothing; else one change somewhere: what jackson or the base64 decoder may object to, or may not. */
    private static String spoil(java.util.Random random, String b64) {
        if (random.nextInt(3) != 0) {
            return b64;
        }
        String[] insert = {"\r\n", "\\r\\n", "\\/", "*", "\u0001", "\u00e9", "\u007f", " ", "\\u0041", "=", "\t"};
        int at = random.nextInt(b64.length() + 1);
        switch (random.nextInt(4)) {
            case 0:
                return b64.replace("=", "");
            case 1:
                return b64.substring(0, at);
            default:
                return b64.substring(0, at) + insert[random.nextInt(insert.length)] + b64.substring(at);
        }
    }
}
