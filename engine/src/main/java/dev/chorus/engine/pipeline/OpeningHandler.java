package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.session.TextTemplate;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;

import java.util.List;

/**
 * The protocol's own first and last words: opening messages written as the WebSocket opens, before the call sends
 * its {@code initialization_json}, and a closing message written just before the call's close frame.
 *
 * <pre>
 *   Twilio:  {"event":"connected",…}  {"event":"start",…} (the init)  media …  {"event":"stop",…}  close 1000
 *            \___ opening ________/                                              \__ closing _/
 * </pre>
 *
 * Placeholders are rendered when each message is sent (not a hot path: once per call). Not sharable; runs on its
 * channel's event loop.
 */
public final class OpeningHandler extends ChannelDuplexHandler {
    private final List<String> openingMessages;
    private final String closingMessage;
    private final TemplateValues values;
    private boolean closingSent;

    /**
     * @param openingMessages JSON texts written in order when the WebSocket opens
     * @param closingMessage  JSON text written before the close frame, or null
     * @param values          the call's placeholders
     */
    public OpeningHandler(List<String> openingMessages, String closingMessage, TemplateValues values) {
        this.openingMessages = List.copyOf(openingMessages);
        this.closingMessage = closingMessage;
        this.values = values;
    }

    /** Writes the opening messages, then lets the event on to the call (which sends the init message). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && !openingMessages.isEmpty()) {
            for (String message : openingMessages) {
                ctx.write(new TextWebSocketFrame(TextTemplate.render(message, true, values)), ctx.voidPromise());
            }
            ctx.flush();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Puts the closing message in front of the first close frame; passes everything on. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame && closingMessage != null && !closingSent) {
            closingSent = true;
            ctx.write(new TextWebSocketFrame(TextTemplate.render(closingMessage, true, values)), ctx.voidPromise());
        }
        ctx.write(msg, promise);
    }
}
