package dev.chorus.engine.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the agent's side reads from the call pipeline's outbound messages, for handler tests. */
final class WireFrames {
    private WireFrames() {
    }

    /**
     * The next outbound message of {@code ch} as the agent decodes it. The audio encoder writes complete masked
     * frames as bytes: they go through the client encoder that runs below it (which must let them pass untouched)
     * and Netty's server decoder, which requires masking, fed in 7-byte pieces as TCP may cut them. A frame object
     * (a control or init message) is returned as it is.
     */
    @SuppressWarnings("unchecked")
    static <T extends WebSocketFrame> T next(EmbeddedChannel ch) {
        Object out = ch.readOutbound();
        if (out instanceof WebSocketFrame) {
            return (T) out;
        }
        assertThat(out).isInstanceOf(ByteBuf.class);
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        client.writeOutbound(out);
        ByteBuf bytes = client.readOutbound();
        assertThat(bytes).as("passes the WebSocket encoder untouched").isSameAs(out);
        assertFalse(client.finish());
        EmbeddedChannel agent = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 16 * 1024 * 1024));
        while (bytes.isReadable()) {
            agent.writeInbound(bytes.readRetainedSlice(Math.min(7, bytes.readableBytes())));
        }
        bytes.release();
        T frame = agent.readInbound();
        assertThat((Object) agent.readInbound()).isNull();
        assertFalse(agent.finish());
        return frame;
    }
}
