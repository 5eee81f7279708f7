package dev.chorus.engine.agent;

import java.nio.file.Path;
import java.util.List;

/** How to run the reference agent; defaults on each accessor. Immutable; build with {@link #builder()}. */
public final class ReferenceAgentOptions {
    private final String host;
    private final int port;
    private final String path;
    private final String requiredAuthHeader;
    private final String requiredAuthValue;
    private final long replyDelayMillis;
    private final long replyDurationMillis;
    private final long greetingMillis;
    private final long endOfSpeechSilenceMillis;
    private final int receiveSampleRateHz;
    private final int sendSampleRateHz;
    private final String readyMessageType;
    private final AgentBehavior behavior;
    private final long closeAfterMillis;
    private final long freezeMillis;
    private final boolean binaryAudio;
    private final boolean recordAudio;
    private final Path caPemFile;
    private final int ioThreads;
    private final String setupPath;
    private final String setupRequiredHeader;
    private final String setupRequiredValue;
    private final String callerTypePath;
    private final String callerAudioType;
    private final String callerDataPath;
    private final String callerEncoding;
    private final boolean binaryIsMedia;
    private final List<String> replyTemplates;
    private final String replyEncoding;
    private final byte[] replyMp3;
    private final int replyMp3ChunkBytes;
    private final double replyToneHz;
    private final String profile;
    private final boolean replyBurst;
    private final boolean replyJsonInBinaryFrames;
    private final long protocolPingMillis;
    private final long bargeInAfterMillis;
    private final String replyText;
    private final long interruptAfterMillis;
    private final long bargeInStopMillis;
    private final String transcriptType;
    private final String transcriptPath;
    private final long replyLeadMillis;

    private ReferenceAgentOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.path = b.path;
        this.requiredAuthHeader = b.requiredAuthHeader;
        this.requiredAuthValue = b.requiredAuthValue;
        this.replyDelayMillis = b.replyDelayMillis;
        this.replyDurationMillis = b.replyDurationMillis;
        this.greetingMillis = b.greetingMillis;
        this.endOfSpeechSilenceMillis = b.endOfSpeechSilenceMillis;
        this.receiveSampleRateHz = b.receiveSampleRateHz;
        this.sendSampleRateHz = b.sendSampleRateHz;
        this.readyMessageType = b.readyMessageType;
        this.behavior = b.behavior;
        this.closeAfterMillis = b.closeAfterMillis;
        this.freezeMillis = b.freezeMillis;
        this.binaryAudio = b.binaryAudio;
        this.recordAudio = b.recordAudio;
        this.caPemFile = b.caPemFile;
        this.ioThreads = b.ioThreads;
        this.setupPath = b.setupPath;
        this.setupRequiredHeader = b.setupRequiredHeader;
        this.setupRequiredValue = b.setupRequiredValue;
        this.callerTypePath = b.callerTypePath;
        this.callerAudioType = b.callerAudioType;
        this.callerDataPath = b.callerDataPath;
        this.callerEncoding = b.callerEncoding;
        this.binaryIsMedia = b.binaryIsMedia;
        this.replyTemplates = List.copyOf(b.replyTemplates);
        this.replyEncoding = b.replyEncoding;
        this.replyMp3 = b.replyMp3;
        this.replyMp3ChunkBytes = b.replyMp3ChunkBytes;
        this.replyToneHz = b.replyToneHz;
        this.profile = b.profile;
        this.replyBurst = b.replyBurst;
        this.replyJsonInBinaryFrames = b.replyJsonInBinaryFrames;
        this.protocolPingMillis = b.protocolPingMillis;
        this.bargeInAfterMillis = b.bargeInAfterMillis;
        this.replyText = b.replyText;
        this.interruptAfterMillis = b.interruptAfterMillis;
        this.bargeInStopMillis = b.bargeInStopMillis;
        this.transcriptType = b.transcriptType;
        this.transcriptPath = b.transcriptPath;
        this.replyLeadMillis = b.replyLeadMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Default 127.0.0.1. */
    public String host() {
        return host;
    }

    /** Default 0: any free port. */
    public int port() {
        return port;
    }

    /** Default /agent. */
    public String path() {
        return path;
    }

    /** Header the upgrade must carry, or null (default) for none. */
    public String requiredAuthHeader() {
        return requiredAuthHeader;
    }

    public String requiredAuthValue() {
        return requiredAuthValue;
    }

    /** From the arrival of the caller's last speech to the first reply chunk; default 300 ms. */
    public long replyDelayMillis() {
        return replyDelayMillis;
    }

    /** Default 1200 ms. */
    public long replyDurationMillis() {
        return replyDurationMillis;
    }

