package dev.chorus.engine.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach one voice agent (CONTRACT §1). Immutable and thread-safe; built and validated by {@link Builder},
 * usually through {@link AgentConfigLoader}. {@link #toString()} never shows the authorization value.
 */
public final class AgentConfig {
    /** The sample rates agents use. */
    public static final Set<Integer> SAMPLE_RATES = Set.of(8000, 16000, 24000, 48000);
    public static final String DEFAULT_AUDIO_TEMPLATE = "{\"type\": \"audio_chunk\", \"data\": \"{{audio_data}}\"}";
    public static final String DEFAULT_MEDIA_TEMPLATE = "{\"type\": \"media\", \"name\": \"{{media_name}}\", "
            + "\"mime_type\": \"{{mime_type}}\", \"data\": \"{{media_data}}\"}";
    /** Placeholders known in every template, besides captures. */
    public static final Set<String> BUILTIN_PLACEHOLDERS = Set.of("call_id", "run_id", "test_case_id", "session_id",
            "seq", "timestamp_ms");
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private final Path sourceFile;
    private final String profile;
    private final ConnectionMode connectionMode;
    private final URI endpoint;
    private final String initializationJson;
    private final AuthorizationHeader authorization;
    private final Map<String, String> customHeaders;
    private final URI httpEndpoint;
    private final String httpMethod;
    private final String httpBody;
    private final Map<String, String> httpHeaders;
    private final String websocketUrlResponsePath;
    private final int sendSampleRateHz;
    private final int receiveSampleRateHz;
    private final int receiveAudioChannels;
    private final String handshakeReadyMessageType;
    private final boolean handshakeRequiresSessionId;
    private final String sessionIdPath;
    private final long handshakeTimeoutMillis;
    private final String sendAudioTemplate;
    private final String messageTypePath;
    private final List<String> audioMessageTypeValues;
    private final String audioDataPath;
    private final AudioEncoding audioEncoding;
    private final List<String> nonAudioEventMessageTypes;
    private final String sendMediaTemplate;
    private final AudioEncoding sendAudioEncoding;
    private final int chunkMillis;
    private final Path trustCaFile;
    private final long pingIntervalMillis;
    private final Map<String, String> captures;
    private final ProtocolProfile protocolProfile;
    private final List<String> playbackFlushMessageTypes;
    private final String keepaliveMessage;
    private final long keepaliveIntervalMillis;
    private final String agentTranscriptType;
    private final String agentTranscriptPath;

    private AgentConfig(Builder b, String readyType, boolean requiresSessionId, URI endpoint, URI httpEndpoint,
                        ProtocolProfile protocolProfile) {
        this.sourceFile = b.sourceFile;
        this.profile = b.profile;
        this.connectionMode = b.connectionMode;
        this.endpoint = endpoint;
        this.initializationJson = b.initializationJson;
        this.authorization = b.authorization;
        this.customHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.customHeaders));
        this.httpEndpoint = httpEndpoint;
        this.httpMethod = b.httpMethod;
        this.httpBody = b.httpBody;
        this.httpHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.httpHeaders));
        this.websocketUrlResponsePath = b.websocketUrlResponsePath;
        this.sendSampleRateHz = b.sendSampleRateHz;
        this.receiveSampleRateHz = b.receiveSampleRateHz;
        this.receiveAudioChannels = b.receiveAudioChannels;
        this.handshakeReadyMessageType = readyType;
        this.handshakeRequiresSessionId = requiresSessionId;
        this.sessionIdPath = b.sessionIdPath;
        this.handshakeTimeoutMillis = b.handshakeTimeoutMillis;
        this.sendAudioTemplate = b.sendAudioTemplate;
        this.messageTypePath = b.messageTypePath;
        this.audioMessageTypeValues = List.copyOf(b.audioMessageTypeValues);
        this.audioDataPath = b.audioDataPath;
        this.audioEncoding = b.audioEncoding;
        this.nonAudioEventMessageTypes = List.copyOf(b.nonAudioEventMessageTypes);
        this.sendMediaTemplate = b.sendMediaTemplate;
        this.sendAudioEncoding = b.sendAudioEncoding;
        this.chunkMillis = b.chunkMillis;
        this.trustCaFile = b.trustCaFile;
        this.pingIntervalMillis = b.pingIntervalMillis;
        this.captures = Collections.unmodifiableMap(new LinkedHashMap<>(b.captures));
        this.protocolProfile = protocolProfile;
        this.playbackFlushMessageTypes = List.copyOf(b.playbackFlushMessageTypes);
        this.keepaliveMessage = b.keepaliveMessage;
        this.keepaliveIntervalMillis = b.keepaliveIntervalMillis;
        this.agentTranscriptType = b.agentTranscriptType;
        this.agentTranscriptPath = b.agentTranscriptPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sourceFile = sourceFile;
        b.profile = profile;
        b.connectionMode = connectionMode;
        b.endpoint = endpoint == null ? null : endpoint.toString();
        b.initializationJson = initializationJson;
        b.authorization = authorization;
        b.customHeaders.putAll(customHeaders);
        b.httpEndpoint = httpEndpoint == null ? null : httpEndpoint.toString();
        b.httpMethod = httpMethod;
        b.httpBody = httpBody;
        b.httpHeaders.putAll(httpHeaders);
        b.websocketUrlResponsePath = websocketUrlResponsePath;
        b.sendSampleRateHz = sendSampleRateHz;
        b.receiveSampleRateHz = receiveSampleRateHz;
        b.receiveAudioChannels = receiveAudioChannels;
        b.handshakeReadyMessageType = handshakeReadyMessageType;
        b.handshakeRequiresSessionId = handshakeRequiresSessionId;
        b.sessionIdPath = sessionIdPath;
        b.handshakeTimeoutMillis = handshakeTimeoutMillis;
        b.sendAudioTemplate = sendAudioTemplate;
        b.messageTypePath = messageTypePath;
        b.audioMessageTypeValues = audioMessageTypeValues;
        b.audioDataPath = audioDataPath;
        b.audioEncoding = audioEncoding;
        b.nonAudioEventMessageTypes = nonAudioEventMessageTypes;
        b.sendMediaTemplate = sendMediaTemplate;
        b.sendAudioEncoding = sendAudioEncoding;
        b.chunkMillis = chunkMillis;
        b.trustCaFile = trustCaFile;
        b.pingIntervalMillis = pingIntervalMillis;
        b.captures.putAll(captures);
        b.playbackFlushMessageTypes = playbackFlushMessageTypes;
        b.keepaliveMessage = keepaliveMessage;
        b.keepaliveIntervalMillis = keepaliveIntervalMillis;
        b.agentTranscriptType = agentTranscriptType;
        b.agentTranscriptPath = agentTranscriptPath;
        return b;
    }

    /** The file it came from, or null. */
    public Path sourceFile() {
        return sourceFile;
    }

    /** Protocol profile's name; default "default". */
    public String profile() {
        return profile;
    }

    /** The protocol profile named by {@link #profile()}: what its handlers add to the call pipeline. */
    public ProtocolProfile protocolProfile() {
        return protocolProfile;
    }

    /** Agent message types that flush the simulated playback (Twilio {@code clear}); default none. */
    public List<String> playbackFlushMessageTypes() {
        return playbackFlushMessageTypes;
    }

    /** JSON text sent every {@link #keepaliveIntervalMillis()} while streaming (placeholders allowed), or null. */
    public String keepaliveMessage() {
        return keepaliveMessage;
    }

    /** Default 5000 ms; used only with a {@link #keepaliveMessage()}. */
    public long keepaliveIntervalMillis() {
        return keepaliveIntervalMillis;
    }

    /** Default {@link ConnectionMode#DIRECT}. */
    public ConnectionMode connectionMode() {
        return connectionMode;
    }

    /** The wss:// URL (direct mode), or null in http_first. */
    public URI endpoint() {
        return endpoint;
    }

    /** Compact JSON text sent once the WebSocket opens, or null; may hold placeholders. */
    public String initializationJson() {
        return initializationJson;
    }

    /** Null when none. */
    public AuthorizationHeader authorization() {
        return authorization;
    }

    /** Extra handshake headers; values may hold placeholders. Default none. */
    public Map<String, String> customHeaders() {
        return customHeaders;
    }

    public URI httpEndpoint() {
        return httpEndpoint;
    }

    /** Default POST. */
    public String httpMethod() {
        return httpMethod;
    }

    public String httpBody() {
        return httpBody;
    }

    public Map<String, String> httpHeaders() {
        return httpHeaders;
    }

    public String websocketUrlResponsePath() {
        return websocketUrlResponsePath;
    }

    /** Hz; default 16000. */
    public int sendSampleRateHz() {
        return sendSampleRateHz;
    }

    /** Hz; default 48000. */
    public int receiveSampleRateHz() {
        return receiveSampleRateHz;
    }

    /** 1 or 2; default 1. */
    public int receiveAudioChannels() {
        return receiveAudioChannels;
    }

    /** Empty disables the ready gate; default "session_ready" (direct), "" (http_first). */
    public String handshakeReadyMessageType() {
        return handshakeReadyMessageType;
    }

    /** Default true (direct), false (http_first). */
    public boolean handshakeRequiresSessionId() {
        return handshakeRequiresSessionId;
    }

    /** Default "session_id". */
    public String sessionIdPath() {
        return sessionIdPath;
    }

    /** From TCP connect start to ready; default 30 000 ms. */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    public String sendAudioTemplate() {
        return sendAudioTemplate;
    }

    /** Default "type". */
    public String messageTypePath() {
        return messageTypePath;
    }

    /** Default "audio_chunk"; the first of {@link #audioMessageTypeValues()}. */
    public String audioMessageTypeValue() {
        return audioMessageTypeValues.get(0);
    }

    /** Type values that mark inbound audio (any of them); default ["audio_chunk"]. */
    public List<String> audioMessageTypeValues() {
        return audioMessageTypeValues;
    }

    /** Default "data". */
    public String audioDataPath() {
        return audioDataPath;
    }

    /** Inbound audio; default PCM. */
    public AudioEncoding audioEncoding() {
        return audioEncoding;
    }

    public List<String> nonAudioEventMessageTypes() {
        return nonAudioEventMessageTypes;
    }

    public String sendMediaTemplate() {
        return sendMediaTemplate;
    }

    /** Outbound audio: PCM, ULAW or ALAW; default PCM. */
    public AudioEncoding sendAudioEncoding() {
        return sendAudioEncoding;
    }

    /** Audio per outbound frame; default 20 ms. */
    public int chunkMillis() {
        return chunkMillis;
    }

    /** Extra trusted CAs (PEM), or null for system trust only. */
    public Path trustCaFile() {
        return trustCaFile;
    }

    /** WebSocket ping period; 0 (default) = off. */
    public long pingIntervalMillis() {
        return pingIntervalMillis;
    }

    /** Capture name to dot path; default none. */
    public Map<String, String> captures() {
        return captures;
    }

    /**
     * {@code agent_transcript_type} (ext): the type value of the agent's messages that carry the text of what it
     * says (e.g. {@code response.audio_transcript.done}); default null: any non-audio message with a string at
     * {@link #agentTranscriptPath()}.
     */
    public String agentTranscriptType() {
        return agentTranscriptType;
    }

    /** {@code agent_transcript_path} (ext): dot path of that text in such a message; default {@code text}. */
    public String agentTranscriptPath() {
        return agentTranscriptPath;
    }

    @Override
    public String toString() {
        return "AgentConfig[" + connectionMode.wireName() + ", endpoint=" + (endpoint != null ? endpoint : httpEndpoint)
                + ", authorization=" + (authorization == null ? "none" : authorization) + ", send="
                + sendSampleRateHz + " Hz " + sendAudioEncoding.wireName() + ", receive=" + receiveSampleRateHz + " Hz "
                + audioEncoding.wireName() + "]";
    }

    /**
     * Builds an {@link AgentConfig}; every default is CONTRACT §1's. Not thread-safe. {@link #build()} validates and
     * names the file, key, value and fix of the first problem.
     */
    public static final class Builder {
        private Path sourceFile;
        private String profile = "default";
        private ConnectionMode connectionMode = ConnectionMode.DIRECT;
        private String endpoint;
        private String initializationJson;
        private AuthorizationHeader authorization;
        private final Map<String, String> customHeaders = new LinkedHashMap<>();
        private String httpEndpoint;
        private String httpMethod = "POST";
        private String httpBody;
        private final Map<String, String> httpHeaders = new LinkedHashMap<>();
        private String websocketUrlResponsePath;
        private int sendSampleRateHz = 16000;
        private int receiveSampleRateHz = 48000;
        private int receiveAudioChannels = 1;
        private String handshakeReadyMessageType;
        private Boolean handshakeRequiresSessionId;
        private String sessionIdPath = "session_id";
        private long handshakeTimeoutMillis = 30_000;
        private String sendAudioTemplate = DEFAULT_AUDIO_TEMPLATE;
        private String messageTypePath = "type";
        private List<String> audioMessageTypeValues = List.of("audio_chunk");
        private String audioDataPath = "data";
        private AudioEncoding audioEncoding = AudioEncoding.PCM;
        private List<String> nonAudioEventMessageTypes = List.of();
        private String sendMediaTemplate = DEFAULT_MEDIA_TEMPLATE;
        private AudioEncoding sendAudioEncoding = AudioEncoding.PCM;
        private int chunkMillis = 20;
        private Path trustCaFile;
        private long pingIntervalMillis;
        private final Map<String, String> captures = new LinkedHashMap<>();
        private List<String> playbackFlushMessageTypes = List.of();
        private String keepaliveMessage;
        private long keepaliveIntervalMillis = 5000;
        private String agentTranscriptType;
        private String agentTranscriptPath = "text";

        public Builder sourceFile(Path v) {
            sourceFile = v;
            return this;
        }

        /**
         * The protocol profile by name (default "default"). Here it picks the profile's handlers only; the keys a
         * profile fills are filled by {@link AgentConfigLoader}, under the file's own.
         */
        public Builder profile(String v) {
            profile = v;
            return this;
        }

        public Builder playbackFlushMessageTypes(List<String> v) {
            playbackFlushMessageTypes = List.copyOf(v);
            return this;
        }

        /** JSON text (placeholders allowed), or null for no keep-alive. */
        public Builder keepaliveMessage(String v) {
            keepaliveMessage = v;
            return this;
        }

        public Builder keepaliveIntervalMillis(long v) {
            keepaliveIntervalMillis = v;
            return this;
        }

        public Builder connectionMode(ConnectionMode v) {
            connectionMode = v;
            return this;
        }

        public Builder endpoint(String v) {
            endpoint = v;
            return this;
        }

        public Builder endpoint(URI v) {
            endpoint = v == null ? null : v.toString();
            return this;
        }

        public Builder initializationJson(String v) {
            initializationJson = v;
            return this;
        }

        public Builder authorization(AuthorizationHeader v) {
            authorization = v;
            return this;
        }

        public Builder customHeaders(Map<String, String> v) {
            customHeaders.clear();
            customHeaders.putAll(v);
            return this;
        }

        public Builder httpEndpoint(String v) {
            httpEndpoint = v;
            return this;
        }

        public Builder httpMethod(String v) {
            httpMethod = v;
            return this;
        }

        public Builder httpBody(String v) {
            httpBody = v;
            return this;
        }

        public Builder httpHeaders(Map<String, String> v) {
            httpHeaders.clear();
            httpHeaders.putAll(v);
            return this;
        }

        public Builder websocketUrlResponsePath(String v) {
            websocketUrlResponsePath = v;
            return this;
        }

        public Builder sendSampleRateHz(int v) {
            sendSampleRateHz = v;
            return this;
        }

        public Builder receiveSampleRateHz(int v) {
            receiveSampleRateHz = v;
            return this;
        }

        public Builder receiveAudioChannels(int v) {
            receiveAudioChannels = v;
            return this;
        }

        public Builder handshakeReadyMessageType(String v) {
            handshakeReadyMessageType = v;
            return this;
        }

        public Builder handshakeRequiresSessionId(boolean v) {
            handshakeRequiresSessionId = v;
            return this;
        }

        public Builder sessionIdPath(String v) {
            sessionIdPath = v;
            return this;
        }

        public Builder handshakeTimeoutMillis(long v) {
            handshakeTimeoutMillis = v;
            return this;
        }

        public Builder sendAudioTemplate(String v) {
            sendAudioTemplate = v;
            return this;
        }

        public Builder messageTypePath(String v) {
            messageTypePath = v;
            return this;
        }

        public Builder audioMessageTypeValue(String v) {
            audioMessageTypeValues = v == null ? null : List.of(v);
            return this;
        }

        public Builder audioMessageTypeValues(List<String> v) {
            audioMessageTypeValues = v == null ? null : List.copyOf(v);
            return this;
        }

        public Builder audioDataPath(String v) {
            audioDataPath = v;
            return this;
        }

        public Builder audioEncoding(AudioEncoding v) {
            audioEncoding = v;
            return this;
        }

        public Builder nonAudioEventMessageTypes(List<String> v) {
            nonAudioEventMessageTypes = List.copyOf(v);
            return this;
        }

        public Builder sendMediaTemplate(String v) {
            sendMediaTemplate = v;
            return this;
        }

        public Builder sendAudioEncoding(AudioEncoding v) {
            sendAudioEncoding = v;
            return this;
        }

        public Builder chunkMillis(int v) {
            chunkMillis = v;
            return this;
        }

        public Builder trustCaFile(Path v) {
            trustCaFile = v;
            return this;
        }

        public Builder pingIntervalMillis(long v) {
            pingIntervalMillis = v;
            return this;
        }

        public Builder captures(Map<String, String> v) {
            captures.clear();
            captures.putAll(v);
            return this;
        }

        /** Type of the agent's transcript messages; null (default) for any type. */
        public Builder agentTranscriptType(String v) {
            agentTranscriptType = v;
            return this;
        }

        /** Dot path of the text in the agent's transcript messages; default {@code text}. */
        public Builder agentTranscriptPath(String v) {
            agentTranscriptPath = v;
            return this;
        }

        private String file() {
            return sourceFile == null ? "<agent>" : sourceFile.toString();
        }

        private ConfigException bad(String key, Object value, String problem, String fix) {
            return new ConfigException(file(), key, value == null ? null : String.valueOf(value), problem, fix);
        }

        /** @throws ConfigException naming the file, key, value and fix of the first problem found */
        public AgentConfig build() throws ConfigException {
            ProtocolProfile protocol = ProtocolProfile.named(profile);
            if (protocol == null) {
                throw bad("profile", profile, "unknown profile", ProtocolProfile.unknownNameFix(profile));
            }
            URI ws = null;
            URI http = null;
            if (connectionMode == ConnectionMode.DIRECT) {
                ws = webSocketUrl("endpoint", endpoint);
            } else {
                if (endpoint != null) {
                    throw bad("endpoint", endpoint, "endpoint is not used in http_first mode (the WebSocket URL "
                            + "comes from the HTTP reply)", "remove endpoint, or use \"connection_mode\": \"direct\"");
                }
                http = httpsUrl(httpEndpoint);
                if (websocketUrlResponsePath == null || websocketUrlResponsePath.isBlank()) {
                    throw bad("websocket_url_response_path", null, "required in http_first mode",
                            "give the dot path of the WebSocket URL in the setup reply, e.g. \"data.session.ws_url\"");
                }
                dotPath("websocket_url_response_path", websocketUrlResponsePath);
                if (httpMethod == null || !httpMethod.matches("[A-Za-z]+")) {
                    throw bad("http_method", httpMethod, "not an HTTP method", "use e.g. \"POST\" or \"GET\"");
                }
                httpMethod = httpMethod.toUpperCase(java.util.Locale.ROOT);
            }
            rate("send_sample_rate_hertz", sendSampleRateHz);
            rate("receive_sample_rate_hertz", receiveSampleRateHz);
            if (receiveAudioChannels != 1 && receiveAudioChannels != 2) {
                throw bad("receive_audio_channels", receiveAudioChannels, "must be 1 or 2", "use 1 (mono) or 2");
            }
            if (handshakeTimeoutMillis <= 0) {
                throw bad("handshake_timeout_seconds", handshakeTimeoutMillis / 1000.0, "must be positive",
                        "use a number of seconds such as 30");
            }
            if (pingIntervalMillis < 0) {
                throw bad("ping_interval_seconds", pingIntervalMillis / 1000.0, "must not be negative",
                        "use 0 (off) or a number of seconds");
            }
            if (chunkMillis < 5 || chunkMillis > 200 || sendSampleRateHz * chunkMillis % 1000 != 0) {
                throw bad("chunk_ms", chunkMillis, "must be 5..200 ms and a whole number of samples",
                        "use 10, 20 (default), 40 or 60");
            }
            if (sendAudioEncoding == AudioEncoding.MP3) {
                throw bad("send_audio_encoding", "mp3", "Chorus sends pcm, ulaw or alaw", "use pcm, ulaw or alaw");
            }
            dotPath("session_id_path", sessionIdPath);
            dotPath("message_type_path", messageTypePath);
            dotPath("audio_data_path", audioDataPath);
            if (audioMessageTypeValues == null || audioMessageTypeValues.isEmpty()
                    || audioMessageTypeValues.stream().anyMatch(v -> v == null || v.isEmpty())) {
                throw bad("audio_message_type_value", audioMessageTypeValues, "must not be empty",
                        "give the type value of audio messages, e.g. \"audio_chunk\", or an array of them");
            }
            for (String t : playbackFlushMessageTypes) {
                if (t == null || t.isEmpty()) {
                    throw bad("playback_flush_message_types", playbackFlushMessageTypes, "holds an empty type",
                            "list message types such as \"clear\"");
                }
            }
            if (keepaliveMessage != null && keepaliveIntervalMillis <= 0) {
                throw bad("keepalive_interval_seconds", keepaliveIntervalMillis / 1000.0, "must be positive",
                        "use a number of seconds such as 5");
            }
            dotPath("agent_transcript_path", agentTranscriptPath);
            if (agentTranscriptType != null) {
                if (agentTranscriptType.isEmpty()) {
                    throw bad("agent_transcript_type", "", "must not be empty",
                            "give the type value of the agent's transcript messages, e.g. \"agent_transcript\", or "
                                    + "remove the key to take the text from any message");
                }
                if (audioMessageTypeValues.contains(agentTranscriptType)) {
                    throw bad("agent_transcript_type", agentTranscriptType, "is the audio message type "
                            + "(audio_message_type_value), so no transcript message could ever match",
                            "use the type of the messages that carry the agent's text");
                }
            }
            for (Map.Entry<String, String> c : captures.entrySet()) {
                if (!c.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw bad("captures", c.getKey(), "capture name is not a placeholder name",
                            "use letters, digits and '_', starting with a letter");
                }
                if (BUILTIN_PLACEHOLDERS.contains(c.getKey()) || c.getKey().startsWith("audio_")
                        || c.getKey().startsWith("media_") || c.getKey().equals("mime_type")) {
                    throw bad("captures", c.getKey(), "capture name collides with a built-in placeholder",
                            "rename the capture");
                }
                dotPath("captures." + c.getKey(), c.getValue());
            }
            for (String c : captures.keySet()) {
                if (protocol.placeholders().contains(c)) {
                    throw bad("captures", c, "capture name is the " + profile + " profile's own placeholder",
                            "rename the capture");
                }
            }
            Set<String> common = new LinkedHashSet<>(BUILTIN_PLACEHOLDERS);
            common.addAll(captures.keySet());
            common.addAll(protocol.placeholders());
            String ready = handshakeReadyMessageType != null ? handshakeReadyMessageType
                    : connectionMode == ConnectionMode.DIRECT ? "session_ready" : "";
            if (protocol.helloMessageType() != null && ready.isEmpty()) {
                // The hello gate holds everything until the hello; only the ready gate's deadline bounds that wait.
                Object dflt = protocol.keys().get("handshake_ready_message_type");
                throw bad("handshake_ready_message_type", "", "the " + profile + " profile waits for the agent's '"
                        + protocol.helloMessageType() + "' before sending anything, and with no ready message "
                        + "that wait has no deadline (handshake_timeout_seconds)",
                        dflt != null && !"".equals(dflt) ? "remove the key (the profile's \"" + dflt + "\"), or "
                                + "give the type of the agent's ready message"
                                : "give the type of the agent's ready message");
            }
            boolean requiresId = handshakeRequiresSessionId != null ? handshakeRequiresSessionId
                    : connectionMode == ConnectionMode.DIRECT;
            template("send_audio_template", sendAudioTemplate, "audio_data", common, Set.of("audio_data"));
            template("send_media_template", sendMediaTemplate, "media_data", common,
                    Set.of("media_data", "media_name", "mime_type"));
            placeholders("initialization_json", initializationJson, common);
            placeholders("keepalive_message", keepaliveMessage, common);
            for (Map.Entry<String, String> h : customHeaders.entrySet()) {
                header("custom_headers", h.getKey(), h.getValue(), common, true);
            }
            for (Map.Entry<String, String> h : httpHeaders.entrySet()) {
                header("http_headers", h.getKey(), h.getValue(), common, false);
            }
            placeholders("http_body", httpBody, common);
            if (trustCaFile != null && !Files.isReadable(trustCaFile)) {
                throw bad("trust_ca_file", trustCaFile, "file not found or not readable",
                        "point it at a PEM file of CA certificates (relative paths resolve against the agent file)");
            }
            return new AgentConfig(this, ready, requiresId, ws, http, protocol);
        }

        private void rate(String key, int hz) throws ConfigException {
            if (!SAMPLE_RATES.contains(hz)) {
                throw bad(key, hz, "not a supported sample rate", "use 8000, 16000, 24000 or 48000");
            }
        }

        private void dotPath(String key, String path) throws ConfigException {
            if (path == null || path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                throw bad(key, path, "not a dot path", "write field names separated by dots, e.g. \"payload.data\"");
            }
        }

        private URI webSocketUrl(String key, String url) throws ConfigException {
            String fix = "use the agent's secure WebSocket URL, e.g. \"wss://agent.example.com/ws\"";
            if (url == null) {
                throw bad(key, null, "Invalid WebSocket URL: endpoint is required in direct mode", fix);
            }
            if (!url.equals(url.trim()) || url.isEmpty()) {
                throw bad(key, url, "Invalid WebSocket URL: leading or trailing spaces", "remove the spaces");
            }
            String lower = url.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("ws://")) {
                throw bad(key, url, "Invalid WebSocket URL: plain ws:// is not allowed, only wss://",
                        "use wss:// (TLS); for a local agent with a self-signed certificate add trust_ca_file");
            }
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                throw bad(key, url, "Invalid WebSocket URL: an HTTP URL is not a WebSocket URL",
                        "use the wss:// URL (https://host/path becomes wss://host/path), or connection_mode "
                                + "http_first to get it from a setup call");
            }
            if (!lower.startsWith("wss://")) {
                throw bad(key, url, "Invalid WebSocket URL: must start with wss://", fix);
            }
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw bad(key, url, "Invalid WebSocket URL: no host", fix);
                }
                return uri;
            } catch (URISyntaxException e) {
                throw bad(key, url, "Invalid WebSocket URL: " + e.getReason(), fix);
            }
        }

        private URI httpsUrl(String url) throws ConfigException {
            String fix = "use the https:// URL of the session setup call";
            if (url == null) {
                throw bad("http_endpoint", null, "required in http_first mode", fix);
            }
            if (!url.toLowerCase(java.util.Locale.ROOT).startsWith("https://")) {
                throw bad("http_endpoint", url, "must start with https://", fix);
            }
            try {
                URI uri = new URI(url);
                if (uri.getHost() == null) {
                    throw bad("http_endpoint", url, "no host", fix);
                }
                return uri;
            } catch (URISyntaxException e) {
                throw bad("http_endpoint", url, "malformed URL: " + e.getReason(), fix);
            }
        }

        private void template(String key, String text, String payload, Set<String> common, Set<String> own)
                throws ConfigException {
            if (text == null || !PLACEHOLDER.matcher(text).find() || !names(text).contains(payload)) {
                throw bad(key, text, "the template lacks the required {{" + payload + "}}",
                        "put {{" + payload + "}} where the data goes, or use exactly \"{{" + payload
                                + "}}\" to send raw binary frames");
            }
            Set<String> allowed = new LinkedHashSet<>(own);
            allowed.addAll(common);
            unknown(key, text, allowed);
        }

        private void placeholders(String key, String text, Set<String> common) throws ConfigException {
            if (text != null) {
                unknown(key, text, common);
            }
        }

        private void unknown(String key, String text, Set<String> allowed) throws ConfigException {
            for (String name : names(text)) {
                if (!allowed.contains(name)) {
                    throw bad(key, "{{" + name + "}}", "unknown placeholder", "use one of " + allowed
                            + " (declare others under captures)");
                }
            }
        }

        private void header(String key, String name, String value, Set<String> common, boolean websocket)
                throws ConfigException {
            if (!Headers.isToken(name)) {
                throw bad(key, name, "not a valid HTTP header name", "use letters, digits and '-', e.g. X-Client-ID");
            }
            String shown = Headers.looksSecret(name) ? "(value hidden)" : value;
            if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw bad(key + "." + name, shown, "header value must be one line of text", "remove line breaks");
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (websocket && lower.equals("authorization")) {
                throw bad(key, name, "Authorization goes in authorization_header",
                        "move the value to \"authorization_header\"");
            }
            if (Headers.RESERVED.contains(lower)) {
                throw bad(key, name, "the WebSocket handshake sets this header itself", "remove it");
            }
            unknown(key + "." + name, value, common);
        }

        static Set<String> names(String text) {
            Set<String> names = new LinkedHashSet<>();
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }
}
