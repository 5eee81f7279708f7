/**
 * The agent file and the test-set file (CONTRACT §1–2): loaded, validated, immutable; and the protocol profiles
 * ({@link dev.chorus.engine.config.ProtocolProfile}) whose keys go under an agent file's own.
 *
 * <p>A rejected value raises a {@link dev.chorus.engine.config.ConfigException} naming the file, the key, the value
 * and the fix. The authorization value never appears in a message, a {@code toString} or a log. Everything here is
 * immutable and thread-safe once built.
 */
package dev.chorus.engine.config;
