package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.session.TextTemplate;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.List;

/**
 * Answers agent messages that expect an answer, at once, with a template whose placeholders come from the message
 * itself (ElevenLabs: {@code {"type":"ping","ping_event":{"event_id":3}}} is answered
 * {@code {"type":"pong","event_id":3}}, else the server drops the call). A message without the value its reply
 * needs is not answered. After the caller's close frame nothing is answered (RFC 6455 §5.5.1: no data frame may
 * follow it). Every message is passed on (the call records it). Not sharable; runs on its channel's event loop.
 */
public final class AutoReplyHandler extends ChannelDuplexHandler {
    /**
     * Answer messages of {@code messageType} with {@code template}, when their capture {@code requiredIndex} (an
     * index into {@link AgentMessage#captures()}, or -1 for none) is present.
     */
    public record Rule(String messageType, String template, int requiredIndex) {
    }

    private final Rule[] rules;
    private final MessageValues values;
    /** The caller's close frame went out. */
    private boolean closed;

    /**
     * @param captureNames names of the values in {@link AgentMessage#captures()}, in order
     * @param call         the call's placeholders
     */
    public AutoReplyHandler(List<Rule> rules, List<String> captureNames, TemplateValues call) {
        this.rules = rules.toArray(new Rule[0]);
        this.values = new MessageValues(captureNames, call);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AgentMessage && !closed) {
            AgentMessage m = (AgentMessage) msg;
            for (Rule rule : rules) {
                if (rule.messageType().equals(m.type()) && has(m, rule.requiredIndex()) && ctx.channel().isActive()) {
                    String reply = TextTemplate.render(rule.template(), true, values.with(m.captures(), null, null));
                    ctx.writeAndFlush(new TextWebSocketFrame(reply), ctx.voidPromise());
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Notes the caller's close frame going out: no answer may follow it. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame) {
            closed = true;
        }
        ctx.write(msg, promise);
    }

    private static boolean has(AgentMessage m, int index) {
        return index < 0 || m.captures() != null && index < m.captures().length && m.captures()[index] != null;
    }
}
