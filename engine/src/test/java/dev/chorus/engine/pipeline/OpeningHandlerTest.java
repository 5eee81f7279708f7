package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class OpeningHandlerTest {
    private static final TemplateValues SID = (name, inside, out) -> {
        if (!name.equals("stream_sid")) {
            return false;
        }
        out.writeCharSequence("MZ1", StandardCharsets.US_ASCII);
        return true;
    };

    private static String text(EmbeddedChannel ch) {
        TextWebSocketFrame f = ch.readOutbound();
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Test
    void sendsOpeningMessagesBeforeTheCallSeesTheOpenAndClosingBeforeTheCloseFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new OpeningHandler(List.of("{\"event\":\"connected\"}",
                "{\"event\":\"hello\",\"sid\":\"{{stream_sid}}\"}"),
                "{\"event\":\"stop\",\"sid\":\"{{stream_sid}}\"}", SID));
        // The call answers the open with its init: the opening messages must already be ahead of it.
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"event\":\"start\"}"));
            }
        });
        ch.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(text(ch)).isEqualTo("{\"event\":\"connected\"}");
        assertThat(text(ch)).isEqualTo("{\"event\":\"hello\",\"sid\":\"MZ1\"}");
        assertThat(text(ch)).isEqualTo("{\"event\":\"start\"}");

        ch.writeAndFlush(new CloseWebSocketFrame(1000, "hang_up"));
        assertThat(text(ch)).isEqualTo("{\"event\":\"stop\",\"sid\":\"MZ1\"}");
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1000);
        close.release();
        assertFalse(ch.finish());
    }
}
