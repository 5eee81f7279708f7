package dev.chorus.engine.agent;

import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.config.JsonTree;
import dev.chorus.engine.config.ProtocolProfile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server side of a protocol profile (CONTRACT §1) on one reference-agent call: what the agent says besides its
 * reply audio — ready messages in answer to the caller's init, hellos, marks, clears and interruptions on barge-in,
 * pings — and what it checks of the caller (message order, Twilio's counters), recorded as
 * {@link ObservedCall.ProtocolEvent}s. The shared machinery (caller audio, speech detection, paced replies) stays in
 * {@link AgentCallHandler}; {@link #configure} fills its wire format for a profile.
 *
 * <pre>
 *   profile         opens with            answers the init with         on caller barge-in        after a reply
 *   twilio          -                     - (checks connected, start)   clear                     mark
 *   openai_realtime session.created       session.updated               speech_started (always)   response.done
 *   elevenlabs      -                     conversation_initiation_metadata, then pings   interruption   -
 *   deepgram_agent  Welcome (50 ms late)  SettingsApplied               UserStartedSpeaking       AgentAudioDone
 *   gemini_live     -                     setupComplete (binary frame)  interrupted               turnComplete
 *   chirp           -                     -                             -                         speech.completed
 * </pre>
 *
 * A reply cut short by a barge-in ends with the same message as one played out, after the barge-in message; one cut
 * by the caller's close frame gets none. Not thread-safe: runs on its call's event loop. Control messages are parsed
 * into trees; the one per-frame path, Twilio's media check, reads the bytes ({@link Twilio#audioMessage}).
 */
abstract class AgentProtocol {
    /** Deepgram's hello goes this late, so a caller that sends its Settings without waiting for it is seen doing so. */
    static final long HELLO_DELAY_MILLIS = 50;

    final ReferenceAgentOptions options;
    final ChannelHandlerContext ctx;
    final ObservedCall call;
    final String sessionId;

    AgentProtocol(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
        this.options = options;
        this.ctx = ctx;
        this.call = call;
        this.sessionId = sessionId;
    }

    /**
     * Fills {@code b} with the wire format of {@code profile}: caller paths and encoding, rates, reply templates and
     * encoding, and the ready message sent on open (empty where the protocol answers the init instead).
     *
     * @throws IllegalArgumentException for an unknown profile, listing the known ones
     */
    static void configure(String profile, ReferenceAgentOptions.Builder b) {
        switch (profile == null ? "" : profile) {
            case "default":
                return;
            case "raw_pcm":
                b.binaryAudio(true).readyMessageType("");
                return;
            case "twilio":
                b.readyMessageType("").callerTypePath("event").callerAudioType("media").callerDataPath("media.payload")
                        .callerEncoding("ulaw").receiveSampleRateHz(8000).sendSampleRateHz(8000).replyEncoding("ulaw")
                        .replyTemplate("{\"event\":\"media\",\"streamSid\":\"{{stream_sid}}\","
                                + "\"media\":{\"payload\":\"{{audio_data}}\"}}");
                return;
            case "openai_realtime":
                b.readyMessageType("").callerTypePath("type").callerAudioType("input_audio_buffer.append")
                        .callerDataPath("audio").receiveSampleRateHz(24000).sendSampleRateHz(24000)
                        .replyTemplates(List.of(
                                "{\"type\":\"response.output_audio.delta\",\"response_id\":\"resp_1\","
                                        + "\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,"
                                        + "\"delta\":\"{{audio_data}}\"}",
                                "{\"type\":\"response.audio.delta\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\","
                                        + "\"output_index\":0,\"content_index\":0,\"delta\":\"{{audio_data}}\"}"));
                return;
            case "elevenlabs":
                // The caller's audio has no type: {"user_audio_chunk": "<base64>"}.
                b.readyMessageType("").callerAudioType("").callerDataPath("user_audio_chunk")
                        .receiveSampleRateHz(16000).sendSampleRateHz(16000)
                        .replyTemplate("{\"type\":\"audio\",\"audio_event\":{\"audio_base_64\":\"{{audio_data}}\","
                                + "\"event_id\":1}}");
                return;
            case "deepgram_agent":
                b.readyMessageType("").binaryAudio(true).receiveSampleRateHz(16000).sendSampleRateHz(24000);
                return;
            case "gemini_live":
                b.readyMessageType("").callerTypePath("realtimeInput.audio.mimeType")
                        .callerAudioType("audio/pcm;rate=16000").callerDataPath("realtimeInput.audio.data")
                        .receiveSampleRateHz(16000).sendSampleRateHz(24000).replyJsonInBinaryFrames(true)
                        .replyTemplate("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":"
                                + "{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"{{audio_data}}\"}}]}}}");
                return;
            case "chirp":
                b.readyMessageType("").binaryAudio(true).receiveSampleRateHz(16000).sendSampleRateHz(16000);
                return;
            default:
                throw new IllegalArgumentException("unknown profile '" + profile + "'; "
                        + ProtocolProfile.unknownNameFix(profile));
        }
    }

    /** The protocol of {@code options.profile()} for one call. */
    static AgentProtocol create(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call,
                                String sessionId) {
        switch (options.profile()) {
            case "twilio":
                return new Twilio(options, ctx, call, sessionId);
            case "openai_realtime":
                return new OpenAiRealtime(options, ctx, call, sessionId);
            case "elevenlabs":
                return new ElevenLabs(options, ctx, call, sessionId);
            case "deepgram_agent":
                return new DeepgramAgent(options, ctx, call, sessionId);
            case "gemini_live":
                return new GeminiLive(options, ctx, call, sessionId);
            case "chirp":
                return new Chirp(options, ctx, call, sessionId);
            default:
                return new AgentProtocol(options, ctx, call, sessionId) {
                };
        }
    }

    /** The WebSocket is open (after the default ready message, when there is one). */
    void opened() {
    }

    /** A caller text message that is not audio, as text and as a tree (null when it is not JSON). */
    void text(String json, Object tree, long arrivalNanos) {
    }

    /**
     * A caller audio message that came as JSON text (not released here), whose audio decoded to {@code payloadBytes}
     * bytes. Per caller frame: keep it cheap.
     */
    void audioMessage(ByteBuf json, int payloadBytes, long arrivalNanos) {
    }

    /** The reply to send: {@code shared}, or one made for this call (per-call ids in its messages). */
    ReplyAudio reply(ReplyAudio shared) {
        return shared;
    }

    void replyStarted() {
    }

    void replyEnded() {
    }

    /**
     * The caller started speaking; {@code interrupting} when the agent's last reply may still be playing at the
     * caller's end (a barge-in).
     */
    void callerSpeechStarted(boolean interrupting) {
    }

    /** The call ended: stop timers. */
    void closed() {
    }

    /** Sends a control message (text frame, or binary with {@code replyJsonInBinaryFrames}) and flushes. */
    final void send(String json) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ByteBuf bytes = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        ctx.writeAndFlush(options.replyJsonInBinaryFrames() ? new BinaryWebSocketFrame(bytes)
                : new TextWebSocketFrame(bytes));
    }

    final void event(String type, String detail) {
        call.protocolEvent(type, detail, System.nanoTime());
    }

    static Object parse(String json) {
        try {
            return JsonTree.parse(json);
        } catch (IOException e) {
            return null;
        }
    }

    static String string(Object tree, String path) {
        Object v = tree == null ? null : JsonTree.at(tree, path);
        return v == null ? null : String.valueOf(v);
    }

    /**
     * Twilio Media Streams: checks connected, start and every counter; marks after replies, clear on barge-in. A media
     * message whose counters are all as expected is told so by {@link #expectedMedia} without a String or a tree;
     * any other goes through the tree, which records what is wrong.
     */
    static final class Twilio extends AgentProtocol {
        private static final byte[] STREAM_SID = ascii("streamSid");
        private static final byte[] SEQUENCE_NUMBER = ascii("sequenceNumber");
        private static final byte[] MEDIA = ascii("media");
        private static final byte[] CHUNK = ascii("chunk");
        private static final byte[] TIMESTAMP = ascii("timestamp");
        private static final int ALL_EXPECTED = 0b1111;
        /** Keys an object of a media message may have on the fast path (more: the tree). */
        private static final int MAX_KEYS = 8;

        private String streamSid;
        /** {@link #streamSid} in UTF-8, as it appears in a message; null until start. */
        private byte[] streamSidUtf8;
        /** Start and end of each key of the root object (first half) and of {@code media} (second), for duplicates. */
        private final int[] keys = new int[4 * MAX_KEYS];
        /** Bits of {@link #ALL_EXPECTED} set by {@link #object} for each counter found as expected. */
        private int expected;
        /** Media messages the tree had to read (for tests). */
        int mediaTreeReads;
        private long lastSequence;
        private long lastChunk;
        private long audioMillis;
        private int texts;
        private int marks;
        private ReplyAudio reply;

        Twilio(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            String event = string(tree, "event");
            if (texts++ == 0 && !"connected".equals(event)) {
                event("order_error", "first message is '" + event + "', not connected");
            }
            if ("connected".equals(event)) {
                event("connected", null);
                return;
            }
            if ("start".equals(event)) {
                streamSid = string(tree, "start.streamSid");
                streamSidUtf8 = streamSid == null ? null : streamSid.getBytes(StandardCharsets.UTF_8);
                if (streamSid == null || !streamSid.equals(string(tree, "streamSid"))) {
                    event("counter_error", "start without a matching streamSid: " + json);
                }
                event("start", streamSid);
            }
            sequenced(tree, json);
            if ("mark".equals(event)) {
                call.protocolEvent("mark_echo", string(tree, "mark.name"), arrivalNanos);
            } else if ("stop".equals(event)) {
                event("stop", string(tree, "sequenceNumber"));
            }
        }

        /** Every message after connected carries the stream id and the next sequence number. */
        private void sequenced(Object tree, String json) {
            if (streamSid == null || !streamSid.equals(string(tree, "streamSid"))) {
                event("counter_error", "streamSid missing or wrong in " + abbreviate(json));
            }
            String seq = string(tree, "sequenceNumber");
            if (seq == null || !seq.equals(Long.toString(lastSequence + 1))) {
                event("counter_error", "sequenceNumber " + seq + " after " + lastSequence + " in " + abbreviate(json));
            }
            lastSequence = seq == null ? lastSequence + 1 : parseLong(seq, lastSequence + 1);
        }

        @Override
        void audioMessage(ByteBuf json, int payloadBytes, long arrivalNanos) {
            if (texts == 0) {
                event("order_error", "media before connected and start");
            }
            if (expectedMedia(json)) {
                lastSequence++;
            } else {
                mediaTreeReads++;
                String text = json.toString(StandardCharsets.UTF_8);
                Object tree = parse(text);
                sequenced(tree, text);
                String chunk = string(tree, "media.chunk");
                String timestamp = string(tree, "media.timestamp");
                if (chunk == null || !chunk.equals(Long.toString(lastChunk + 1))) {
                    event("counter_error", "chunk " + chunk + " after " + lastChunk);
                }
                if (timestamp == null || !timestamp.equals(Long.toString(audioMillis))) {
                    event("counter_error", "timestamp " + timestamp + " where " + audioMillis
                            + " ms were sent before");
                }
            }
            lastChunk++;
            // μ-law at 8 kHz: 8 bytes a millisecond.
            audioMillis += payloadBytes / 8;
            if (lastChunk % 50 == 1) {
                event("media", "chunk " + lastChunk);
            }
        }

        /**
         * Whether {@code json} (valid JSON: the scanner read it) is a media message the tree would find nothing wrong
         * with: an object of scalars and one {@code media} object of scalars, no key twice, with {@code streamSid},
         * the next {@code sequenceNumber}, {@code media.chunk} and {@code media.timestamp} as expected (numbers, or
         * strings without escapes). Allocation-free. False for anything else — arrays, other nesting, escapes where
         * it reads, a counter off — and the tree decides.
         */
        private boolean expectedMedia(ByteBuf json) {
            if (streamSidUtf8 == null) {
                return false;
            }
            expected = 0;
            int end = json.writerIndex();
            int i = whitespace(json, json.readerIndex(), end);
            return i < end && json.getByte(i) == '{' && object(json, i, end, true) >= 0 && expected == ALL_EXPECTED;
        }

        /**
         * Reads the object at {@code b[i]} ('{'), checking the counters it holds; the index after it, or -1 when the
         * fast path cannot tell (the tree reads the message instead).
         */
        private int object(ByteBuf b, int i, int end, boolean root) {
            int keyBase = root ? 0 : 2 * MAX_KEYS;
            int keyCount = 0;
            i = whitespace(b, i + 1, end);
            if (i < end && b.getByte(i) == '}') {
                return i + 1;
            }
            while (true) {
                if (i >= end || b.getByte(i) != '"') {
                    return -1;
                }
                int keyStart = i + 1;
                int keyEnd = stringEnd(b, keyStart, end);
                if (keyEnd < 0 || keyCount == MAX_KEYS || escaped(b, keyStart, keyEnd)) {
                    return -1;
                }
                for (int k = 0; k < keyCount; k++) {
                    int at = keyBase + 2 * k;
                    if (same(b, keys[at], keys[at + 1], keyStart, keyEnd)) {
                        return -1; // the tree rejects a duplicate key
                    }
                }
                keys[keyBase + 2 * keyCount] = keyStart;
                keys[keyBase + 2 * keyCount + 1] = keyEnd;
                keyCount++;
                i = whitespace(b, keyEnd + 1, end);
                if (i >= end || b.getByte(i) != ':') {
                    return -1;
                }
                i = whitespace(b, i + 1, end);
                if (i >= end) {
                    return -1;
                }
                byte c = b.getByte(i);
                if (c == '{') {
                    if (!root || !is(b, keyStart, keyEnd, MEDIA) || (i = object(b, i, end, false)) < 0) {
                        return -1;
                    }
                } else if (c == '[') {
                    return -1;
                } else {
                    boolean string = c == '"';
                    int valueStart = string ? i + 1 : i;
                    int valueEnd = string ? stringEnd(b, valueStart, end) : scalarEnd(b, i, end);
                    if (valueEnd < 0) {
                        return -1;
                    }
                    if (!string || !escaped(b, valueStart, valueEnd)) {
                        check(b, root, keyStart, keyEnd, valueStart, valueEnd, string);
                    }
                    i = string ? valueEnd + 1 : valueEnd;
                }
                i = whitespace(b, i, end);
                if (i >= end) {
                    return -1;
                }
                c = b.getByte(i);
                if (c == '}') {
                    return i + 1;
                }
                if (c != ',') {
                    return -1;
                }
                i = whitespace(b, i + 1, end);
            }
        }

        /** Sets the {@link #expected} bit of a counter whose value {@code b[from, to)} is the expected one. */
        private void check(ByteBuf b, boolean root, int keyStart, int keyEnd, int from, int to, boolean string) {
            if (root) {
                if (is(b, keyStart, keyEnd, STREAM_SID)) {
                    if (string && is(b, from, to, streamSidUtf8)) {
                        expected |= 1;
                    }
                } else if (is(b, keyStart, keyEnd, SEQUENCE_NUMBER) && decimal(b, from, to, lastSequence + 1)) {
                    expected |= 2;
                }
            } else if (is(b, keyStart, keyEnd, CHUNK) && decimal(b, from, to, lastChunk + 1)) {
                expected |= 4;
            } else if (is(b, keyStart, keyEnd, TIMESTAMP) && decimal(b, from, to, audioMillis)) {
                expected |= 8;
            }
        }

        private static int whitespace(ByteBuf b, int i, int end) {
            while (i < end) {
                byte c = b.getByte(i);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    break;
                }
                i++;
            }
            return i;
        }

        /** The index of the quote that ends the string whose content starts at {@code i}, or -1. */
        private static int stringEnd(ByteBuf b, int i, int end) {
            int quote = b.indexOf(i, end, (byte) '"');
            if (quote < 0 || !escaped(b, i, quote)) {
                return quote; // the common case (base64 has no escapes): two vectorised searches
            }
            while (i < end) {
                byte c = b.getByte(i);
                if (c == '"') {
                    return i;
                }
                i += c == '\\' ? 2 : 1;
            }
            return -1;
        }

        /** The index after the number or literal at {@code i}. */
        private static int scalarEnd(ByteBuf b, int i, int end) {
            while (i < end) {
                byte c = b.getByte(i);
                if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            return i;
        }

        private static boolean escaped(ByteBuf b, int from, int to) {
            return b.indexOf(from, to, (byte) '\\') >= 0;
        }

        private static boolean same(ByteBuf b, int from1, int to1, int from2, int to2) {
            return to1 - from1 == to2 - from2 && ByteBufUtil.equals(b, from1, b, from2, to1 - from1);
        }

        private static boolean is(ByteBuf b, int from, int to, byte[] bytes) {
            if (to - from != bytes.length) {
                return false;
            }
            for (int k = 0; k < bytes.length; k++) {
                if (b.getByte(from + k) != bytes[k]) {
                    return false;
                }
            }
            return true;
        }

        /** Whether {@code b[from, to)} is exactly {@code Long.toString(v)} (what the tree's check compares with). */
        static boolean decimal(ByteBuf b, int from, int to, long v) {
            if (from >= to || v == Long.MIN_VALUE) {
                return false;
            }
            if (v < 0) {
                if (b.getByte(from) != '-') {
                    return false;
                }
                from++;
                v = -v;
            }
            for (int k = to - 1; k >= from; k--) {
                if (b.getByte(k) != '0' + (int) (v % 10)) {
                    return false;
                }
                v /= 10;
                if (v == 0 && k > from) {
                    return false;
                }
            }
            return v == 0;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        private static String abbreviate(String json) {
            return json.length() > 120 ? json.substring(0, 120) + "…" : json;
        }

        private static long parseLong(String s, long dflt) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return dflt;
            }
        }

        @Override
        ReplyAudio reply(ReplyAudio shared) {
            if (reply == null) {
                String sid = streamSid == null ? "" : streamSid;
                TemplateValues values = (name, inside, out) -> {
                    if (!"stream_sid".equals(name)) {
                        return false;
                    }
                    out.writeCharSequence(sid, StandardCharsets.US_ASCII);
                    return true;
                };
                reply = ReplyAudio.of(options, options.replyDurationMillis(), values);
            }
            return reply;
        }

        @Override
        void replyEnded() {
            String name = "reply-" + ++marks;
            send("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"" + name + "\"}}");
            event("mark_sent", name);
        }

        @Override
        void callerSpeechStarted(boolean interrupting) {
            if (interrupting) {
                send("{\"event\":\"clear\",\"streamSid\":\"" + streamSid + "\"}");
                event("clear_sent", null);
            }
        }
    }

    /** OpenAI Realtime: session.created, session.updated after session.update, speech_started, response.done. */
    static final class OpenAiRealtime extends AgentProtocol {
        private int items;

        OpenAiRealtime(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void opened() {
            send("{\"type\":\"session.created\",\"event_id\":\"event_1\",\"session\":{\"type\":\"realtime\","
                    + "\"id\":\"sess_" + sessionId + "\"}}");
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            String type = string(tree, "type");
            event(type == null ? "unknown" : type, null);
            if ("session.update".equals(type)) {
                send("{\"type\":\"session.updated\",\"event_id\":\"event_2\",\"session\":{\"type\":\"realtime\","
                        + "\"id\":\"sess_" + sessionId + "\"}}");
            }
        }

        @Override
        void callerSpeechStarted(boolean interrupting) {
            send("{\"type\":\"input_audio_buffer.speech_started\",\"audio_start_ms\":0,\"item_id\":\"item_u"
                    + ++items + "\"}");
            event("speech_started_sent", null);
        }

        @Override
        void replyEnded() {
            send("{\"type\":\"response.output_audio.done\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\"}");
            send("{\"type\":\"response.done\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\"}}");
        }
    }

    /** ElevenLabs Agents: metadata after the initiation data, pings that must be answered, interruptions. */
    static final class ElevenLabs extends AgentProtocol {
        private Future<?> pinger;
        private int pings;
        private int interruptions;

        ElevenLabs(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            String type = string(tree, "type");
            if ("conversation_initiation_client_data".equals(type)) {
                event("initiation", null);
                send("{\"type\":\"conversation_initiation_metadata\",\"conversation_initiation_metadata_event\":"
                        + "{\"conversation_id\":\"conv_" + sessionId + "\",\"agent_output_audio_format\":\"pcm_16000\","
                        + "\"user_input_audio_format\":\"pcm_16000\"}}");
                long period = options.protocolPingMillis();
                // A second initiation restarts the pings: one pinger per call.
                cancelPinger();
                pinger = ctx.executor().scheduleAtFixedRate(this::ping, period, period, TimeUnit.MILLISECONDS);
            } else if ("pong".equals(type)) {
                event("pong", string(tree, "event_id"));
            } else {
                event(type == null ? "unknown" : type, json);
            }
        }

        private void ping() {
            int id = ++pings;
            send("{\"type\":\"ping\",\"ping_event\":{\"event_id\":" + id + ",\"ping_ms\":" + (10 + id) + "}}");
            event("ping", Integer.toString(id));
        }

        @Override
        void callerSpeechStarted(boolean interrupting) {
            if (interrupting) {
                send("{\"type\":\"interruption\",\"interruption_event\":{\"event_id\":" + ++interruptions + "}}");
                event("interruption_sent", null);
            }
        }

        @Override
        void closed() {
            cancelPinger();
        }

        private void cancelPinger() {
            if (pinger != null) {
                pinger.cancel(false);
                pinger = null;
            }
        }
    }

    /** Deepgram Voice Agent: Welcome first, SettingsApplied after Settings, speaking events, KeepAlive seen. */
    static final class DeepgramAgent extends AgentProtocol {
        private Future<?> welcome;

        DeepgramAgent(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void opened() {
            welcome = ctx.executor().schedule(() -> {
                welcome = null;
                send("{\"type\":\"Welcome\",\"request_id\":\"req-" + sessionId + "\"}");
                event("welcome_sent", null);
            }, HELLO_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        void closed() {
            if (welcome != null) {
                welcome.cancel(false);
                welcome = null;
            }
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            String type = string(tree, "type");
            if ("Settings".equals(type)) {
                call.protocolEvent("settings", string(tree, "audio.input.sample_rate"), arrivalNanos);
                send("{\"type\":\"SettingsApplied\"}");
            } else if ("KeepAlive".equals(type)) {
                call.protocolEvent("keepalive", null, arrivalNanos);
            } else {
                event(type == null ? "unknown" : type, json);
            }
        }

        @Override
        void callerSpeechStarted(boolean interrupting) {
            send("{\"type\":\"UserStartedSpeaking\"}");
            event("user_started_speaking_sent", null);
        }

        @Override
        void replyStarted() {
            send("{\"type\":\"AgentStartedSpeaking\",\"total_latency\":" + options.replyDelayMillis() / 1000.0
                    + ",\"tts_latency\":0.0,\"ttt_latency\":0.0}");
        }

        @Override
        void replyEnded() {
            send("{\"type\":\"AgentAudioDone\"}");
        }
    }

    /** Gemini Live: setupComplete after setup, JSON in binary frames, turnComplete, interrupted on barge-in. */
    static final class GeminiLive extends AgentProtocol {
        GeminiLive(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            if (tree instanceof Map && ((Map<?, ?>) tree).containsKey("setup")) {
                call.protocolEvent("setup", string(tree, "setup.model"), arrivalNanos);
                send("{\"setupComplete\":{}}");
            } else {
                event("unknown", json);
            }
        }

        @Override
        void replyEnded() {
            send("{\"serverContent\":{\"generationComplete\":true}}");
            send("{\"serverContent\":{\"turnComplete\":true}}");
        }

        @Override
        void callerSpeechStarted(boolean interrupting) {
            if (interrupting) {
                send("{\"serverContent\":{\"interrupted\":true}}");
                event("interrupted_sent", null);
            }
        }
    }

    /** CHIRP: speech.started / speech.completed around each reply; the caller's own speech events recorded. */
    static final class Chirp extends AgentProtocol {
        Chirp(ReferenceAgentOptions options, ChannelHandlerContext ctx, ObservedCall call, String sessionId) {
            super(options, ctx, call, sessionId);
        }

        @Override
        void text(String json, Object tree, long arrivalNanos) {
            String type = string(tree, "type");
            call.protocolEvent("caller_" + (type == null ? "unknown" : type), null, arrivalNanos);
        }

        @Override
        void replyStarted() {
            send("{\"type\":\"speech.started\"}");
            event("speech_started_sent", null);
        }

        @Override
        void replyEnded() {
            send("{\"type\":\"speech.completed\"}");
        }
    }
}
