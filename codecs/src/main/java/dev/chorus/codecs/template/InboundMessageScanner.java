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
import java.util.List;

/**
 * Reads one inbound JSON message along pre-parsed dot paths with jackson-core's streaming parser: the message type,
 * the base64 audio (decoded straight into a buffer, no String), and a few other values. Subtrees off every path
 * are skipped, never built. Fields may come in any order: audio met before the type is decoded tentatively and
 * rolled back if the message turns out not to be audio.
 *
 * <p>Allocation-free for audio messages: a fresh jackson parser costs about 800 bytes (parser, I/O context, read
 * contexts, quad buffer), so objects and arrays go through one non-blocking parser kept for the connection and fed
 * message after message, each message one root-level value of the same token stream. It is replaced after any
 * error (its state is then unknown) and every {@value #MESSAGES_PER_PARSER} messages (bounding its field-name
 * table). Scalar roots, which a non-blocking parser cannot end without more input, take a fresh blocking parser.
 *
 * <p>Not thread-safe: one per connection (it reuses a parser, a scratch array and its {@link ScanResult}).
 */
public final class InboundMessageScanner {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_DEPTH = 64;
    private static final int MESSAGES_PER_PARSER = 1 << 16;

    /** What a message turned out to be. */
    public enum Kind { AUDIO, MESSAGE, INVALID_JSON, INVALID_AUDIO }

    /** The outcome of {@link #scan}; the same instance is returned by every call. */
    public static final class ScanResult {
        private Kind kind;
        private String type;
        private int audioBytes;
        private final String[] values;
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

        public String errorMessage() {
            return errorMessage;
        }
    }

    private static final byte[] EMPTY = new byte[0];
    private final DotPath typePath;
    private final char[] audioType;
    private final DotPath audioPath;
    private final DotPath[] valuePaths;
    private final DotPath[] all;
    private final ScanResult result;
    private final String[] names = new String[MAX_DEPTH];
    private final int[] indices = new int[MAX_DEPTH];
    /** Copy of a message in a direct buffer, grown to the largest message (a connection with no text costs none). */
    private byte[] scratch = EMPTY;
    /** The connection's non-blocking parser, or null until the next object or array message. */
    private JsonParser stream;
    private ByteArrayFeeder feeder;
    private int streamMessages;
    private long streamBytes;
    /** Bytes fed to {@link #stream} before the current message, to turn stream offsets into message offsets. */
    private long messageBase;
    private final TrailingCheck trailing = new TrailingCheck();

    public InboundMessageScanner(DotPath typePath, String audioTypeValue, DotPath audioDataPath,
                                 List<DotPath> valuePaths) {
        this.typePath = typePath;
        this.audioType = audioTypeValue.toCharArray();
        this.audioPath = audioDataPath;
        this.valuePaths = valuePaths.toArray(new DotPath[0]);
        this.all = new DotPath[2 + this.valuePaths.length];
        all[0] = typePath;
        all[1] = audioDataPath;
        System.arraycopy(this.valuePaths, 0, all, 2, this.valuePaths.length);
        this.result = new ScanResult(this.valuePaths.length);
    }

    // per-scan state
    private boolean typeSeen;
    private boolean typeIsAudio;
    private int audioState; // 0 none, 1 decoded, 2 invalid, 3 not a string
    private int audioStart;

