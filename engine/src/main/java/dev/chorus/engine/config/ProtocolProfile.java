package dev.chorus.engine.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A protocol profile (CONTRACT §1, {@code "profile"}): the agent-file keys a well-known voice protocol needs, and, as
 * data for the call pipeline's profile handlers, what those keys cannot say — messages sent as the WebSocket opens
 * or closes, a hello to wait for, auto-replies, marks echoed at playback time, stream ids and counters, message
 * kinds named by the keys a message has, JSON in binary frames, speech events around the caller's utterances.
 *
 * <p>Keys go under the agent file's own: any key the file gives wins. Immutable and thread-safe.
 *
 * <pre>
 *   agent file  ──►  profile.keys() overlaid by the file's keys  ──►  AgentConfig
 *                    profile's handler data  ──────────────────────►  CallChannelInitializer (profile handlers)
 * </pre>
 */
public final class ProtocolProfile {
    /** Placeholders of profiles with {@link #streamIds()}: generated per call, or counted per message. */
    public static final Set<String> STREAM_PLACEHOLDERS = Set.of("stream_sid", "call_sid", "account_sid",
            "sequence_number", "chunk", "media_timestamp_ms");

    /**
     * When the agent sends a message of {@code messageType}, send {@code template} back right away (placeholders
     * resolved from that message's captures first), but only when the message carries {@code requiredCapture}.
     */
    public record AutoReply(String messageType, String template, String requiredCapture) {
    }

    /**
     * Playback marks: a {@code markType} message is echoed through {@code echoTemplate} ({@code {{mark_name}}} is
     * the name read at the {@code nameCapture}) when the agent audio received before it has played; a
     * {@code clearType} message returns every pending mark at once.
     */
    public record MarkEcho(String markType, String clearType, String nameCapture, String echoTemplate) {
    }

    /**
     * Speech events: {@code startedMessage} before the first frame of each caller utterance, {@code completedMessage}
     * after its last one; an agent message of {@code agentStartedType} while the caller speaks is a server barge-in.
     */
    public record SpeechEvents(String startedMessage, String completedMessage, String agentStartedType) {
    }

    public static final ProtocolProfile DEFAULT = new Builder("default",
            "the defaults of CONTRACT §1: JSON audio_chunk messages both ways, session_ready").build();

    public static final ProtocolProfile RAW_PCM = new Builder("raw_pcm",
            "binary PCM frames both ways, no JSON handshake")
            .key("send_audio_template", "{{audio_data}}")
            .key("handshake_ready_message_type", "")
            .key("handshake_requires_session_id", false)
            .build();

    public static final ProtocolProfile TWILIO = new Builder("twilio", "Twilio Media Streams")
            .key("send_sample_rate_hertz", 8000L)
            .key("receive_sample_rate_hertz", 8000L)
            .key("send_audio_encoding", "ulaw")
            .key("audio_encoding", "ulaw")
            .key("handshake_ready_message_type", "")
            .key("handshake_requires_session_id", false)
            .key("initialization_json", "{\"event\":\"start\",\"sequenceNumber\":\"{{sequence_number}}\","
                    + "\"streamSid\":\"{{stream_sid}}\",\"start\":{\"accountSid\":\"{{account_sid}}\","
                    + "\"streamSid\":\"{{stream_sid}}\",\"callSid\":\"{{call_sid}}\",\"tracks\":[\"inbound\"],"
                    + "\"customParameters\":{\"chorus_call_id\":\"{{call_id}}\",\"test_case_id\":\"{{test_case_id}}\"},"
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}")
            .key("send_audio_template", "{\"event\":\"media\",\"sequenceNumber\":\"{{sequence_number}}\","
                    + "\"streamSid\":\"{{stream_sid}}\",\"media\":{\"track\":\"inbound\",\"chunk\":\"{{chunk}}\","
                    + "\"timestamp\":\"{{media_timestamp_ms}}\",\"payload\":\"{{audio_data}}\"}}")
            .key("message_type_path", "event")
            .key("audio_message_type_value", "media")
            .key("audio_data_path", "media.payload")
            .key("playback_flush_message_types", List.of("clear"))
            .opening("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}")
            .closing("{\"event\":\"stop\",\"sequenceNumber\":\"{{sequence_number}}\",\"streamSid\":\"{{stream_sid}}\","
                    + "\"stop\":{\"accountSid\":\"{{account_sid}}\",\"callSid\":\"{{call_sid}}\"}}")
            .streamIds()
            .capture("mark_name", "mark.name")
            .markEcho(new MarkEcho("mark", "clear", "mark_name", "{\"event\":\"mark\",\"sequenceNumber\":"
                    + "\"{{sequence_number}}\",\"streamSid\":\"{{stream_sid}}\","
                    + "\"mark\":{\"name\":\"{{mark_name}}\"}}"))
            .build();