    /**
     * Length of the greeting the agent speaks right after its ready message, before it listens (for callers with
     * {@code "first_speaker": "agent"}); default 0: no greeting, the agent waits for the caller.
     */
    public long greetingMillis() {
        return greetingMillis;
    }

    /** Caller silence that ends an utterance; default 200 ms. */
    public long endOfSpeechSilenceMillis() {
        return endOfSpeechSilenceMillis;
    }

    /** Rate of caller audio; default 16000 Hz. */
    public int receiveSampleRateHz() {
        return receiveSampleRateHz;
    }

    /** Rate of the replies; default 48000 Hz. */
    public int sendSampleRateHz() {
        return sendSampleRateHz;
    }

    /** Default "session_ready"; empty sends no ready message. */
    public String readyMessageType() {
        return readyMessageType;
    }

    /** Default NORMAL; a call can override it with the {@link ReferenceAgent#BEHAVIOR_HEADER} header. */
    public AgentBehavior behavior() {
        return behavior;
    }

    /** CLOSE_MID_CALL: after ready; default 500 ms. */
    public long closeAfterMillis() {
        return closeAfterMillis;
    }

    /** FREEZE: default 2000 ms. */
    public long freezeMillis() {
        return freezeMillis;
    }

    /** Replies as raw PCM binary frames instead of JSON; default false. */
    public boolean binaryAudio() {
        return binaryAudio;
    }

    /** Keep each call's caller audio for tests; default false. */
    public boolean recordAudio() {
        return recordAudio;
    }

    /** Where to write the CA PEM; default a temporary file. */
    public Path caPemFile() {
        return caPemFile;
    }

    /** Default 1. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Path of the HTTP-first setup endpoint (POST or GET answers {@code {"data": {"session": {"id": …, "ws_url": "wss://…"}}}}); default /session. */
    public String setupPath() {
        return setupPath;
    }

    /** Header the setup call must carry, else HTTP 401; default none. */
    public String setupRequiredHeader() {
        return setupRequiredHeader;
    }

    public String setupRequiredValue() {
        return setupRequiredValue;
    }

    /** Dot path of a caller message's type; default type. */
    public String callerTypePath() {
        return callerTypePath;
    }

    /** Type value of caller audio messages; default audio_chunk. */
    public String callerAudioType() {
        return callerAudioType;
    }

    /** Dot path of the base64 caller audio; default data. */
    public String callerDataPath() {
        return callerDataPath;
    }

    /** Encoding of caller audio bytes: pcm, ulaw or alaw; default pcm. */
    public String callerEncoding() {
        return callerEncoding;
    }

    /** Binary frames are media (kept whole), not caller audio; default false. */
    public boolean binaryIsMedia() {
        return binaryIsMedia;
    }

    /**
     * Templates of reply audio messages with {@code {{audio_data}}} (exactly that: binary frames), used in turn
     * message by message; default empty: the {@code binaryAudio} choice.
     */
    public List<String> replyTemplates() {
        return replyTemplates;
    }

    /**
     * The protocol the agent speaks (CONTRACT §1 profile names; its wire format was filled into these options by
     * {@link Builder#profile}); default "default".
     */
    public String profile() {
        return profile;
    }

    /** Sends each reply's audio all at once instead of in real time; default false. */
    public boolean replyBurst() {
        return replyBurst;
    }

    /** Sends JSON reply and control messages in binary frames (Gemini Live); default false. */
    public boolean replyJsonInBinaryFrames() {
        return replyJsonInBinaryFrames;
    }

    /** Period of the protocol's own pings (elevenlabs {@code ping}), > 0; default 1000 ms. */
    public long protocolPingMillis() {
        return protocolPingMillis;
    }

    /** {@link AgentBehavior#BARGE_IN}: how long after the caller starts speaking the agent cuts in; default 300 ms. */
    public long bargeInAfterMillis() {
        return bargeInAfterMillis;
    }

    /** Encoding of the reply: pcm, ulaw, alaw or mp3 (then {@code replyMp3} is sent); default pcm. */
    public String replyEncoding() {
        return replyEncoding;
    }

    /** MP3 bytes sent as the reply when replyEncoding is mp3, cut into replyMp3ChunkBytes messages, paced at their duration. */
    public byte[] replyMp3() {
        return replyMp3;
    }

    /** Default 1000 bytes per message, cut anywhere (not on frame boundaries). */
    public int replyMp3ChunkBytes() {
        return replyMp3ChunkBytes;
    }

    /** Reply with a sine tone of this frequency instead of speech-like audio; default 0 (speech-like). */
    public double replyToneHz() {
        return replyToneHz;
    }

