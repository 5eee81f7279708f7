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

    public static UncheckedIOException unchecked(java.io.IOException e) {
        return new UncheckedIOException(e);
    }
}