    public static final ProtocolProfile OPENAI_REALTIME = new Builder("openai_realtime", "OpenAI Realtime API")
            .key("send_sample_rate_hertz", 24000L)
            .key("receive_sample_rate_hertz", 24000L)
            .key("initialization_json", "{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\","
                    + "\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":24000},"
                    + "\"turn_detection\":{\"type\":\"server_vad\"}},"
                    + "\"output\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":24000}}}}}")
            .key("handshake_ready_message_type", "session.updated")
            .key("handshake_requires_session_id", false)
            .key("session_id_path", "session.id")
            .key("send_audio_template", "{\"type\":\"input_audio_buffer.append\",\"audio\":\"{{audio_data}}\"}")
            .key("audio_message_type_value", List.of("response.output_audio.delta", "response.audio.delta"))
            .key("audio_data_path", "delta")
            .key("playback_flush_message_types", List.of("input_audio_buffer.speech_started"))
            .build();

    public static final ProtocolProfile ELEVENLABS = new Builder("elevenlabs", "ElevenLabs Agents (ConvAI) WebSocket")
            .key("send_sample_rate_hertz", 16000L)
            .key("receive_sample_rate_hertz", 16000L)
            .key("initialization_json", "{\"type\":\"conversation_initiation_client_data\","
                    + "\"conversation_config_override\":{},\"dynamic_variables\":{\"chorus_call_id\":\"{{call_id}}\"}}")
            .key("handshake_ready_message_type", "conversation_initiation_metadata")
            .key("handshake_requires_session_id", true)
            .key("session_id_path", "conversation_initiation_metadata_event.conversation_id")
            .key("send_audio_template", "{\"user_audio_chunk\":\"{{audio_data}}\"}")
            .key("audio_message_type_value", "audio")
            .key("audio_data_path", "audio_event.audio_base_64")
            .key("playback_flush_message_types", List.of("interruption"))
            .capture("ping_event_id", "ping_event.event_id")
            .autoReply(new AutoReply("ping", "{\"type\":\"pong\",\"event_id\":{{ping_event_id}}}", "ping_event_id"))
            .build();

    public static final ProtocolProfile DEEPGRAM_AGENT = new Builder("deepgram_agent", "Deepgram Voice Agent API")
            .key("send_sample_rate_hertz", 16000L)
            .key("receive_sample_rate_hertz", 24000L)
            .key("initialization_json", "{\"type\":\"Settings\",\"audio\":{\"input\":{\"encoding\":\"linear16\","
                    + "\"sample_rate\":16000},\"output\":{\"encoding\":\"linear16\",\"sample_rate\":24000,"
                    + "\"container\":\"none\"}},\"agent\":{\"listen\":{\"provider\":{\"type\":\"deepgram\","
                    + "\"model\":\"nova-3\"}},"
                    + "\"think\":{\"provider\":{\"type\":\"open_ai\",\"model\":\"gpt-4o-mini\"}},"
                    + "\"speak\":{\"provider\":{\"type\":\"deepgram\",\"model\":\"aura-2-thalia-en\"}}}}")
            .key("handshake_ready_message_type", "SettingsApplied")
            .key("handshake_requires_session_id", false)
            .key("send_audio_template", "{{audio_data}}")
            .key("keepalive_message", "{\"type\":\"KeepAlive\"}")
            .key("keepalive_interval_seconds", 5L)
            .key("playback_flush_message_types", List.of("UserStartedSpeaking"))
            .hello("Welcome")
            .build();

    public static final ProtocolProfile GEMINI_LIVE = new Builder("gemini_live",
            "Gemini Live API (BidiGenerateContent)")
            .key("send_sample_rate_hertz", 16000L)
            .key("receive_sample_rate_hertz", 24000L)
            .key("initialization_json", "{\"setup\":{\"model\":\"models/gemini-2.0-flash-live-001\","
                    + "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}}}")
            .key("handshake_ready_message_type", "setupComplete")
            .key("handshake_requires_session_id", false)
            .key("send_audio_template", "{\"realtimeInput\":{\"audio\":{\"data\":\"{{audio_data}}\","
                    + "\"mimeType\":\"audio/pcm;rate=16000\"}}}")
            // No type field: audio is told by its part's MIME type, other messages by the keys they have.
            .key("message_type_path", "serverContent.modelTurn.parts.0.inlineData.mimeType")
            .key("audio_message_type_value", List.of("audio/pcm;rate=24000", "audio/pcm"))
            .key("audio_data_path", "serverContent.modelTurn.parts.0.inlineData.data")
            .key("playback_flush_message_types", List.of("serverContent.interrupted"))
            .kinds("setupComplete", "serverContent.interrupted", "serverContent.turnComplete",
                    "serverContent.generationComplete", "serverContent.inputTranscription",
                    "serverContent.outputTranscription", "toolCall", "toolCallCancellation", "goAway",
                    "sessionResumptionUpdate", "usageMetadata")
            .binaryFramesCarryJson()
            .build();

    public static final ProtocolProfile CHIRP = new Builder("chirp",
            "CHIRP (Cekura, Bluejay): raw PCM and speech events")
            .key("send_sample_rate_hertz", 16000L)
            .key("receive_sample_rate_hertz", 16000L)
            .key("send_audio_template", "{{audio_data}}")
            .key("handshake_ready_message_type", "")
            .key("handshake_requires_session_id", false)
            .key("playback_flush_message_types", List.of("clear"))
            .speechEvents(new SpeechEvents("{\"type\":\"speech.started\"}", "{\"type\":\"speech.completed\"}",
                    "speech.started"))
            .build();

    private static final List<ProtocolProfile> ALL = List.of(DEFAULT, RAW_PCM, TWILIO, OPENAI_REALTIME, ELEVENLABS,
            DEEPGRAM_AGENT, GEMINI_LIVE, CHIRP);

    private final String name;
    private final String description;
    private final Map<String, Object> keys;
    private final List<String> openingMessages;
    private final String closingMessage;
    private final String helloMessageType;
    private final Map<String, String> captures;
    private final List<AutoReply> autoReplies;
    private final MarkEcho markEcho;
    private final boolean streamIds;
    private final List<String> kindPaths;
    private final boolean binaryFramesCarryJson;
    private final SpeechEvents speechEvents;

    private ProtocolProfile(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(b.keys));
        this.openingMessages = List.copyOf(b.openingMessages);
        this.closingMessage = b.closingMessage;
        this.helloMessageType = b.helloMessageType;
        this.captures = Collections.unmodifiableMap(new LinkedHashMap<>(b.captures));
        this.autoReplies = List.copyOf(b.autoReplies);
        this.markEcho = b.markEcho;
        this.streamIds = b.streamIds;
        this.kindPaths = List.copyOf(b.kindPaths);
        this.binaryFramesCarryJson = b.binaryFramesCarryJson;
        this.speechEvents = b.speechEvents;
    }

    /** The profile called {@code name}, or null when there is none. */
    public static ProtocolProfile named(String name) {
        for (ProtocolProfile p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Every profile's name, in the order the README lists them. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ProtocolProfile p : ALL) {
            names.add(p.name);
        }
        return names;
    }

    /** The fix for an unknown profile name: the nearest name, and every name. */
    public static String unknownNameFix(String name) {
        String near = name == null ? null : Suggest.nearest(name, names());
        return (near != null ? "did you mean \"" + near + "\"? " : "") + "use one of: " + String.join(", ", names());
    }

    public String name() {
        return name;
    }

    /** The protocol in words. */
    public String description() {
        return description;
    }

    /** Agent-file keys the profile fills, as parsed JSON values (Long, String, Boolean, List of String). */
    public Map<String, Object> keys() {
        return keys;
    }

    /** JSON texts sent in order as the WebSocket opens, before {@code initialization_json}; placeholders allowed. */
    public List<String> openingMessages() {
        return openingMessages;
    }

    /** JSON text sent just before the close frame when the caller hangs up, or null. */
    public String closingMessage() {
        return closingMessage;
    }

    /** The type of the agent's hello: nothing is sent, not even the init message, until it came; or null. */
    public String helloMessageType() {
        return helloMessageType;
    }

    /** Values (name → dot path) the profile's handlers read from agent messages, besides the file's captures. */
    public Map<String, String> captures() {
        return captures;
    }

    public List<AutoReply> autoReplies() {
        return autoReplies;
    }

    /** Mark echo and clear, or null. */
    public MarkEcho markEcho() {
        return markEcho;
    }

    /** Whether {@link #STREAM_PLACEHOLDERS} are known (generated ids, per-message counters). */
    public boolean streamIds() {
        return streamIds;
    }

    /**
     * Dot paths that name the kind of a message without a type: such a message takes the first path it has as its
     * type ({@code setupComplete}, {@code serverContent.interrupted}); empty for typed protocols.
     */
    public List<String> kindPaths() {
        return kindPaths;
    }

    /** Whether the agent's binary frames hold JSON text, not raw audio. */
    public boolean binaryFramesCarryJson() {
        return binaryFramesCarryJson;
    }

    /** Speech events around caller utterances, or null. */
    public SpeechEvents speechEvents() {
        return speechEvents;
    }

    /** Placeholders the profile adds to every template: its captures, and the stream ids and counters. */
    public Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>(captures.keySet());
        if (streamIds) {
            names.addAll(STREAM_PLACEHOLDERS);
        }
        return names;
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Builder {
        private final String name;
        private final String description;
        private final Map<String, Object> keys = new LinkedHashMap<>();
        private final List<String> openingMessages = new ArrayList<>();
        private String closingMessage;
        private String helloMessageType;
        private final Map<String, String> captures = new LinkedHashMap<>();
        private final List<AutoReply> autoReplies = new ArrayList<>();
        private MarkEcho markEcho;
        private boolean streamIds;
        private final List<String> kindPaths = new ArrayList<>();
        private boolean binaryFramesCarryJson;
        private SpeechEvents speechEvents;

        Builder(String name, String description) {
            this.name = name;
            this.description = description;
        }

        Builder key(String key, Object value) {
            if (!AgentConfigLoader.KEYS.contains(key)) {
                throw new IllegalStateException("profile " + name + " fills unknown key " + key);
            }
            keys.put(key, value);
            return this;
        }

        Builder opening(String json) {
            openingMessages.add(json);
            return this;
        }

        Builder closing(String json) {
            closingMessage = json;
            return this;
        }

        Builder hello(String type) {
            helloMessageType = type;
            return this;
        }

        Builder capture(String captureName, String path) {
            captures.put(captureName, path);
            return this;
        }

        Builder autoReply(AutoReply reply) {
            autoReplies.add(reply);
            return this;
        }

        Builder markEcho(MarkEcho echo) {
            markEcho = echo;
            return this;
        }

        Builder streamIds() {
            streamIds = true;
            return this;
        }

        Builder kinds(String... paths) {
            kindPaths.addAll(List.of(paths));
            return this;
        }

        Builder binaryFramesCarryJson() {
            binaryFramesCarryJson = true;
            return this;
        }

        Builder speechEvents(SpeechEvents events) {
            speechEvents = events;
            return this;
        }

        ProtocolProfile build() {
            return new ProtocolProfile(this);
        }
    }
}
