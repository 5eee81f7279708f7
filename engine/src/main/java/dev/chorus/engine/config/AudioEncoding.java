package dev.chorus.engine.config;

/** How audio bytes are encoded on the wire: PCM16LE, MP3, G.711 μ-law or A-law. */
public enum AudioEncoding {
    PCM, MP3, ULAW, ALAW;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
