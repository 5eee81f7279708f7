package dev.chorus.engine.pipeline;

import dev.chorus.codecs.mp3.Mp3StreamDecoder;
import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.Pcm16;
import dev.chorus.codecs.template.InboundMessageScanner;
import dev.chorus.codecs.template.InboundMessageScanner.ScanResult;
import dev.chorus.engine.config.AudioEncoding;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.List;

/**
 * Turns agent WebSocket frames into {@link AgentAudio}, {@link AgentMessage} or {@link AgentProblem}.
 *
 * <pre>
 *  TextWebSocketFrame  --scan type/data/session id paths (jackson streaming, no tree)--+-- audio type --> AgentAudio
 *                                                                                       +-- other -------> AgentMessage
 *                                                                                       +-- not JSON ----> AgentProblem
 *  BinaryWebSocketFrame --------------------- raw audio bytes ------------------------------------------> AgentAudio
 *                       (JSON text instead, read as a text frame, when the profile says so: Gemini Live)
 * </pre>
 *
 * A message without a type takes the first of the profile's kind paths it has as its type (Gemini Live's
 * {@code setupComplete}, {@code serverContent.interrupted}), so the ready gate and the profile handlers match it
 * like any typed message.
 *
 * Audio bytes are decoded per {@code audio_encoding} (PCM16LE as is, μ-law/A-law expanded, MP3 through a
 * streaming decoder that keeps the first audible sample in place) and interleaved channels mixed to mono. Fragmented messages are joined by the {@code WebSocketFrameAggregator} above.
 * Other frames (ping, pong, close) pass through. Not sharable: the scanner and the reused {@link AgentAudio} belong
 * to one channel.
 */
public final class AgentMessageDecoder extends ChannelInboundHandlerAdapter {
    private final InboundMessageScanner scanner;
    private final AudioEncoding encoding;
    private final int channels;
    private final NanoClock clock;
    private final AgentAudio audio = new AgentAudio();
    private final int captureCount;
    private final int receiveRateHz;
    private final String[] kindNames;
    private final boolean binaryJson;
    private Mp3StreamDecoder mp3;
    private boolean rateChecked;

    /**
     * @param scanner  reads type, audio data, and the values {@code [session id, text, captures...]} in that order
     * @param encoding how audio bytes are encoded ({@code audio_encoding})
     * @param channels interleaved channels of inbound PCM ({@code receive_audio_channels})
     */
    public AgentMessageDecoder(InboundMessageScanner scanner, AudioEncoding encoding, int channels, NanoClock clock) {
        this(scanner, encoding, channels, 0, 0, clock);
    }

    /**
     * @param captureCount  how many values after [session id, text] the scanner reads ({@code captures})
     * @param receiveRateHz {@code receive_sample_rate_hertz}, checked against an MP3 stream's own rate (0: no check)
     */
    public AgentMessageDecoder(InboundMessageScanner scanner, AudioEncoding encoding, int channels, int captureCount,
                               int receiveRateHz, NanoClock clock) {
        this(scanner, encoding, channels, captureCount, receiveRateHz, List.of(), false, clock);
    }

    /**
     * @param kindNames  the scanner's presence paths, in order: the type of a message that has none (empty: off)
     * @param binaryJson binary frames hold JSON text (the profile's {@code binaryFramesCarryJson}), not audio
     */
    public AgentMessageDecoder(InboundMessageScanner scanner, AudioEncoding encoding, int channels, int captureCount,
                               int receiveRateHz, List<String> kindNames, boolean binaryJson, NanoClock clock) {
        this.kindNames = kindNames.toArray(new String[0]);
        this.binaryJson = binaryJson;
        this.captureCount = captureCount;
        this.receiveRateHz = receiveRateHz;
        this.rateChecked = receiveRateHz == 0;
        this.scanner = scanner;
        this.encoding = encoding;
        this.channels = channels;
        this.clock = clock;
    }

