package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.JsonText;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stream ids and per-message counters for telephony protocols (Twilio Media Streams), as template placeholders:
 *
 * <pre>
 *   {{stream_sid}}  {{call_sid}}  {{account_sid}}   MZ… CA… AC…: 2 letters + 32 hex digits, made once per call
 *   {{sequence_number}}   1, 2, 3 …: every message that carries it takes the next number (start, media, mark, stop)
 *   {{chunk}}             1, 2, 3 …: the number of this audio message
 *   {{media_timestamp_ms}}  0, 20, 40 …: where this audio message starts in the stream, (chunk − 1) × chunk_ms
 * </pre>
 *
 * It sits right above the call, so it sees every {@link CallerAudio} before the encoder renders it and counts the
 * chunk first. Allocation-free per message (ids are encoded once). Not sharable; runs on its channel's event loop.
 */
public final class StreamCounterHandler extends ChannelOutboundHandlerAdapter implements TemplateValues {
    private final int chunkMillis;
    private final String streamSid;
    private final byte[] streamSidBytes;
    private final byte[] callSidBytes;
    private final byte[] accountSidBytes;
    private long sequence;
    private long chunk;

    /** @param chunkMillis audio per outbound message ({@code chunk_ms}) */
    public StreamCounterHandler(int chunkMillis) {
        this(chunkMillis, sid("MZ"), sid("CA"), sid("AC"));
    }

    public StreamCounterHandler(int chunkMillis, String streamSid, String callSid, String accountSid) {
        this.chunkMillis = chunkMillis;
        this.streamSid = streamSid;
        this.streamSidBytes = streamSid.getBytes(StandardCharsets.US_ASCII);
        this.callSidBytes = callSid.getBytes(StandardCharsets.US_ASCII);
        this.accountSidBytes = accountSid.getBytes(StandardCharsets.US_ASCII);
    }

    /** A Twilio-style id: {@code prefix} and 32 random lowercase hex digits. */
    static String sid(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return prefix + String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    public String streamSid() {
        return streamSid;
    }

    /** Counts each {@link CallerAudio} as the next chunk before it goes on to be encoded. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CallerAudio) {
            chunk++;
        }
        ctx.write(msg, promise);
    }

    @Override
    public boolean write(String name, boolean insideJsonString, ByteBuf out) {
        switch (name) {
            case "stream_sid":
                out.writeBytes(streamSidBytes);
                return true;
            case "call_sid":
                out.writeBytes(callSidBytes);
                return true;
            case "account_sid":
                out.writeBytes(accountSidBytes);
                return true;
            case "sequence_number":
                JsonText.writeLong(++sequence, out);
                return true;
            case "chunk":
                JsonText.writeLong(chunk, out);
                return true;
            case "media_timestamp_ms":
                JsonText.writeLong(Math.max(0, chunk - 1) * chunkMillis, out);
                return true;
            default:
                return false;
        }
    }
}
