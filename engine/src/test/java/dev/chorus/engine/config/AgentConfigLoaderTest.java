package dev.chorus.engine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CONTRACT §1: every key checked at load time, with the file, the key, the value and the fix in the message. */
class AgentConfigLoaderTest {
    private static final Path DIR = Path.of(".");

    private static AgentConfig parse(String json) throws ConfigException {
        return AgentConfigLoader.parse(json, "agent.json", DIR);
    }

    private static ConfigException rejected(String json) {
        try {
            parse(json);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://agent.example.com/ws", "http://agent.example.com/ws", "https://agent.example.com/ws",
            "wss://", "not a url", "wss//agent.example.com"})
    void rejectsEndpointsThatAreNotWss(String endpoint) {
        ConfigException e = rejected("{\"endpoint\": \"" + endpoint + "\"}");
        assertThat(e.getMessage()).startsWith("Invalid WebSocket URL").contains("agent.json").contains("endpoint");
        assertThat(e.key()).isEqualTo("endpoint");
    }

    @Test
    void directModeDefaults() throws Exception {
        AgentConfig c = parse("{\"endpoint\": \"wss://agent.example.com/ws\"}");
        assertThat(c.connectionMode()).isEqualTo(ConnectionMode.DIRECT);
        assertThat(c.handshakeReadyMessageType()).isEqualTo("session_ready");
        assertThat(c.handshakeRequiresSessionId()).isTrue();
        assertThat(c.sendSampleRateHz()).isEqualTo(16000);
        assertThat(c.receiveSampleRateHz()).isEqualTo(48000);
        assertThat(c.chunkMillis()).isEqualTo(20);
        assertThat(c.handshakeTimeoutMillis()).isEqualTo(30_000);
        assertThat(c.sendAudioTemplate()).contains("{{audio_data}}");
        assertThat(c.messageTypePath()).isEqualTo("type");
        assertThat(c.audioDataPath()).isEqualTo("data");
        assertThat(c.audioMessageTypeValue()).isEqualTo("audio_chunk");
        assertThat(c.audioEncoding()).isEqualTo(AudioEncoding.PCM);
    }

    @Test
    void httpFirstModeDefaults() throws Exception {
        AgentConfig c = parse("{\"connection_mode\": \"http_first\", \"http_endpoint\": \"https://api.example.com/s\","
                + " \"websocket_url_response_path\": \"data.ws_url\"}");
        assertThat(c.connectionMode()).isEqualTo(ConnectionMode.HTTP_FIRST);
        assertThat(c.handshakeReadyMessageType()).isEmpty();
        assertThat(c.handshakeRequiresSessionId()).isFalse();
        assertThat(c.httpMethod()).isEqualTo("POST");
    }

