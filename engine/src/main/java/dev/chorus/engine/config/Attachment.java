package dev.chorus.engine.config;

import java.nio.file.Path;

/** A file a test case may send with {@code send_media}. Immutable. */
public record Attachment(String name, Path path, String mimeType) {
}