    /**
     * Reply with these words spoken by FreeTTS (kevin16, at {@code sendSampleRateHz}) instead of a speech-like
     * signal or tone, and say so in the transcript message; default null. For speech-to-text tests.
     */
    public String replyText() {
        return replyText;
    }

    /**
     * The agent interrupts the caller: it starts its reply this long after the caller's speech starts, while the
     * caller is still speaking, and does not reply again at the end of that utterance; default -1 (off: it replies
     * {@link #replyDelayMillis()} after the utterance ends).
     */
    public long interruptAfterMillis() {
        return interruptAfterMillis;
    }

    /**
     * How the agent is interrupted: when the caller's speech starts during a reply, the reply's audio ends this long
     * after the caller's first loud sample (timed from the arrival of the frame that carries it, cut to the sample);
     * default 0 (at once). -1: the agent does not stop, it finishes its reply over the caller.
     */
    public long bargeInStopMillis() {
        return bargeInStopMillis;
    }

    /** Type of the transcript message sent as each reply starts; default agent_transcript. */
    public String transcriptType() {
        return transcriptType;
    }

    /** Dot path of the text in the transcript message (objects are nested along it); default text. */
    public String transcriptPath() {
        return transcriptPath;
    }

    /**
     * Send each reply frame this long before its time, as streaming TTS servers keep a little ahead, so the caller's
     * playback does not run dry when the agent's own timer fires late; default 0 (exactly in real time).
     */
    public long replyLeadMillis() {
        return replyLeadMillis;
    }

    /** Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String path = "/agent";
        private String requiredAuthHeader;
        private String requiredAuthValue;
        private long replyDelayMillis = 300;
        private long replyDurationMillis = 1200;
        private long greetingMillis;
        private long endOfSpeechSilenceMillis = 200;
        private int receiveSampleRateHz = 16000;
        private int sendSampleRateHz = 48000;
        private String readyMessageType = "session_ready";
        private AgentBehavior behavior = AgentBehavior.NORMAL;
        private long closeAfterMillis = 500;
        private long freezeMillis = 2000;
        private boolean binaryAudio;
        private boolean recordAudio;
        private Path caPemFile;
        private int ioThreads = 1;
        private String setupPath = "/session";
        private String setupRequiredHeader;
        private String setupRequiredValue;
        private String callerTypePath = "type";
        private String callerAudioType = "audio_chunk";
        private String callerDataPath = "data";
        private String callerEncoding = "pcm";
        private boolean binaryIsMedia;
        private List<String> replyTemplates = List.of();
        private String replyEncoding = "pcm";
        private byte[] replyMp3;
        private int replyMp3ChunkBytes = 1000;
        private double replyToneHz = 0;
        private String profile = "default";
        private boolean replyBurst;
        private boolean replyJsonInBinaryFrames;
        private long protocolPingMillis = 1000;
        private long bargeInAfterMillis = 300;

        /**
         * Speaks the protocol of a profile (CONTRACT §1): fills caller paths, encodings, rates, reply templates and
         * the ready message for it. Call it first: later calls override what it filled.
         *
         * @throws IllegalArgumentException for an unknown name, listing the known ones
         */
        public Builder profile(String v) {
            AgentProtocol.configure(v, this);
            profile = v;
            return this;
        }

        public Builder replyBurst(boolean v) {
            replyBurst = v;
            return this;
        }

        public Builder replyJsonInBinaryFrames(boolean v) {
            replyJsonInBinaryFrames = v;
            return this;
        }

        public Builder protocolPingMillis(long v) {
            protocolPingMillis = v;
            return this;
        }

        public Builder bargeInAfterMillis(long v) {
            bargeInAfterMillis = v;
            return this;
        }
        private String replyText;
        private long interruptAfterMillis = -1;
        private long bargeInStopMillis;
        private String transcriptType = "agent_transcript";
        private String transcriptPath = "text";
        private long replyLeadMillis;

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder path(String v) {
            path = v;
            return this;
        }

        /** The upgrade must carry {@code header: value}, else HTTP 401. */
        public Builder requiredAuthorization(String header, String value) {
            requiredAuthHeader = header;
            requiredAuthValue = value;
            return this;
        }

        public Builder replyDelayMillis(long v) {
            replyDelayMillis = v;
            return this;
        }

        public Builder replyDurationMillis(long v) {
            replyDurationMillis = v;
            return this;
        }

        /** Greeting length after ready; 0 (default) for none. */
        public Builder greetingMillis(long v) {
            greetingMillis = v;
            return this;
        }

        public Builder endOfSpeechSilenceMillis(long v) {
            endOfSpeechSilenceMillis = v;
            return this;
        }