    @Test
    void rejectsUnknownKeyWithTheNearestKnownOne() {
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", \"send_sample_rate_hz\": 16000}");
        assertThat(e.key()).isEqualTo("send_sample_rate_hz");
        assertThat(e.getMessage()).contains("agent.json").contains("send_sample_rate_hertz");
    }

    @Test
    void agentTranscriptKeysDefaultToTextOfAnyMessageAndAreValidated() throws Exception {
        AgentConfig d = parse("{\"endpoint\": \"wss://a.example/ws\"}");
        assertThat(d.agentTranscriptType()).isNull();
        assertThat(d.agentTranscriptPath()).isEqualTo("text");
        AgentConfig c = parse("{\"endpoint\": \"wss://a.example/ws\", \"agent_transcript_type\": "
                + "\"response.audio_transcript.done\", \"agent_transcript_path\": \"transcript\"}");
        assertThat(c.agentTranscriptType()).isEqualTo("response.audio_transcript.done");
        assertThat(c.agentTranscriptPath()).isEqualTo("transcript");
        ConfigException path = rejected("{\"endpoint\": \"wss://a.example/ws\", \"agent_transcript_path\": \"a..b\"}");
        assertThat(path.key()).isEqualTo("agent_transcript_path");
        assertThat(path.getMessage()).contains("a..b").contains("dot path");
        ConfigException empty = rejected("{\"endpoint\": \"wss://a.example/ws\", \"agent_transcript_type\": \"\"}");
        assertThat(empty.key()).isEqualTo("agent_transcript_type");
        assertThat(empty.getMessage()).contains("remove the key");
        ConfigException audio = rejected("{\"endpoint\": \"wss://a.example/ws\", \"agent_transcript_type\": "
                + "\"audio_chunk\"}");
        assertThat(audio.getMessage()).contains("audio_message_type_value");
        ConfigException type = rejected("{\"endpoint\": \"wss://a.example/ws\", \"agent_transcript_type\": 3}");
        assertThat(type.key()).isEqualTo("agent_transcript_type");
        assertThat(type.getMessage()).contains("must be a string");
    }

    @Test
    void rejectsSampleRateOutsideTheSet() {
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", \"send_sample_rate_hertz\": 11025}");
        assertThat(e.key()).isEqualTo("send_sample_rate_hertz");
        assertThat(e.getMessage()).contains("11025").contains("16000");
    }

    @Test
    void rejectsWrongType() {
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", \"chunk_ms\": \"twenty\"}");
        assertThat(e.key()).isEqualTo("chunk_ms");
        assertThat(e.fix()).isNotBlank();
    }

    @Test
    void rejectsAudioTemplateWithoutItsPlaceholder() {
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", "
                + "\"send_audio_template\": \"{\\\"type\\\": \\\"audio\\\"}\"}");
        assertThat(e.key()).isEqualTo("send_audio_template");
        assertThat(e.getMessage()).contains("{{audio_data}}");
    }

    @Test
    void rejectsHttpFirstWithoutItsKeys() {
        ConfigException e = rejected("{\"connection_mode\": \"http_first\", "
                + "\"http_endpoint\": \"http://api.example.com/s\", \"websocket_url_response_path\": \"url\"}");
        assertThat(e.key()).isEqualTo("http_endpoint");
        ConfigException missing = rejected("{\"connection_mode\": \"http_first\", "
                + "\"http_endpoint\": \"https://api.example.com/s\"}");
        assertThat(missing.key()).isEqualTo("websocket_url_response_path");
    }

    @Test
    void authorizationHeaderInBothFormsAndNeverInMessages() throws Exception {
        AgentConfig bearer = parse("{\"endpoint\": \"wss://a.example/ws\", \"authorization_header\": \"Bearer abc\"}");
        assertThat(bearer.authorization().headerName()).isEqualTo("Authorization");
        assertThat(bearer.authorization().value()).isEqualTo("Bearer abc");
        AgentConfig key = parse("{\"endpoint\": \"wss://a.example/ws\", \"authorization_header\": \"X-API-Key abc\"}");
        assertThat(key.authorization().headerName()).isEqualTo("X-API-Key");
        assertThat(key.authorization().value()).isEqualTo("abc");
        assertThat(key.toString()).doesNotContain("abc");
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", \"authorization_header\": 42}");
        assertThat(e.getMessage()).doesNotContain("42");
    }

    @Test
    void initializationJsonAndHeadersMayBeStringsHoldingJson() throws Exception {
        AgentConfig c = parse("{\"endpoint\": \"wss://a.example/ws\", "
                + "\"initialization_json\": \"{\\\"action\\\": \\\"start\\\"}\", "
                + "\"custom_headers\": \"{\\\"X-Team\\\": \\\"voice\\\"}\"}");
        assertThat(c.initializationJson()).contains("\"action\"");
        assertThat(c.customHeaders()).containsEntry("X-Team", "voice");
        ConfigException e = rejected("{\"endpoint\": \"wss://a.example/ws\", \"initialization_json\": \"{not json\"}");
        assertThat(e.key()).isEqualTo("initialization_json");
    }

    /** A profile that waits for a hello needs the ready message: only its deadline bounds the wait for the hello. */
    @Test
    void rejectsAHelloProfileWithoutAReadyMessage() throws Exception {
        ConfigException e = rejected("{\"profile\": \"deepgram_agent\", \"endpoint\": \"wss://a.example/ws\", "
                + "\"handshake_ready_message_type\": \"\"}");
        assertThat(e.key()).isEqualTo("handshake_ready_message_type");
        assertThat(e.problem()).contains("Welcome").contains("no deadline");
        assertThat(e.fix()).contains("remove the key").contains("SettingsApplied");
        assertThat(e.getMessage()).contains("agent.json");
        assertThat(parse("{\"profile\": \"deepgram_agent\", \"endpoint\": \"wss://a.example/ws\"}")
                .handshakeReadyMessageType()).isEqualTo("SettingsApplied");
    }
}
