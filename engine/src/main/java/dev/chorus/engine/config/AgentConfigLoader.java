package dev.chorus.engine.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an agent file (CONTRACT §1): every key's JSON type checked, unknown keys rejected with the nearest known
 * one as the fix, then {@link AgentConfig.Builder#build()} validates values. Stateless and thread-safe.
 */
public final class AgentConfigLoader {
    static final List<String> KEYS = List.of("profile", "connection_mode", "endpoint", "initialization_json",
            "authorization_header", "custom_headers", "http_endpoint", "http_method", "http_body", "http_headers",
            "websocket_url_response_path", "send_sample_rate_hertz", "receive_sample_rate_hertz",
            "receive_audio_channels", "handshake_ready_message_type", "handshake_requires_session_id",
            "session_id_path", "handshake_timeout_seconds", "send_audio_template", "message_type_path",
            "audio_message_type_value", "audio_data_path", "audio_encoding", "non_audio_event_message_types",
            "send_media_template", "send_audio_encoding", "chunk_ms", "trust_ca_file", "ping_interval_seconds",
            "captures", "playback_flush_message_types", "keepalive_message", "keepalive_interval_seconds",
            "agent_transcript_type", "agent_transcript_path");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "(file)", null, "cannot read the agent file: " + e,
                    "check the path given to --agent");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir, file);
    }

    public static AgentConfig parse(String json, String sourceName, Path baseDir) throws ConfigException {
        return parse(json, sourceName, baseDir, null);
    }

    private static AgentConfig parse(String json, String name, Path baseDir, Path sourceFile) throws ConfigException {
        Object tree;
        try {
            tree = JsonTree.parse(json);
        } catch (IOException e) {
            throw new ConfigException(name, "(file)", null, "not valid JSON: " + e.getMessage(),
                    "fix the JSON syntax (an online JSON linter shows the spot)");
        }
        if (!(tree instanceof Map)) {
            throw new ConfigException(name, "(file)", null, "the agent file must be a JSON object",
                    "wrap the keys in { }");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) tree;
        for (String key : file.keySet()) {
            if (!KEYS.contains(key)) {
                String near = Suggest.nearest(key, KEYS);
                throw new ConfigException(name, key, null, "unknown key",
                        near != null ? "did you mean \"" + near + "\"? (known keys: see CONTRACT.md §1)"
                                : "remove it; known keys are listed in CONTRACT.md §1");
            }
        }
        AgentConfig.Builder b = AgentConfig.builder().sourceFile(sourceFile != null ? sourceFile
                : baseDir == null ? Path.of(name) : baseDir.resolve(name));
        String profileName = new Reader(name, file).string("profile", "default");
        ProtocolProfile profile = ProtocolProfile.named(profileName);
        if (profile == null) {
            throw new ConfigException(name, "profile", profileName, "unknown profile",
                    ProtocolProfile.unknownNameFix(profileName));
        }
        b.profile(profileName);
        // The profile's keys go under the file's: any key the file gives wins.
        Map<String, Object> m = new LinkedHashMap<>(profile.keys());
        m.putAll(file);
        Reader r = new Reader(name, m);
        String mode = r.string("connection_mode", "direct");
        switch (mode) {
            case "direct":
                b.connectionMode(ConnectionMode.DIRECT);
                break;
            case "http_first":
                b.connectionMode(ConnectionMode.HTTP_FIRST);
                break;
            default:
                throw new ConfigException(name, "connection_mode", mode, "unknown connection mode",
                        "use \"direct\" or \"http_first\"");
        }
        if (m.containsKey("endpoint")) {
            b.endpoint(r.string("endpoint", null));
        }
        if (m.containsKey("initialization_json")) {
            b.initializationJson(r.jsonText("initialization_json"));
        }
        if (m.containsKey("authorization_header")) {
            Object v = m.get("authorization_header");
            if (!(v instanceof String)) {
                throw new ConfigException(name, "authorization_header", "(value hidden)", "must be a string",
                        "write it as \"Bearer <token>\" or \"X-API-Key <key>\"");
            }
            try {
                b.authorization(AuthorizationHeader.parse((String) v));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, "authorization_header", "(value hidden)", e.getMessage(),
                        "write it as \"Bearer <token>\", \"Basic <credentials>\" or \"X-API-Key <key>\" on one line");
            }
        }
        b.customHeaders(r.stringMap("custom_headers", true));
        if (m.containsKey("http_endpoint")) {
            b.httpEndpoint(r.string("http_endpoint", null));
        }
        b.httpMethod(r.string("http_method", "POST"));
        if (m.containsKey("http_body")) {
            b.httpBody(r.jsonText("http_body"));
        }
        b.httpHeaders(r.stringMap("http_headers", false));
        if (m.containsKey("websocket_url_response_path")) {
            b.websocketUrlResponsePath(r.string("websocket_url_response_path", null));
        }
        b.sendSampleRateHz(r.integer("send_sample_rate_hertz", 16000));
        b.receiveSampleRateHz(r.integer("receive_sample_rate_hertz", 48000));
        b.receiveAudioChannels(r.integer("receive_audio_channels", 1));
        if (m.containsKey("handshake_ready_message_type")) {
            b.handshakeReadyMessageType(r.string("handshake_ready_message_type", null));
        }
        if (m.containsKey("handshake_requires_session_id")) {
            b.handshakeRequiresSessionId(r.bool("handshake_requires_session_id"));
        }
        b.sessionIdPath(r.string("session_id_path", "session_id"));
        b.handshakeTimeoutMillis(Math.round(r.number("handshake_timeout_seconds", 30) * 1000));
        if (m.containsKey("send_audio_template")) {
            b.sendAudioTemplate(r.string("send_audio_template", null));
        }
        b.messageTypePath(r.string("message_type_path", "type"));
        b.audioMessageTypeValues(r.stringOrList("audio_message_type_value", "audio_chunk"));
        b.audioDataPath(r.string("audio_data_path", "data"));
        b.audioEncoding(r.encoding("audio_encoding", Set.of("pcm", "mp3", "ulaw", "alaw")));
        b.nonAudioEventMessageTypes(r.stringList("non_audio_event_message_types"));
        if (m.containsKey("send_media_template")) {
            b.sendMediaTemplate(r.string("send_media_template", null));
        }
        b.sendAudioEncoding(r.encoding("send_audio_encoding", Set.of("pcm", "ulaw", "alaw")));
        b.chunkMillis(r.integer("chunk_ms", 20));
        if (m.containsKey("trust_ca_file")) {
            Path p = Path.of(r.string("trust_ca_file", null));
            b.trustCaFile(p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p));
        }
        b.pingIntervalMillis(Math.round(r.number("ping_interval_seconds", 0) * 1000));
        b.captures(r.stringMap("captures", false));
        b.playbackFlushMessageTypes(r.stringList("playback_flush_message_types"));
        if (m.containsKey("keepalive_message")) {
            b.keepaliveMessage(r.jsonText("keepalive_message"));
        } else if (m.containsKey("keepalive_interval_seconds")) {
            throw new ConfigException(name, "keepalive_interval_seconds", JsonTree.toJson(m.get(
                    "keepalive_interval_seconds")), "there is no keepalive_message to send",
                    "add \"keepalive_message\": {\"type\": \"KeepAlive\"} or remove the key");
        }
        b.keepaliveIntervalMillis(Math.round(r.number("keepalive_interval_seconds", 5) * 1000));
        if (m.containsKey("agent_transcript_type")) {
            b.agentTranscriptType(r.string("agent_transcript_type", null));
        }
        b.agentTranscriptPath(r.string("agent_transcript_path", "text"));
        return b.build();
    }

    /** Typed access to the file's keys, with errors that name them. */
    static final class Reader {
        private final String file;
        private final Map<String, Object> m;

        Reader(String file, Map<String, Object> m) {
            this.file = file;
            this.m = m;
        }

        private ConfigException type(String key, Object v, String expected, String example) {
            return new ConfigException(file, key, v == null ? "null" : JsonTree.toJson(v),
                    "must be " + expected, "write it as " + example);
        }

        String string(String key, String dflt) throws ConfigException {
            Object v = m.get(key);
            if (v == null) {
                if (m.containsKey(key)) {
                    throw type(key, null, "a string", "\"...\"");
                }
                return dflt;
            }
            if (!(v instanceof String)) {
                throw type(key, v, "a string", "\"" + v + "\"");
            }
            return (String) v;
        }

        int integer(String key, int dflt) throws ConfigException {
            Object v = m.get(key);
            if (v == null && !m.containsKey(key)) {
                return dflt;
            }
            if (v instanceof Long && (Long) v >= Integer.MIN_VALUE && (Long) v <= Integer.MAX_VALUE) {
                return (int) (long) (Long) v;
            }
            if (v instanceof Double && (Double) v == Math.rint((Double) v)) {
                return (int) (double) (Double) v;
            }
            throw type(key, v, "a whole number", String.valueOf(dflt));
        }

        double number(String key, double dflt) throws ConfigException {
            Object v = m.get(key);
            if (v == null && !m.containsKey(key)) {
                return dflt;
            }
            if (v instanceof Number) {
                return ((Number) v).doubleValue();
            }
            throw type(key, v, "a number", String.valueOf(dflt));
        }

        boolean bool(String key) throws ConfigException {
            Object v = m.get(key);
            if (v instanceof Boolean) {
                return (Boolean) v;
            }
            throw type(key, v, "true or false", "true");
        }

        AudioEncoding encoding(String key, Set<String> allowed) throws ConfigException {
            String v = string(key, "pcm");
            if (!allowed.contains(v)) {
                throw new ConfigException(file, key, v, "unknown encoding", "use one of " + allowed);
            }
            return AudioEncoding.valueOf(v.toUpperCase(Locale.ROOT));
        }

        /** A string, or an array of strings (ext); as a list. */
        List<String> stringOrList(String key, String dflt) throws ConfigException {
            Object v = m.get(key);
            if (v instanceof List) {
                List<String> list = stringList(key);
                if (list.isEmpty()) {
                    throw type(key, v, "a string or a non-empty array of strings", "\"" + dflt + "\"");
                }
                return list;
            }
            return List.of(string(key, dflt));
        }

        List<String> stringList(String key) throws ConfigException {
            Object v = m.get(key);
            if (v == null && !m.containsKey(key)) {
                return List.of();
            }
            if (v instanceof List) {
                List<String> out = new ArrayList<>();
                for (Object e : (List<?>) v) {
                    if (!(e instanceof String)) {
                        throw type(key, v, "an array of strings", "[\"transcript\", \"error\"]");
                    }
                    out.add((String) e);
                }
                return out;
            }
            throw type(key, v, "an array of strings", "[\"transcript\", \"error\"]");
        }

        /** An object of strings, or (when {@code stringHoldingOne}) a string holding one. */
        Map<String, String> stringMap(String key, boolean stringHoldingOne) throws ConfigException {
            Object v = m.get(key);
            if (v == null && !m.containsKey(key)) {
                return Map.of();
            }
            if (v instanceof String && stringHoldingOne) {
                try {
                    v = ((String) v).isBlank() ? Map.of() : JsonTree.parse((String) v);
                } catch (IOException e) {
                    throw new ConfigException(file, key, null, "the string does not hold JSON: " + e.getMessage(),
                            "write an object such as {\"X-Client-ID\": \"chorus\"}");
                }
            }
            if (!(v instanceof Map)) {
                throw type(key, v, "an object of strings", "{\"X-Client-ID\": \"chorus\"}");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getValue() instanceof String)) {
                    String name = String.valueOf(e.getKey());
                    throw new ConfigException(file, key + "." + name,
                            Headers.looksSecret(name) ? "(value hidden)" : JsonTree.toJson(e.getValue()),
                            "must be a string", "quote the value");
                }
                out.put(String.valueOf(e.getKey()), (String) e.getValue());
            }
            return out;
        }

        /** An object, or a string holding JSON (placeholders allowed), as compact JSON text. */
        String jsonText(String key) throws ConfigException {
            Object v = m.get(key);
            if (v instanceof Map || v instanceof List) {
                return JsonTree.toJson(v);
            }
            if (v instanceof String) {
                String s = (String) v;
                try {
                    JsonTree.parse(AgentConfig.PLACEHOLDER.matcher(s).replaceAll("0"));
                } catch (IOException e) {
                    throw new ConfigException(file, key, null, "the string does not hold JSON: " + e.getMessage(),
                            "give a JSON object, e.g. {\"action\": \"start_session\"}");
                }
                return s;
            }
            throw type(key, v, "an object or a string holding JSON", "{\"action\": \"start_session\"}");
        }
    }
}