        public Builder receiveSampleRateHz(int v) {
            receiveSampleRateHz = v;
            return this;
        }

        public Builder sendSampleRateHz(int v) {
            sendSampleRateHz = v;
            return this;
        }

        public Builder readyMessageType(String v) {
            readyMessageType = v;
            return this;
        }

        public Builder behavior(AgentBehavior v) {
            behavior = v;
            return this;
        }

        public Builder closeAfterMillis(long v) {
            closeAfterMillis = v;
            return this;
        }

        public Builder freezeMillis(long v) {
            freezeMillis = v;
            return this;
        }

        public Builder binaryAudio(boolean v) {
            binaryAudio = v;
            return this;
        }

        public Builder recordAudio(boolean v) {
            recordAudio = v;
            return this;
        }

        public Builder caPemFile(Path v) {
            caPemFile = v;
            return this;
        }

        public Builder ioThreads(int v) {
            ioThreads = v;
            return this;
        }

        public Builder setupPath(String v) {
            setupPath = v;
            return this;
        }

        public Builder callerTypePath(String v) {
            callerTypePath = v;
            return this;
        }

        public Builder callerAudioType(String v) {
            callerAudioType = v;
            return this;
        }

        public Builder callerDataPath(String v) {
            callerDataPath = v;
            return this;
        }

        public Builder callerEncoding(String v) {
            callerEncoding = v;
            return this;
        }

        public Builder binaryIsMedia(boolean v) {
            binaryIsMedia = v;
            return this;
        }

        public Builder replyTemplate(String v) {
            replyTemplates = v == null ? List.of() : List.of(v);
            return this;
        }

        /** Reply templates used in turn, message by message. */
        public Builder replyTemplates(List<String> v) {
            replyTemplates = List.copyOf(v);
            return this;
        }

        public Builder replyEncoding(String v) {
            replyEncoding = v;
            return this;
        }

        public Builder replyMp3(byte[] v) {
            replyMp3 = v;
            return this;
        }

        public Builder replyMp3ChunkBytes(int v) {
            replyMp3ChunkBytes = v;
            return this;
        }

        public Builder replyToneHz(double v) {
            replyToneHz = v;
            return this;
        }

        /** Reply with these words (FreeTTS); null (default) for the speech-like signal. */
        public Builder replyText(String v) {
            replyText = v;
            return this;
        }

        /** Start replying this long after the caller starts speaking (interrupting it); -1 (default) off. */
        public Builder interruptAfterMillis(long v) {
            interruptAfterMillis = v;
            return this;
        }

        /** End the reply this long after the caller barges in; 0 (default) at once, -1 never. */
        public Builder bargeInStopMillis(long v) {
            bargeInStopMillis = v;
            return this;
        }

        public Builder replyLeadMillis(long v) {
            replyLeadMillis = v;
            return this;
        }

        public Builder transcriptType(String v) {
            transcriptType = v;
            return this;
        }

        public Builder transcriptPath(String v) {
            transcriptPath = v;
            return this;
        }

        /** The setup call must carry {@code header: value}, else HTTP 401. */
        public Builder setupRequiredHeader(String header, String value) {
            setupRequiredHeader = header;
            setupRequiredValue = value;
            return this;
        }

        public ReferenceAgentOptions build() {
            if (replyDelayMillis < 0 || replyDurationMillis <= 0 || endOfSpeechSilenceMillis <= 0) {
                throw new IllegalArgumentException("reply delay must be >= 0 and durations > 0");
            }
            if (greetingMillis < 0) {
                throw new IllegalArgumentException("greetingMillis must be >= 0 (0: no greeting): " + greetingMillis);
            }
            if (protocolPingMillis <= 0) {
                throw new IllegalArgumentException("protocolPingMillis must be > 0 (the period of the profile's own "
                        + "pings, elevenlabs ping; default 1000): " + protocolPingMillis);
            }
            if (replyLeadMillis < 0) {
                throw new IllegalArgumentException("replyLeadMillis must be >= 0: " + replyLeadMillis);
            }
            if (interruptAfterMillis < -1 || bargeInStopMillis < -1) {
                throw new IllegalArgumentException("interruptAfterMillis and bargeInStopMillis must be >= 0, or -1 "
                        + "(off): " + interruptAfterMillis + ", " + bargeInStopMillis);
            }
            if (transcriptType == null || transcriptType.isEmpty() || transcriptPath == null
                    || !transcriptPath.matches("[^.]+(\\.[^.]+)*")) {
                throw new IllegalArgumentException("transcriptType must be non-empty and transcriptPath a dot path: "
                        + transcriptType + ", " + transcriptPath);
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + path);
            }
            return new ReferenceAgentOptions(this);
        }
    }
}