    /**
     * Scans {@code length} bytes of UTF-8 JSON at {@code index} of {@code json} (indices not moved, nothing
     * released); decoded audio is appended to {@code audioOut}, whose writer index is left unchanged unless the
     * result is AUDIO.
     */
    public ScanResult scan(ByteBuf json, int index, int length, ByteBuf audioOut) {
        byte[] bytes;
        int offset;
        if (json.hasArray()) {
            bytes = json.array();
            offset = json.arrayOffset() + index;
        } else {
            if (scratch.length < length) {
                scratch = new byte[Math.max(Math.max(length, 256), scratch.length * 2)];
            }
            json.getBytes(index, scratch, 0, length);
            bytes = scratch;
            offset = 0;
        }
        ScanResult r = result;
        r.kind = null;
        r.type = null;
        r.audioBytes = 0;
        r.errorMessage = null;
        java.util.Arrays.fill(r.values, null);
        typeSeen = false;
        typeIsAudio = false;
        audioState = 0;
        audioStart = audioOut.writerIndex();
        messageBase = 0;
        boolean structured = isStructured(bytes, offset, length);
        boolean rootDone = false;
        JsonParser p = null;
        try {
            if (structured) {
                p = streamFor(bytes, offset, length);
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
                // Checked on the bytes, not by asking for a token: a trailing fragment such as '"ab' would only
                // answer NOT_AVAILABLE and corrupt the next message.
                int trailingAt = trailing.find(p);
                if (trailingAt >= 0) {
                    discardStream();
                    return invalidJson(audioOut, "trailing content after the JSON value at offset "
                            + (length - trailingAt));
                }
                p.nextToken();
            } else if (p.nextToken() != null) {
                return invalidJson(audioOut, "trailing content after the JSON value at offset "
                        + p.currentLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            discardStream();
            return invalidJson(audioOut, (rootDone ? "trailing content after the JSON value: " : "")
                    + e.getOriginalMessage() + " at offset " + (e.getLocation().getByteOffset() - messageBase));
        } catch (IOException e) {
            discardStream();
            return invalidJson(audioOut, String.valueOf(e.getMessage()));
        } finally {
            if (!structured && p != null) {
                closeQuietly(p);
            }
        }
        if (typeIsAudio) {
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

    private static boolean isStructured(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    /** The connection's parser with this message fed to it; the previous message was consumed to its end. */
    private JsonParser streamFor(byte[] bytes, int offset, int length) throws IOException {
        if (stream != null && ++streamMessages >= MESSAGES_PER_PARSER) {
            discardStream();
        }
        if (stream == null) {
            stream = FACTORY.createNonBlockingByteArrayParser();
            feeder = (ByteArrayFeeder) stream.getNonBlockingInputFeeder();
            streamMessages = 0;
            streamBytes = 0;
        }
        messageBase = streamBytes;
        streamBytes += length;
        feeder.feedInput(bytes, offset, offset + length);
        return stream;
    }

    private void discardStream() {
        if (stream != null) {
            closeQuietly(stream);
            stream = null;
            feeder = null;
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

    /** The next token; the message ending inside a value is an error, as the blocking parser reports it. */
    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.NOT_AVAILABLE) {
            throw new JsonParseException(p, "unexpected end of message");
        }
        return t;
    }

    /**
     * Skips the object or array just started. Not {@link JsonParser#skipChildren()}: on a non-blocking parser it
     * would spin on {@code NOT_AVAILABLE} forever when a message is cut short.
     */
    private static void skip(JsonParser p) throws IOException {
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
        return result;
    }

    /** Visits the value at the current token; {@code depth} segments of path are on the stack. */
    private void walk(JsonParser p, JsonToken token, int depth, ByteBuf audioOut) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            if (depth >= MAX_DEPTH || !onSomePath(depth)) {
                skip(p);
                return;
            }
            while (next(p) == JsonToken.FIELD_NAME) {
                names[depth] = p.currentName();
                indices[depth] = -1;
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
                names[depth] = null;
                indices[depth] = i++;
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
            String name = names[d];
            if (name != null) {
                if (!path.name(d).equals(name)) {
                    return false;
                }
            } else if (path.index(d) != indices[d]) {
                return false;
            }
        }
        return true;
    }

    private boolean at(DotPath path, int depth) {
        return path.length() == depth && matches(path, depth);
    }

    private void scalar(JsonParser p, JsonToken token, int depth, ByteBuf audioOut) throws IOException {
        if (!typeSeen && at(typePath, depth)) {
            typeSeen = true;
            if (token == JsonToken.VALUE_STRING && equalsAudioType(p)) {
                typeIsAudio = true;
            } else if (token != JsonToken.VALUE_NULL) {
                result.type = p.getText();
            }
            if (!typeIsAudio && audioState != 0) {
                audioOut.writerIndex(audioStart);
                audioState = 0;
            }
            return;
        }
        if (audioState == 0 && at(audioPath, depth) && (!typeSeen || typeIsAudio)) {
            if (token == JsonToken.VALUE_STRING) {
                int n = Base64Codec.decode(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), audioOut);
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
                result.values[i] = p.getText();
            }
        }
    }

    private boolean equalsAudioType(JsonParser p) throws IOException {
        int len = p.getTextLength();
        if (len != audioType.length) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        for (int i = 0; i < len; i++) {
            if (chars[off + i] != audioType[i]) {
                return false;
            }
        }
        return true;
    }
}