    /** Releases text and binary frames it consumes; passes every other message on untouched. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame) {
            TextWebSocketFrame frame = (TextWebSocketFrame) msg;
            try {
                readText(ctx, frame.content(), clock.nanoTime());
            } finally {
                frame.release();
            }
        } else if (msg instanceof BinaryWebSocketFrame) {
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) msg;
            try {
                ByteBuf content = frame.content();
                if (binaryJson) {
                    readText(ctx, content, clock.nanoTime());
                    return;
                }
                emitAudio(ctx, content, content.readerIndex(), content.readableBytes(), clock.nanoTime());
            } finally {
                frame.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void readText(ChannelHandlerContext ctx, ByteBuf json, long arrivalNanos) {
        int length = json.readableBytes();
        ByteBuf raw = ctx.alloc().buffer(length * 3 / 4 + 4);
        ScanResult result;
        try {
            result = scanner.scan(json, json.readerIndex(), length, raw);
        } catch (RuntimeException e) {
            raw.release();
            ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_JSON, String.valueOf(e.getMessage()), arrivalNanos));
            return;
        }
        switch (result.kind()) {
            case AUDIO:
                try {
                    emitAudio(ctx, raw, raw.readerIndex(), raw.readableBytes(), arrivalNanos);
                } finally {
                    raw.release();
                }
                return;
            case MESSAGE:
                raw.release();
                ctx.fireChannelRead(new AgentMessage(result.type() != null ? result.type() : kindOf(result),
                        result.value(0), result.value(1), arrivalNanos, captures(result)));
                return;
            case INVALID_AUDIO:
                raw.release();
                ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_AUDIO, result.errorMessage(), arrivalNanos));
                return;
            default:
                raw.release();
                ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_JSON, result.errorMessage(), arrivalNanos));
        }
    }

    /**
     * MP3 bytes (cut anywhere) through the stream's decoder: the PCM of every frame they complete, with the
     * decoder's delay and the encoder's trimmed so the first audible sample keeps its place, or null when no frame
     * completed yet. Undecodable bytes become an {@code invalid_audio} event; the stream goes on.
     */
    private ByteBuf decodeMp3(ChannelHandlerContext ctx, ByteBuf in, int index, int length, long arrivalNanos) {
        if (mp3 == null) {
            mp3 = new Mp3StreamDecoder();
        }
        ByteBuf pcm = ctx.alloc().buffer(Math.max(4608, length * 12));
        mp3.feed(in.slice(index, length), pcm);
        int errors = mp3.lastErrors();
        if (errors != 0) {
            ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_AUDIO, "MP3 payload of " + length + " bytes: "
                    + ((errors & Mp3StreamDecoder.ERROR_BAD_FRAME) != 0 ? "a frame could not be decoded (silence "
                    + "put in its place)" : "bytes that are not MP3 frames were skipped"), arrivalNanos));
        }
        if (!rateChecked && mp3.sampleRateHz() > 0) {
            rateChecked = true;
            if (mp3.sampleRateHz() != receiveRateHz) {
                ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_AUDIO, "the agent's MP3 is "
                        + mp3.sampleRateHz() + " Hz but receive_sample_rate_hertz is " + receiveRateHz
                        + "; fix: set receive_sample_rate_hertz to " + mp3.sampleRateHz(), arrivalNanos));
            }
        }
        if (!pcm.isReadable()) {
            pcm.release();
            return null;
        }
        return pcm;
    }

    /** The first kind path the message has, or null. */
    private String kindOf(ScanResult result) {
        for (int i = 0; i < kindNames.length; i++) {
            if (result.present(i)) {
                return kindNames[i];
            }
        }
        return null;
    }

    /** The capture values (after [session id, text]) when any is present, else null. */
    private String[] captures(ScanResult result) {
        if (captureCount == 0) {
            return null;
        }
        String[] values = null;
        for (int i = 0; i < captureCount; i++) {
            String v = result.value(2 + i);
            if (v != null) {
                if (values == null) {
                    values = new String[captureCount];
                }
                values[i] = v;
            }
        }
        return values;
    }

    /** Reads {@code length} encoded bytes at {@code index} of {@code in} (not released here) into new mono PCM. */
    private void emitAudio(ChannelHandlerContext ctx, ByteBuf in, int index, int length, long arrivalNanos) {
        ByteBuf pcm;
        switch (encoding) {
            case PCM:
                if ((length & 1) != 0 || length % (2 * channels) != 0) {
                    ctx.fireChannelRead(new AgentProblem(ErrorClass.INVALID_AUDIO,
                            "PCM payload of " + length + " bytes is not whole 16-bit frames of " + channels
                                    + " channel(s)", arrivalNanos));
                    return;
                }
                pcm = ctx.alloc().buffer(length / channels);
                if (channels == 1) {
                    pcm.writeBytes(in, index, length);
                } else {
                    Pcm16.mixToMono(in.slice(index, length), channels, pcm);
                }
                break;
            case ULAW:
            case ALAW: {
                ByteBuf wide = ctx.alloc().buffer(length * 2);
                if (encoding == AudioEncoding.ULAW) {
                    G711.decodeUlaw(in, index, length, wide);
                } else {
                    G711.decodeAlaw(in, index, length, wide);
                }
                if (channels == 1) {
                    pcm = wide;
                } else {
                    pcm = ctx.alloc().buffer(wide.readableBytes() / channels);
                    Pcm16.mixToMono(wide, channels, pcm);
                    wide.release();
                }
                break;
            }
            case MP3: {
                pcm = decodeMp3(ctx, in, index, length, arrivalNanos);
                if (pcm == null) {
                    return;
                }
                break;
            }
            default:
                throw new IllegalStateException("unknown audio_encoding " + encoding);
        }
        ctx.fireChannelRead(audio.set(pcm, arrivalNanos));
    }
}
