package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.session.NanoClock;
import dev.chorus.engine.session.TextTemplate;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.Future;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Echoes playback marks when the caller would have heard the audio before them (Twilio Media Streams): a mark the
 * agent sends after some audio is due when the simulated playback timeline reaches the end of that audio, and is
 * echoed then, not on arrival — so an agent that tracks what was heard through marks sees what a real caller's
 * player would report. A {@code clear} returns every pending mark at once (as Twilio does).
 *
 * <pre>
 *   agent:   media media media … mark "m1"               clear
 *   play:    |======= 1.2 s of audio ========|
 *   echo:                                    mark "m1"   (or, after a clear: at the clear)
 * </pre>
 *
 * Marks are echoed in the order they came. A caller barge-in does not return marks: a real telephone line keeps
 * playing until the agent clears it. After the caller's close frame no mark is echoed. Each echo is a
 * {@code mark_echo} transcript event. Not sharable; runs on its channel's event loop.
 */
public final class MarkEchoHandler extends ChannelDuplexHandler {
    private record Pending(String name, long dueNanos) {
    }

    private final String markType;
    private final String clearType;
    private final int nameIndex;
    private final String echoTemplate;
    private final String nameCapture;
    private final MessageValues values;
    private final PlaybackTimeline playback;
    private final NanoClock clock;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Runnable onTimer = this::timerFired;
    private ChannelHandlerContext ctx;
    private Future<?> timer;
    private boolean closed;

    /**
     * @param nameCapture  the capture holding a mark's name ({@code {{<nameCapture>}}} in the echo template)
     * @param captureNames names of the values in {@link AgentMessage#captures()}, in order
     * @param call         the call's placeholders ({@code {{stream_sid}}}, {@code {{sequence_number}}} …)
     */
    public MarkEchoHandler(String markType, String clearType, String nameCapture, String echoTemplate,
                           List<String> captureNames, TemplateValues call, PlaybackTimeline playback, NanoClock clock) {
        this.markType = markType;
        this.clearType = clearType;
        this.nameCapture = nameCapture;
        this.nameIndex = captureNames.indexOf(nameCapture);
        this.echoTemplate = echoTemplate;
        this.values = new MessageValues(captureNames, call);
        this.playback = playback;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AgentMessage && !closed) {
            AgentMessage m = (AgentMessage) msg;
            if (markType.equals(m.type())) {
                String[] captures = m.captures();
                String name = captures != null && nameIndex >= 0 ? captures[nameIndex] : null;
                // The audio that came before the mark has been placed on the timeline already: it ends here.
                long due = playback.playbackEndNanos();
                pending.add(new Pending(name == null ? "" : name, due - m.arrivalNanos() > 0 ? due : m.arrivalNanos()));
                echoDue(clock.nanoTime(), false);
            } else if (clearType.equals(m.type())) {
                echoDue(clock.nanoTime(), true);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** After the caller's close frame no data frame may follow: pending marks are dropped. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame) {
            closed = true;
            stop();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        stop();
        ctx.fireChannelInactive();
    }

    private void timerFired() {
        timer = null;
        if (!closed) {
            echoDue(clock.nanoTime(), false);
        }
    }

    /** Echoes the marks due by {@code nowNanos} (all of them when {@code all}), then waits for the next one. */
    private void echoDue(long nowNanos, boolean all) {
        boolean wrote = false;
        Pending head;
        while ((head = pending.peek()) != null && (all || head.dueNanos() - nowNanos <= 0)) {
            pending.poll();
            String echo = TextTemplate.render(echoTemplate, true, values.with(null, nameCapture, head.name()));
            ctx.write(new TextWebSocketFrame(echo), ctx.voidPromise());
            playback.protocolEvent(nowNanos, "mark_echo", head.name());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (timer != null && (head == null || all)) {
            timer.cancel(false);
            timer = null;
        }
        if (head != null && timer == null) {
            timer = ctx.executor().schedule(onTimer, head.dueNanos() - nowNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        pending.clear();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
