package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.config.ProtocolProfile;
import dev.chorus.engine.session.TextTemplate;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StreamCounterHandlerTest {
    private static String text(EmbeddedChannel ch) {
        TextWebSocketFrame f = WireFrames.next(ch);
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    /** The Twilio profile's own templates, through the real encoder: one sequence across start, media and marks. */
    @Test
    void numbersEveryMessageAndEveryChunkOfTheStream() {
        String media = (String) ProtocolProfile.TWILIO.keys().get("send_audio_template");
        StreamCounterHandler counters = new StreamCounterHandler(20, "MZ0", "CA0", "AC0");
        EmbeddedChannel ch = new EmbeddedChannel(new CallerAudioEncoder(MessageTemplate.compile(media, "audio_data"),
                MessageTemplate.compile("{{media_data}}", "media_data")), counters);
        String start = (String) ProtocolProfile.TWILIO.keys().get("initialization_json");
        // As the call resolves them: the profile's values first, then its own ({{call_id}}, {{test_case_id}}).
        TemplateValues call = (name, inside, out) -> counters.write(name, inside, out)
                || out.writeCharSequence("c-" + name, StandardCharsets.UTF_8) > 0;
        ch.writeAndFlush(new TextWebSocketFrame(TextTemplate.render(start, true, call)));
        assertThat(text(ch)).startsWith("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"MZ0\","
                + "\"start\":{\"accountSid\":\"AC0\",\"streamSid\":\"MZ0\",\"callSid\":\"CA0\"");
        CallerAudio frame = new CallerAudio();
        byte[] ulaw = new byte[160];
        for (int k = 1; k <= 3; k++) {
            ch.writeAndFlush(frame.set(Unpooled.wrappedBuffer(ulaw), 0, 160, counters));
            assertThat(text(ch)).startsWith("{\"event\":\"media\",\"sequenceNumber\":\"" + (k + 1)
                    + "\",\"streamSid\":\"MZ0\",\"media\":{\"track\":\"inbound\",\"chunk\":\"" + k
                    + "\",\"timestamp\":\"" + (k - 1) * 20 + "\",\"payload\":\"");
        }
        assertThat(TextTemplate.render("{\"seq\":\"{{sequence_number}}\"}", true, counters))
                .isEqualTo("{\"seq\":\"5\"}");
        assertFalse(ch.finish());
    }

    @Test
    void makesTwilioStyleIds() {
        StreamCounterHandler a = new StreamCounterHandler(20);
        StreamCounterHandler b = new StreamCounterHandler(20);
        assertThat(a.streamSid()).matches("MZ[0-9a-f]{32}").isNotEqualTo(b.streamSid());
        assertThat(TextTemplate.render("{{call_sid}} {{account_sid}}", false, a))
                .matches("CA[0-9a-f]{32} AC[0-9a-f]{32}");
    }
}
