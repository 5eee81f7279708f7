package dev.chorus.codecs.template;

import java.util.Arrays;

/**
 * A dot path into JSON: {@code type}, {@code payload.audio.data}, {@code parts.0.inlineData.data}. A segment of
 * digits matches an array index, or an object key of that literal name. Immutable and thread-safe.
 */
public final class DotPath {
    private final String text;
    private final String[] names;
    private final int[] indices;

    private DotPath(String text, String[] names, int[] indices) {
        this.text = text;
        this.names = names;
        this.indices = indices;
    }

    /** @throws IllegalArgumentException on an empty path or segment, naming the path */
    public static DotPath parse(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty dot path; fix: name the field, e.g. 'type' or 'payload.data'");
        }
        String[] names = path.split("\\.", -1);
        int[] indices = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            String s = names[i];
            if (s.isEmpty()) {
                throw new IllegalArgumentException("dot path '" + path + "' has an empty segment; fix: write "
                        + "segments separated by single dots, e.g. 'payload.audio.data'");
            }
            names[i] = s.intern();
            indices[i] = s.length() <= 9 && s.chars().allMatch(Character::isDigit) ? Integer.parseInt(s) : -1;
        }
        return new DotPath(path, names, indices);
    }

    public int length() {
        return names.length;
    }

    /** The segment's name (for object keys). */
    public String name(int segment) {
        return names[segment];
    }

    /** The segment's array index, or -1 when it is not all digits. */
    public int index(int segment) {
        return indices[segment];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DotPath && Arrays.equals(names, ((DotPath) o).names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names);
    }

    @Override
    public String toString() {
        return text;
    }
}
