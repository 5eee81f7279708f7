package dev.chorus.codecs.template;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads one inbound JSON message along pre-parsed dot paths with jackson-core's streaming parser: the message type,
 * the base64 audio (decoded straight into a buffer, no String), and a few other values. Subtrees off every path
 * are skipped, never built. Fields may come in any order: audio met before the type is decoded tentatively and
 * rolled back if the message turns out not to be audio.
 *
 * <p>Allocation-free for audio messages: a fresh jackson parser costs about 800 bytes (parser, I/O context, read
 * contexts, quad buffer), so objects and arrays go through one non-blocking parser kept for the thread and fed
 * message after message, each message one root-level value of the same token stream. Every scan consumes its
 * message to the end or replaces the parser, so the connections of one event loop share it (and its field-name
 * table, its scratch copy and the path stacks: ~2.5 KB a connection held once a thread instead, issue 4). It is
 * replaced after any error (its state is then unknown) and every {@value #MESSAGES_PER_PARSER} messages (bounding
 * its field-name table). Scalar roots, which a non-blocking parser cannot end without more input, take a fresh
 * blocking parser.
 *
 * <p>Protocols without a type field are read in two ways: the audio type may be any of several values (OpenAI's
 * GA and beta delta types), or, with no values at all, every message holding data at the audio path is audio
 * (ElevenLabs' {@code {"user_audio_chunk": …}}); and presence paths say which keys a message has (Gemini's
 * {@code setupComplete}, {@code serverContent.interrupted}), whatever their value is — an object, an array or a
 * scalar other than {@code null} and {@code false}.
 *
 * <p>Long audio is kept from jackson (issue 3, item 7): its non-blocking parser copies every string into its text
 * buffer a character at a time, which for 20 ms of 24 kHz audio cost as much as decoding it. In an object or array
 * message of at least {@value #ELIDE_MIN_MESSAGE_BYTES} bytes, the first string of at least
 * {@value #ELIDE_MIN_CHARS} bytes without escapes in a value position ({@link LongStringFinder}) is fed to the
 * parser as an empty string; when the parser reaches it, it is decoded straight from the message bytes (or, rarely,
 * read as text). Jackson's verdict on the string's content is stood in for by checks of the same strength: the
 * strict decoder accepts only alphabet and padding, text only printable ASCII, and a string nobody looked at is
 * checked at the end. Anything else (an error, a check failing, a string the finder misplaced) scans the message
 * again without the shortcut, so every result and error message is the one jackson alone gives.
 * <pre>
 *   message  {"type":"audio_chunk","data":"UklGRiQAAABX...AAAA=="}
 *   fed      {"type":"audio_chunk","data":  |  ""  |  }
 *            prefix                           stand-in  tail
 * </pre>
 *
 * <p>Not thread-safe: one per connection (it reuses its {@link ScanResult}); any number on one thread.
 */
public final class InboundMessageScanner {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_DEPTH = 64;
    private static final int MESSAGES_PER_PARSER = 1 << 16;
    /** Below this a message is scanned as it is: finding a long string would cost more than it saves. */
    private static final int ELIDE_MIN_MESSAGE_BYTES = 256;
    /** The shortest string kept from jackson (20 ms of 8 kHz G.711 is 216 base64 characters). */
    private static final int ELIDE_MIN_CHARS = 128;
    /** What jackson reads in place of the long string. */
    private static final byte[] STAND_IN = {'"', '"'};
    private static final int MAX_STRING_CHARS = FACTORY.streamReadConstraints().getMaxStringLength();

    /** What a message turned out to be. */
    public enum Kind { AUDIO, MESSAGE, INVALID_JSON, INVALID_AUDIO }

    /** The outcome of {@link #scan}; the same instance is returned by every call. */
    public static final class ScanResult {
        private Kind kind;
        private String type;
        private int audioBytes;
        private final String[] values;
        private long present;
        private String errorMessage;

        ScanResult(int values) {
            this.values = new String[values];
        }

        public Kind kind() {
            return kind;
        }

        /** The type for MESSAGE (null when absent); null for AUDIO, whose type is known. */
        public String type() {
            return type;
        }

        /** Decoded audio bytes written for AUDIO. */
        public int audioBytes() {
            return audioBytes;
        }

        /** The scalar at value path {@code i} for MESSAGE, or null. */
        public String value(int i) {
            return values[i];
        }

        /** For MESSAGE: whether presence path {@code i} (below 64) is in the message, not null and not false. */
        public boolean present(int i) {
            return (present & 1L << i) != 0;
        }

        public String errorMessage() {
            return errorMessage;
        }
    }

    private static final byte[] EMPTY = new byte[0];
    private final DotPath typePath;
    /** The type values of audio messages; empty: a message is audio when it has data at the audio path. */
    private final char[][] audioTypes;
    private final boolean typeless;
    private final List<String> audioTypeValues;
    private final DotPath audioPath;
    private final DotPath[] valuePaths;
    private final DotPath[] presencePaths;
    private final DotPath[] all;
    private final ScanResult result;
    /** What the scanners of one thread share between scans: each scan leaves it clean (or replaces the parser). */
    private static final class Shared {
        final String[] names = new String[MAX_DEPTH];
        final int[] indices = new int[MAX_DEPTH];
        /** Copy of a message in a direct buffer, grown to the largest message of the thread. */
        byte[] scratch = EMPTY;
        /** The thread's non-blocking parser, or null until the next object or array message. */
        JsonParser stream;
        ByteArrayFeeder feeder;
        int streamMessages;
        long streamBytes;
    }

    private static final ThreadLocal<Shared> SHARED = ThreadLocal.withInitial(Shared::new);
    /** The running scan's thread state (set by {@link #scan(ByteBuf, int, int, ByteBuf)}). */
    private Shared shared;
    /** Bytes fed to the parser before the current message, to turn stream offsets into message offsets. */
    private long messageBase;
    private final TrailingCheck trailing = new TrailingCheck();
    private final LongStringFinder finder = new LongStringFinder(ELIDE_MIN_CHARS);
    private final boolean longStringShortcut;

    public InboundMessageScanner(DotPath typePath, String audioTypeValue, DotPath audioDataPath,
                                 List<DotPath> valuePaths) {
        this(typePath, List.of(audioTypeValue), audioDataPath, valuePaths, List.of(), true);
    }

    /**
     * @param audioTypeValues type values that mark audio (any of them); empty: every message with data at
     *                        {@code audioDataPath} is audio, whatever its type
     * @param valuePaths      scalars read from other messages ({@link ScanResult#value})
     * @param presencePaths   at most 64 paths whose presence other messages report ({@link ScanResult#present})
     */
    public InboundMessageScanner(DotPath typePath, List<String> audioTypeValues, DotPath audioDataPath,
                                 List<DotPath> valuePaths, List<DotPath> presencePaths) {
        this(typePath, audioTypeValues, audioDataPath, valuePaths, presencePaths, true);
    }

    /** @param longStringShortcut false to give every string to jackson (the reference the tests compare with) */
    InboundMessageScanner(DotPath typePath, String audioTypeValue, DotPath audioDataPath, List<DotPath> valuePaths,
                          boolean longStringShortcut) {
        this(typePath, List.of(audioTypeValue), audioDataPath, valuePaths, List.of(), longStringShortcut);
    }

    private InboundMessageScanner(DotPath typePath, List<String> audioTypeValues, DotPath audioDataPath,
                                  List<DotPath> valuePaths, List<DotPath> presencePaths, boolean longStringShortcut) {
        if (presencePaths.size() > 64) {
            throw new IllegalArgumentException("at most 64 presence paths, got " + presencePaths.size());
        }
        this.longStringShortcut = longStringShortcut;
        this.typePath = typePath;
        this.audioTypeValues = List.copyOf(audioTypeValues);
        this.audioTypes = new char[audioTypeValues.size()][];
        for (int i = 0; i < audioTypes.length; i++) {
            audioTypes[i] = audioTypeValues.get(i).toCharArray();
        }
        this.typeless = audioTypes.length == 0;
        this.audioPath = audioDataPath;
        this.valuePaths = valuePaths.toArray(new DotPath[0]);
        this.presencePaths = presencePaths.toArray(new DotPath[0]);
        this.all = new DotPath[2 + this.valuePaths.length + this.presencePaths.length];
        all[0] = typePath;
        all[1] = audioDataPath;
        System.arraycopy(this.valuePaths, 0, all, 2, this.valuePaths.length);
        System.arraycopy(this.presencePaths, 0, all, 2 + this.valuePaths.length, this.presencePaths.length);
        this.result = new ScanResult(this.valuePaths.length);
    }

    // per-scan state
    private boolean typeSeen;
    private boolean typeIsAudio;
    private int audioState; // 0 none, 1 decoded, 2 invalid, 3 not a string
    private int audioStart;
    // per-scan state of the long string kept from jackson
    private byte[] bytes;
    private int messageEnd;
    /** Where the message is in its feeding: {@link #FED_ALL}, or the prefix or the stand-in fed and more to come. */
    private int feed;
    private static final int FED_ALL = 0;
    private static final int FED_PREFIX = 1;
    private static final int FED_STAND_IN = 2;
    /** Whether the last token from {@link #next} is the stand-in's string (the long string's place). */
    private boolean elidedToken;
    /** Whether a token came from the stand-in (the first one after it was fed is it, or it is not a value). */
    private boolean standInTokenSeen;
    /** Whether the long string's content passed a check (decoded as audio or read as ASCII text). */
    private boolean elidedChecked;
    /** Set when the shortcut cannot give jackson's answer: the message is scanned again without it. */
    private boolean rescan;

    /**
     * Scans {@code length} bytes of UTF-8 JSON at {@code index} of {@code json} (indices not moved, nothing
     * released); decoded audio is appended to {@code audioOut}, whose writer index is left unchanged unless the
     * result is AUDIO.
     */
    public ScanResult scan(ByteBuf json, int index, int length, ByteBuf audioOut) {
        Shared t = SHARED.get();
        shared = t;
        byte[] bytes;
        int offset;
        if (json.hasArray()) {
            bytes = json.array();
            offset = json.arrayOffset() + index;
        } else {
            if (t.scratch.length < length) {
                t.scratch = new byte[Math.max(Math.max(length, 256), t.scratch.length * 2)];
            }
            json.getBytes(index, t.scratch, 0, length);
            bytes = t.scratch;
            offset = 0;
        }
        ScanResult r = scan(bytes, offset, length, audioOut, longStringShortcut);
        if (r == null) {
            discardStream(); // mid-message: its state is unknown
            r = scan(bytes, offset, length, audioOut, false);
        }
        return r;
    }

    /** One scan; null when the long-string shortcut was taken and cannot give jackson's answer (scan again). */
    private ScanResult scan(byte[] bytes, int offset, int length, ByteBuf audioOut, boolean shortcut) {
        ScanResult r = result;
        r.kind = null;
        r.type = null;
        r.audioBytes = 0;
        r.errorMessage = null;
        r.present = 0;
        java.util.Arrays.fill(r.values, null);
        typeSeen = false;
        typeIsAudio = false;
        audioState = 0;
        audioStart = audioOut.writerIndex();
        messageBase = 0;
        this.bytes = bytes;
        messageEnd = offset + length;
        feed = FED_ALL;
        elidedToken = false;
        standInTokenSeen = false;
        elidedChecked = false;
        rescan = false;
        boolean structured = isStructured(bytes, offset, length);
        boolean elided = shortcut && structured && length >= ELIDE_MIN_MESSAGE_BYTES
                && finder.find(bytes, offset, offset + length)
                && finder.close - finder.open - 1 <= MAX_STRING_CHARS; // longer: jackson's error to give
        boolean rootDone = false;
        JsonParser p = null;
        try {
            if (structured) {
                p = streamFor(bytes, offset, elided ? finder.open - offset : length);
                if (elided) {
                    feed = FED_PREFIX;
                }
            } else {
                p = FACTORY.createParser(bytes, offset, length);
            }
            JsonToken root = next(p);
            if (root == null) {
                return invalidJson(audioOut, "empty message");
            }
            walk(p, root, 0, audioOut);
            rootDone = true;
            if (structured) {
                if (feed != FED_ALL || rescan) {
                    return abandon(audioOut); // the long string lay after the root value, or failed its check
                }
                // Checked on the bytes, not by asking for a token: a trailing fragment such as '"ab' would only
                // answer NOT_AVAILABLE and corrupt the next message.
                int trailingAt = trailing.find(p);
                if (trailingAt >= 0) {
                    discardStream();
                    return elided ? abandon(audioOut) : invalidJson(audioOut,
                            "trailing content after the JSON value at offset " + (length - trailingAt));
                }
                p.nextToken();
            } else if (p.nextToken() != null) {
                return invalidJson(audioOut, "trailing content after the JSON value at offset "
                        + p.currentLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            discardStream();
            return elided ? abandon(audioOut) : invalidJson(audioOut,
                    (rootDone ? "trailing content after the JSON value: " : "") + e.getOriginalMessage()
                    + " at offset " + (e.getLocation().getByteOffset() - messageBase));
        } catch (IOException e) {
            discardStream();
            return elided ? abandon(audioOut) : invalidJson(audioOut, String.valueOf(e.getMessage()));
        } finally {
            if (!structured && p != null) {
                closeQuietly(p);
            }
        }
        if (elided && !elidedChecked && !plainAscii(finder.open + 1, finder.close)) {
            return abandon(audioOut); // a string no path looked at: jackson would have rejected control bytes
        }
        if (typeless && audioState != 0) {
            typeIsAudio = true;
        }
        if (typeIsAudio) {
            r.present = 0;
            if (audioState == 1) {
                r.kind = Kind.AUDIO;
                r.audioBytes = audioOut.writerIndex() - audioStart;
                return r;
            }
            audioOut.writerIndex(audioStart);
            r.kind = Kind.INVALID_AUDIO;
            r.errorMessage = audioState == 0 ? "audio message without data at '" + audioPath + "'"
                    : audioState == 2 ? "audio data at '" + audioPath + "' is not valid base64"
                    : "audio data at '" + audioPath + "' is not a string";
            return r;
        }
        audioOut.writerIndex(audioStart);
        r.kind = Kind.MESSAGE;
        return r;
    }

    /** Gives up the shortcut for this message: output rolled back, null so that it is scanned again. */
    private ScanResult abandon(ByteBuf audioOut) {
        audioOut.writerIndex(audioStart);
        return null;
    }

    private static boolean isStructured(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    /** The thread's parser with this message fed to it; the previous message was consumed to its end. */
    private JsonParser streamFor(byte[] bytes, int offset, int length) throws IOException {
        Shared t = shared;
        if (t.stream != null && ++t.streamMessages >= MESSAGES_PER_PARSER) {
            discardStream();
        }
        if (t.stream == null) {
            t.stream = FACTORY.createNonBlockingByteArrayParser();
            t.feeder = (ByteArrayFeeder) t.stream.getNonBlockingInputFeeder();
            t.streamMessages = 0;
            t.streamBytes = 0;
        }
        messageBase = t.streamBytes;
        t.streamBytes += length;
        t.feeder.feedInput(bytes, offset, offset + length);
        return t.stream;
    }

    private void discardStream() {
        Shared t = shared;
        if (t.stream != null) {
            closeQuietly(t.stream);
            t.stream = null;
            t.feeder = null;
        }
    }

    private static void closeQuietly(JsonParser p) {
        try {
            p.close();
        } catch (IOException ignored) {
            // Nothing to release but buffers; a failed close changes no result.
        }
    }

    /**
     * Finds non-whitespace left after the root value among the bytes the parser still holds, which
     * {@link JsonParser#releaseBuffered(OutputStream)} hands over without consuming them. Allocation-free.
     */
    private static final class TrailingCheck extends OutputStream {
        private int found;

        /** How many bytes before the message's end the first trailing non-whitespace byte lies, or -1. */
        int find(JsonParser p) throws IOException {
            found = -1;
            p.releaseBuffered(this);
            return found;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) {
                if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                    found = end - i;
                    return;
                }
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /**
     * The next token, feeding the stand-in and the tail of a message whose long string is kept from the parser; the
     * message ending inside a value is an error, as the blocking parser reports it.
     */
    private JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        while (t == JsonToken.NOT_AVAILABLE) {
            if (feed == FED_PREFIX) {
                feed = FED_STAND_IN;
                feedMore(STAND_IN, 0, STAND_IN.length);
            } else if (feed == FED_STAND_IN && finder.close + 1 < messageEnd) {
                feed = FED_ALL;
                feedMore(bytes, finder.close + 1, messageEnd);
            } else {
                throw new JsonParseException(p, "unexpected end of message");
            }
            t = p.nextToken();
        }
        // The prefix ends after ':', '[' or ',', where no token is pending, so the first token completed after the
        // stand-in was fed is the stand-in: the long string when it is a value, else (a field name) an error to come.
        elidedToken = feed == FED_STAND_IN && !standInTokenSeen && t == JsonToken.VALUE_STRING;
        if (feed == FED_STAND_IN) {
            standInTokenSeen = true;
        }
        return t;
    }

    private void feedMore(byte[] input, int from, int to) throws IOException {
        shared.streamBytes += to - from;
        shared.feeder.feedInput(input, from, to);
    }

    /**
     * Skips the object or array just started. Not {@link JsonParser#skipChildren()}: on a non-blocking parser it
     * would spin on {@code NOT_AVAILABLE} forever when a message is cut short.
     */
    private void skip(JsonParser p) throws IOException {
        for (int open = 1; open > 0; ) {
            JsonToken t = next(p);
            if (t == null) {
                return;
            }
            if (t.isStructStart()) {
                open++;
            } else if (t.isStructEnd()) {
                open--;
            }
        }
    }

    private ScanResult invalidJson(ByteBuf audioOut, String message) {
        audioOut.writerIndex(audioStart);
        result.kind = Kind.INVALID_JSON;
        result.errorMessage = message;
        java.util.Arrays.fill(result.values, null);
        result.type = null;
        result.present = 0;
        return result;
    }

    /** Visits the value at the current token; {@code depth} segments of path are on the stack. */
    private void walk(JsonParser p, JsonToken token, int depth, ByteBuf audioOut) throws IOException {
        if (presencePaths.length != 0 && token != JsonToken.VALUE_NULL && token != JsonToken.VALUE_FALSE) {
            for (int i = 0; i < presencePaths.length; i++) {
                if (at(presencePaths[i], depth)) {
                    result.present |= 1L << i;
                }
            }
        }
        if (token == JsonToken.START_OBJECT) {
            if (depth >= MAX_DEPTH || !onSomePath(depth)) {
                skip(p);
                return;
            }
            while (next(p) == JsonToken.FIELD_NAME) {
                shared.names[depth] = p.currentName();
                shared.indices[depth] = -1;
                walk(p, next(p), depth + 1, audioOut);
            }
        } else if (token == JsonToken.START_ARRAY) {
            if (depth >= MAX_DEPTH || !onSomePath(depth)) {
                skip(p);
                return;
            }
            int i = 0;
            JsonToken t;
            while ((t = next(p)) != JsonToken.END_ARRAY && t != null) {
                shared.names[depth] = null;
                shared.indices[depth] = i++;
                walk(p, t, depth + 1, audioOut);
            }
        } else {
            scalar(p, token, depth, audioOut);
        }
    }

    /** Whether the stack (of {@code depth} segments) is a proper prefix of one of the paths. */
    private boolean onSomePath(int depth) {
        for (DotPath path : all) {
            if (path.length() > depth && matches(path, depth)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(DotPath path, int depth) {
        for (int d = 0; d < depth; d++) {
            String name = shared.names[d];
            if (name != null) {
                if (!path.name(d).equals(name)) {
                    return false;
                }
            } else if (path.index(d) != shared.indices[d]) {
                return false;
            }
        }
        return true;
    }

    private boolean at(DotPath path, int depth) {
        return path.length() == depth && matches(path, depth);
    }

    private void scalar(JsonParser p, JsonToken token, int depth, ByteBuf audioOut) throws IOException {
        boolean elided = elidedToken;
        if (!typeSeen && at(typePath, depth)) {
            typeSeen = true;
            if (token == JsonToken.VALUE_STRING && (elided ? elidedEqualsAudioType() : equalsAudioType(p))) {
                typeIsAudio = true;
            } else if (token != JsonToken.VALUE_NULL) {
                result.type = elided ? elidedText() : p.getText();
            }
            if (!typeIsAudio && !typeless && audioState != 0) {
                audioOut.writerIndex(audioStart);
                audioState = 0;
            }
            return;
        }
        if (audioState == 0 && at(audioPath, depth) && (!typeSeen || typeIsAudio || typeless)) {
            if (token == JsonToken.VALUE_STRING) {
                int n = elided ? decodeElided(audioOut)
                        : Base64Codec.decode(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), audioOut);
                audioState = n < 0 ? 2 : 1;
            } else {
                audioState = 3;
            }
            return;
        }
        if (typeIsAudio) {
            return;
        }
        for (int i = 0; i < valuePaths.length; i++) {
            if (result.values[i] == null && at(valuePaths[i], depth) && token != JsonToken.VALUE_NULL) {
                result.values[i] = elided ? elidedText() : p.getText();
            }
        }
    }

    /**
     * Decodes the long string from the message bytes. Strict: raw CR or LF is invalid JSON, so a failure may be
     * jackson's to report (or the base64's): it sends the message round again without the shortcut.
     */
    private int decodeElided(ByteBuf audioOut) {
        int n = Base64Codec.decode(bytes, finder.open + 1, finder.close - finder.open - 1, audioOut, false);
        if (n < 0) {
            rescan = true;
        } else {
            elidedChecked = true;
        }
        return n;
    }

    /** The long string as text when it is printable ASCII (what jackson would return), else a rescan. */
    private String elidedText() {
        if (!plainAscii(finder.open + 1, finder.close)) {
            rescan = true;
            return "";
        }
        elidedChecked = true;
        return new String(bytes, finder.open + 1, finder.close - finder.open - 1, StandardCharsets.ISO_8859_1);
    }

    /** Rare (a type of {@value #ELIDE_MIN_CHARS}+ characters): allocates. */
    private boolean elidedEqualsAudioType() {
        return audioTypeValues.contains(elidedText());
    }

    /**
     * Whether {@code bytes[from, to)} has no control bytes and no non-ASCII ones: then, as the finder saw no escape,
     * the bytes are the string's text and jackson would have accepted them.
     */
    private boolean plainAscii(int from, int to) {
        byte[] b = bytes;
        for (int i = from; i < to; i++) {
            if (b[i] < 0x20) { // negative: not ASCII (perhaps valid UTF-8, but that is for jackson to say)
                return false;
            }
        }
        return true;
    }

    private boolean equalsAudioType(JsonParser p) throws IOException {
        int len = p.getTextLength();
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        for (char[] audioType : audioTypes) {
            if (len == audioType.length && equals(chars, off, audioType)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equals(char[] chars, int off, char[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (chars[off + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
