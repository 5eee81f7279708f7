package dev.chorus.engine.testing;

import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Agent and test-set files for tests, parsed by the real loaders. */
public final class Fixtures {
    private Fixtures() {
    }

    /** An agent file: {@code {"endpoint": endpoint, <extra>}}; extra is more JSON members or empty. */
    public static AgentConfig agent(String endpoint, String extraMembers, Path dir) {
        String json = "{\"endpoint\": \"" + endpoint + "\"" + (extraMembers.isEmpty() ? "" : ", " + extraMembers) + "}";
        try {
            return AgentConfigLoader.parse(json, "agent.json", dir);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A test set with one case {@code id} whose script is the JSON array {@code script}. */
    public static TestSet tests(String id, String script, Path dir) {
        String json = "{\"name\": \"t\", \"test_cases\": [{\"id\": \"" + id + "\", \"script\": " + script + "}]}";
        try {
            return TestSetLoader.parse(json, "tests.json", dir);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Writes {@code dir/agent.json} pointing at {@code agent} (its endpoint and CA) and returns its path. */
    public static Path agentFile(Path dir, dev.chorus.engine.agent.ReferenceAgent agent) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("agent.json"), "{\"endpoint\": \"" + agent.endpoint()
                + "\", \"trust_ca_file\": \"" + agent.caPemFile().toAbsolutePath() + "\"}");
    }

    /** Starts {@code chorus ARGS...} as its own JVM (this test class path, leak detector at PARANOID) in {@code dir}. */
    public static ProcessBuilder chorusProcess(Path dir, String... args) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(
                System.getProperty("java.home"), "bin", "java").toString(), "-Dio.netty.leakDetection.level=paranoid",
                "-cp", System.getProperty("java.class.path"), "dev.chorus.engine.cli.Main"));
        command.addAll(java.util.List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    }

    /** The two channels of a 16-bit stereo WAV with a 44-byte header (a {@code --record} file): [left, right]. */
    public static short[][] stereoChannels(byte[] wav) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int frames = (wav.length - 44) / 4;
        short[][] ch = new short[2][frames];
        for (int i = 0; i < frames; i++) {
            ch[0][i] = b.getShort(44 + 4 * i);
            ch[1][i] = b.getShort(44 + 4 * i + 2);
        }
        return ch;
    }

    public static UncheckedIOException unchecked(java.io.IOException e) {
        return new UncheckedIOException(e);
    }
}
