package dev.chorus.codecs.template;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.util.List;

/**
 * Reads one inbound JSON message along pre-parsed dot paths with jackson-core's streaming parser: the message type,
 * the base64 audio (decoded straight into a buffer, no String), and a few other values. Subtrees off every path
 * are skipped, never built. Fields may come in any order: audio met before the type is decoded tentatively and
 * rolled back if the message turns out not to be audio.
 *
 * <p>Not thread-safe: one per connection (it reuses a scratch array and its {@link ScanResult}).
 */
public final class InboundMessageScanner {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_DEPTH = 64;

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

    private final DotPath typePath;
    private final char[] audioType;
    private final DotPath audioPath;
    private final DotPath[] valuePaths;
    private final DotPath[] all;
    private final ScanResult result;
    private final String[] names = new String[MAX_DEPTH];
    private final int[] indices = new int[MAX_DEPTH];
    private byte[] scratch = new byte[4096];

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
                scratch = new byte[Math.max(length, scratch.length * 2)];
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
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                return invalidJson(audioOut, "empty message");
            }
            walk(p, root, 0, audioOut);
            if (p.nextToken() != null) {
                return invalidJson(audioOut, "trailing content after the JSON value at offset "
                        + p.currentLocation().getByteOffset());
            }
        } catch (JsonProcessingException e) {
            return invalidJson(audioOut, e.getOriginalMessage() + " at offset " + e.getLocation().getByteOffset());
        } catch (IOException e) {
            return invalidJson(audioOut, String.valueOf(e.getMessage()));
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
                p.skipChildren();
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                names[depth] = p.currentName();
                indices[depth] = -1;
                walk(p, p.nextToken(), depth + 1, audioOut);
            }
        } else if (token == JsonToken.START_ARRAY) {
            if (depth >= MAX_DEPTH || !onSomePath(depth)) {
                p.skipChildren();
                return;
            }
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
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
