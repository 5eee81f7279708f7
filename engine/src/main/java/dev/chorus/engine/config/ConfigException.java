package dev.chorus.engine.config;

/**
 * A bad agent or test-set file: where (file, key), what (value, problem) and how to fix it. The value is never a
 * secret: callers pass "(value hidden)" for those.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String key;
    private final String value;
    private final String problem;
    private final String fix;

    public ConfigException(String file, String key, String value, String problem, String fix) {
        super(format(file, key, value, problem, fix));
        this.file = file;
        this.key = key;
        this.value = value;
        this.problem = problem;
        this.fix = fix;
    }

    private static String format(String file, String key, String value, String problem, String fix) {
        String v = value == null ? "" : ", value '" + value + "'";
        if (problem.startsWith("Invalid WebSocket URL")) {
            return problem + " (" + file + " key '" + key + "'" + v + "). Fix: " + fix;
        }
        return file + ": key '" + key + "'" + v + ": " + problem + ". Fix: " + fix;
    }

    public String file() {
        return file;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }
}
