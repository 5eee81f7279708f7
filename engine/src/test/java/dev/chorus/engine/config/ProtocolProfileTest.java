package dev.chorus.engine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CONTRACT §1 "Protocol profiles": the keys each profile fills, the file's own keys winning, the errors. */
class ProtocolProfileTest {
    private static AgentConfig parse(String members) throws ConfigException {
        return AgentConfigLoader.parse("{\"endpoint\": \"wss://agent.example/ws\", " + members + "}", "agent.json",
                Path.of("."));
    }

    @Test
    void everyProfileLoadsWithItsKeysAndHandlers() throws Exception {
        assertThat(ProtocolProfile.names()).containsExactly("default", "raw_pcm", "twilio", "openai_realtime",
                "elevenlabs", "deepgram_agent", "gemini_live", "chirp");
        for (String name : ProtocolProfile.names()) {
            AgentConfig c = parse("\"profile\": \"" + name + "\"");
            assertThat(c.profile()).isEqualTo(name);
            assertThat(c.protocolProfile().name()).isEqualTo(name);
        }
    }

    @Test
    void twilioFillsMuLawEightKilohertzAndItsTemplates() throws Exception {
        AgentConfig c = parse("\"profile\": \"twilio\"");
        assertThat(c.sendSampleRateHz()).isEqualTo(8000);
        assertThat(c.receiveSampleRateHz()).isEqualTo(8000);
        assertThat(c.sendAudioEncoding()).isEqualTo(AudioEncoding.ULAW);
        assertThat(c.audioEncoding()).isEqualTo(AudioEncoding.ULAW);
        assertThat(c.messageTypePath()).isEqualTo("event");
        assertThat(c.audioDataPath()).isEqualTo("media.payload");
        assertThat(c.handshakeReadyMessageType()).isEmpty();
        assertThat(c.handshakeRequiresSessionId()).isFalse();
        assertThat(c.sendAudioTemplate()).contains("{{stream_sid}}").contains("{{chunk}}")
                .contains("{{media_timestamp_ms}}").contains("{{sequence_number}}");
        assertThat(c.initializationJson()).startsWith("{\"event\":\"start\"");
        assertThat(c.playbackFlushMessageTypes()).containsExactly("clear");
        assertThat(c.protocolProfile().openingMessages()).singleElement().asString().contains("connected");
        assertThat(c.protocolProfile().markEcho()).isNotNull();
    }

    @Test
    void keysTheFileGivesWin() throws Exception {
        AgentConfig c = parse("\"profile\": \"twilio\", \"receive_sample_rate_hertz\": 16000, \"audio_encoding\": "
                + "\"pcm\", \"playback_flush_message_types\": [], \"initialization_json\": {\"event\": \"start\", "
                + "\"streamSid\": \"{{stream_sid}}\", \"custom\": \"{{call_id}}\"}");
        assertThat(c.receiveSampleRateHz()).isEqualTo(16000);
        assertThat(c.audioEncoding()).isEqualTo(AudioEncoding.PCM);
        assertThat(c.sendSampleRateHz()).isEqualTo(8000);
        assertThat(c.playbackFlushMessageTypes()).isEmpty();
        assertThat(c.initializationJson()).contains("\"custom\":\"{{call_id}}\"");
    }

    @Test
    void openAiTakesBothAudioTypesAndDeepgramKeepsAlive() throws Exception {
        AgentConfig openai = parse("\"profile\": \"openai_realtime\"");
        assertThat(openai.audioMessageTypeValues()).containsExactly("response.output_audio.delta",
                "response.audio.delta");
        assertThat(openai.audioMessageTypeValue()).isEqualTo("response.output_audio.delta");
        AgentConfig deepgram = parse("\"profile\": \"deepgram_agent\", \"keepalive_interval_seconds\": 2.5");
        assertThat(deepgram.keepaliveMessage()).isEqualTo("{\"type\":\"KeepAlive\"}");
        assertThat(deepgram.keepaliveIntervalMillis()).isEqualTo(2500);
        assertThat(deepgram.protocolProfile().helloMessageType()).isEqualTo("Welcome");
        AgentConfig own = parse("\"audio_message_type_value\": [\"a\", \"b\"], "
                + "\"keepalive_message\": {\"type\": \"ka\", \"call\": \"{{call_id}}\"}");
        assertThat(own.audioMessageTypeValues()).containsExactly("a", "b");
        assertThat(own.keepaliveIntervalMillis()).isEqualTo(5000);
    }

    @Test
    void unknownProfileNamesTheKeyAndListsTheProfiles() {
        assertThatThrownBy(() -> parse("\"profile\": \"twillio\""))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("agent.json: key 'profile', value 'twillio': unknown profile. Fix: "
                        + "did you mean \"twilio\"? use one of: default, raw_pcm, twilio, openai_realtime, "
                        + "elevenlabs, deepgram_agent, gemini_live, chirp");
        assertThatThrownBy(() -> AgentConfig.builder().endpoint("wss://a.example/ws").profile("sip").build())
                .hasMessageContaining("key 'profile', value 'sip': unknown profile")
                .hasMessageContaining("use one of: default, raw_pcm, twilio");
    }

    @Test
    void profilePlaceholdersAreKnownOnlyWithTheirProfile() {
        assertThatThrownBy(() -> parse("\"send_audio_template\": \"{\\\"sid\\\": \\\"{{stream_sid}}\\\", "
                + "\\\"d\\\": \\\"{{audio_data}}\\\"}\""))
                .hasMessageContaining("key 'send_audio_template', value '{{stream_sid}}': unknown placeholder");
        assertThatThrownBy(() -> parse("\"profile\": \"twilio\", \"captures\": {\"mark_name\": \"x.y\"}"))
                .hasMessageContaining("key 'captures', value 'mark_name'")
                .hasMessageContaining("twilio profile's own placeholder");
        assertThatThrownBy(() -> parse("\"keepalive_interval_seconds\": 3"))
                .hasMessageContaining("key 'keepalive_interval_seconds'").hasMessageContaining("keepalive_message");
        assertThatThrownBy(() -> parse("\"audio_message_type_value\": []"))
                .hasMessageContaining("key 'audio_message_type_value'");
        assertThatThrownBy(() -> parse("\"playback_flush_message_types\": [\"\"]"))
                .hasMessageContaining("key 'playback_flush_message_types'");
    }

    @Test
    void profileKeysAreKnownKeys() {
        for (String name : ProtocolProfile.names()) {
            assertThat(AgentConfigLoader.KEYS).containsAll(ProtocolProfile.named(name).keys().keySet());
        }
        assertThat(ProtocolProfile.named("nope")).isNull();
        assertThat(List.of(ProtocolProfile.DEFAULT.placeholders(), ProtocolProfile.TWILIO.placeholders()))
                .satisfiesExactly(d -> assertThat(d).isEmpty(),
                        t -> assertThat(t).contains("stream_sid", "sequence_number", "mark_name"));
    }
}
