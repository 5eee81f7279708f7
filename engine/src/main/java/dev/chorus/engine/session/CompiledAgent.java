package dev.chorus.engine.session;

import dev.chorus.codecs.template.DotPath;
import dev.chorus.codecs.template.InboundMessageScanner;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AudioEncoding;
import dev.chorus.engine.config.ConnectionMode;
import dev.chorus.engine.transport.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything about one agent that every call of a run shares, worked out once: templates split, paths parsed,
 * TLS context built, frame geometry computed. Immutable and thread-safe.
 */
public final class CompiledAgent {
    /** Agent speech followed by this much quiet ends the agent's turn (for {@code wait_for_agent}). */
    public static final long AGENT_TURN_END_QUIET_MILLIS = 700;

    private final AgentConfig config;
    private final MessageTemplate audioTemplate;
    private final MessageTemplate mediaTemplate;
    private final DotPath typePath;
    private final DotPath audioDataPath;
    private final List<DotPath> valuePaths;
    private final String[] captureNames;
    private final SslContext sslContext;
    private final int frameBytes;
    private final long chunkNanos;
    private final ByteBuf silenceFrame;
    private final ByteBuf silenceBase64;
    private final int base64FrameBytes;

    private CompiledAgent(AgentConfig config, SslContext sslContext) {
        this.config = config;
        this.audioTemplate = MessageTemplate.compile(config.sendAudioTemplate(), "audio_data");
        this.mediaTemplate = MessageTemplate.compile(config.sendMediaTemplate(), "media_data");
        this.typePath = DotPath.parse(config.messageTypePath());
        this.audioDataPath = DotPath.parse(config.audioDataPath());
        java.util.List<DotPath> paths = new java.util.ArrayList<>();
        paths.add(DotPath.parse(config.sessionIdPath()));
        paths.add(DotPath.parse(config.agentTranscriptPath()));
        for (String capturePath : config.captures().values()) {
            paths.add(DotPath.parse(capturePath));
        }
        this.valuePaths = List.copyOf(paths);
        this.captureNames = config.captures().keySet().toArray(new String[0]);
        this.sslContext = sslContext;
        int bytesPerSample = config.sendAudioEncoding() == AudioEncoding.PCM ? 2 : 1;
        this.frameBytes = config.sendSampleRateHz() / 1000 * config.chunkMillis() * bytesPerSample;
        this.chunkNanos = TimeUnit.MILLISECONDS.toNanos(config.chunkMillis());
        byte silence = silenceByte(config.sendAudioEncoding());
        byte[] frame = new byte[frameBytes];
        java.util.Arrays.fill(frame, silence);
        this.silenceFrame = PreparedTestCase.shared(frame);
        this.silenceBase64 = audioTemplate.isRawPayload() ? null
                : PreparedTestCase.base64Frames(silenceFrame, frameBytes);
        this.base64FrameBytes = dev.chorus.codecs.template.Base64Codec.encodedLength(frameBytes);
    }

    /** Compiles {@code config}; reads {@code trust_ca_file}. */
    public static CompiledAgent compile(AgentConfig config) throws IOException {
        return new CompiledAgent(config, TlsContexts.client(config.trustCaFile()));
    }

    /** The byte of digital silence in an encoding (μ-law 0xFF, A-law 0xD5, PCM 0). */
    public static byte silenceByte(AudioEncoding encoding) {
        switch (encoding) {
            case ULAW:
                return (byte) 0xFF;
            case ALAW:
                return (byte) 0xD5;
            default:
                return 0;
        }
    }

    public AgentConfig config() {
        return config;
    }

    /** The WebSocket URL to dial: the configured endpoint in direct mode. */
    public URI directEndpoint() {
        return config.connectionMode() == ConnectionMode.DIRECT ? config.endpoint() : null;
    }

    public MessageTemplate audioTemplate() {
        return audioTemplate;
    }

    public MessageTemplate mediaTemplate() {
        return mediaTemplate;
    }

    /** Names of the {@code captures}, in the order of their values after [session id, text]. */
    public int captureCount() {
        return captureNames.length;
    }

    /** The name of capture {@code i}. */
    public String captureName(int i) {
        return captureNames[i];
    }

    /**
     * A new scanner for one channel (scanners are not thread-safe); values are [session id, agent transcript text, captures...].
     */
    public InboundMessageScanner newScanner() {
        return new InboundMessageScanner(typePath, config.audioMessageTypeValue(), audioDataPath, valuePaths);
    }

    public SslContext sslContext() {
        return sslContext;
    }

    /** Bytes of one outbound audio frame ({@code chunk_ms} at the send rate and encoding). */
    public int frameBytes() {
        return frameBytes;
    }

    public long chunkNanos() {
        return chunkNanos;
    }

    /** One frame of silence, shared read-only; nobody releases it. */
    public ByteBuf silenceFrame() {
        return silenceFrame;
    }

    /** The silence frame pre-encoded as base64 (null for raw templates), shared read-only; nobody releases it. */
    public ByteBuf silenceBase64() {
        return silenceBase64;
    }

    /** Base64 length of one frame. */
    public int base64FrameBytes() {
        return base64FrameBytes;
    }

    public long handshakeTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMillis());
    }
}
