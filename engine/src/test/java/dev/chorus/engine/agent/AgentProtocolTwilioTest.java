package dev.chorus.engine.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Twilio server side's per-frame media check: a message in the caller's usual shape is read without a tree, and
 * every other shape or counter goes through the tree, which records exactly what it did before.
 */
class AgentProtocolTwilioTest {
    /** 20 ms of μ-law at 8 kHz, as the caller's scanner decoded it. */
    private static final int PAYLOAD_BYTES = 160;

    private EmbeddedChannel ch;
    private ObservedCall call;
    private AgentProtocol.Twilio twilio;

    @BeforeEach
    void open() {
        ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        call = new AgentObservations().newCall();
        twilio = new AgentProtocol.Twilio(ReferenceAgentOptions.builder().profile("twilio").build(),
                ch.pipeline().firstContext(), call, "ref-1");
        text("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
        text("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"MZ1\",\"start\":{\"streamSid\":\"MZ1\"}}");
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    private void text(String json) {
        twilio.text(json, AgentProtocol.parse(json), System.nanoTime());
    }

    private void media(String json) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            b.writeCharSequence(json, StandardCharsets.UTF_8);
            twilio.audioMessage(b, PAYLOAD_BYTES, System.nanoTime());
        } finally {
            b.release();
        }
    }

    /** The caller's own template (ProtocolProfile.TWILIO's send_audio_template). */
    private static String usual(String seq, String chunk, String timestamp) {
        return "{\"event\":\"media\",\"sequenceNumber\":\"" + seq + "\",\"streamSid\":\"MZ1\",\"media\":{\"track\":"
                + "\"inbound\",\"chunk\":\"" + chunk + "\",\"timestamp\":\"" + timestamp + "\",\"payload\":\"AAAA\"}}";
    }

    @Test
    void readsTheUsualShapeWithoutATreeAndEveryOtherOneAsBefore() {
        media(usual("2", "1", "0"));
        media(" { \"media\" : { \"payload\":\"AAAA\", \"timestamp\" : 20 ,\n\"chunk\":2,\"track\":\"inbound\"} ,"
                + " \"streamSid\":\"MZ1\", \"sequenceNumber\" : 3 , \"event\":\"media\" } ");
        assertThat(twilio.mediaTreeReads).as("both read without a tree").isZero();
        media(usual("4", "3", "40").replace("\"MZ1\"", "\"MZ\\u0031\""));               // escaped: the tree
        media(usual("5", "4", "60").replace("\"track\"", "\"tracks\":[\"inbound\"],\"track\"")); // array: the tree
        assertThat(call.protocolEvents("counter_error")).isEmpty();
        media(usual("9", "5", "80"));
        media(usual("10", "7", "100"));
        media(usual("11", "7", "999"));
        media(usual("12", "8", "140").replace("\"chunk\":\"8\"", "\"chunk\":\"8\",\"chunk\":\"8\"")); // duplicate
        media(usual("13", "9", "160"));
        assertThat(twilio.mediaTreeReads).isEqualTo(6);
        assertThat(call.protocolEvents("counter_error")).extracting(ObservedCall.ProtocolEvent::detail)
                .satisfiesExactly(
                        e -> assertThat(e).startsWith("sequenceNumber 9 after 5 in {\"event\":\"media\""),
                        e -> assertThat(e).isEqualTo("chunk 7 after 5"),
                        e -> assertThat(e).isEqualTo("timestamp 999 where 120 ms were sent before"),
                        // The tree rejects a duplicate key: nothing can be read from the message.
                        e -> assertThat(e).startsWith("streamSid missing or wrong in "),
                        e -> assertThat(e).startsWith("sequenceNumber null after 11 in "),
                        e -> assertThat(e).isEqualTo("chunk null after 7"),
                        e -> assertThat(e).isEqualTo("timestamp null where 140 ms were sent before"));
        assertThat(call.protocolEvents("media")).extracting(ObservedCall.ProtocolEvent::detail)
                .containsExactly("chunk 1");
        assertThat(call.protocolEvents("order_error")).isEmpty();
    }

    @Test
    void mediaBeforeStartIsAnOrderErrorAndReadByTheTree() {
        EmbeddedChannel other = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ObservedCall early = new AgentObservations().newCall();
        twilio = new AgentProtocol.Twilio(ReferenceAgentOptions.builder().profile("twilio").build(),
                other.pipeline().firstContext(), early, "ref-2");
        call = early;
        media(usual("1", "1", "0"));
        assertThat(twilio.mediaTreeReads).isEqualTo(1);
        assertThat(early.protocolEvents("order_error")).extracting(ObservedCall.ProtocolEvent::detail)
                .containsExactly("media before connected and start");
        assertThat(early.protocolEvents("counter_error")).hasSize(1)
                .allSatisfy(e -> assertThat(e.detail()).startsWith("streamSid missing or wrong in "));
        other.finishAndReleaseAll();
    }

    @Test
    void decimalIsExactlyWhatLongToStringGives() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer();
        try {
            for (Object[] c : new Object[][] {{"0", 0L, true}, {"00", 0L, false}, {"10", 10L, true},
                    {"010", 10L, false}, {"", 0L, false}, {"-4", -4L, true}, {"-", -1L, false}, {"5", 15L, false},
                    {"15", 5L, false}, {"+5", 5L, false}, {"9223372036854775807", Long.MAX_VALUE, true},
                    {"-9223372036854775808", Long.MIN_VALUE, false}}) {
                b.clear().writeCharSequence((String) c[0], StandardCharsets.US_ASCII);
                assertThat(AgentProtocol.Twilio.decimal(b, 0, b.writerIndex(), (Long) c[1])).as("%s", c[0])
                        .isEqualTo(c[2]);
            }
        } finally {
            b.release();
        }
    }
}
