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
    /** The file's captures, then the profile's: the order of {@code AgentMessage.captures()}. */
    private final String[] captureNames;
    private final List<DotPath> kindPaths;
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
        java.util.List<String> names = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, String> c : config.captures().entrySet()) {
            names.add(c.getKey());
            paths.add(DotPath.parse(c.getValue()));
        }
        for (java.util.Map.Entry<String, String> c : config.protocolProfile().captures().entrySet()) {
            names.add(c.getKey());
            paths.add(DotPath.parse(c.getValue()));
        }
        this.valuePaths = List.copyOf(paths);
        this.captureNames = names.toArray(new String[0]);
        java.util.List<DotPath> kinds = new java.util.ArrayList<>();
        for (String kind : config.protocolProfile().kindPaths()) {
            kinds.add(DotPath.parse(kind));
        }
        this.kindPaths = List.copyOf(kinds);
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

    /**
     * How many values after [session id, text] the scanner reads: the file's {@code captures}, then the profile's
     * own (in the order of {@code AgentMessage.captures()}).
     */
    public int captureCount() {
        return captureNames.length;
    }

    /** The index of the capture called {@code name} in {@code AgentMessage.captures()}, or -1. */
    public int captureIndex(String name) {
        for (int i = 0; i < captureNames.length; i++) {
            if (captureNames[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The profile's message kinds (dot paths) for messages without a type, in the decoder's order; or empty. */
    public List<String> kindNames() {
        return config.protocolProfile().kindPaths();
    }

    /** The name of capture {@code i}. */
    public String captureName(int i) {
        return captureNames[i];
    }

    /**
     * A new scanner for one channel (scanners are not thread-safe); values are [session id, agent transcript text, captures...],
     * presence paths the profile's {@link #kindNames() kinds}.
     */
    public InboundMessageScanner newScanner() {
        return new InboundMessageScanner(typePath, config.audioMessageTypeValues(), audioDataPath, valuePaths,
                kindPaths);
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
