package dev.chorus.engine.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a test-set file (CONTRACT §2). Keys are checked at every level and named by their JSON location, e.g.
 * {@code test_cases[0].script[2].sya}; relative paths resolve against the file's folder and must exist.
 * Stateless and thread-safe.
 */
public final class TestSetLoader {
    static final List<String> STEP_KEYS = List.of("say", "wait_for_agent", "send_media", "pause_ms", "hang_up");
    static final long DEFAULT_WAIT_MILLIS = 30_000;

    private TestSetLoader() {
    }

    public static TestSet load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "(file)", null, "cannot read the test-set file: " + e,
                    "check the path given to --tests");
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent(), file);
    }

    public static TestSet parse(String json, String sourceName, Path baseDir) throws ConfigException {
        return parse(json, sourceName, baseDir, null);
    }

    private static TestSet parse(String json, String file, Path baseDir, Path sourceFile) throws ConfigException {
        Object tree;
        try {
            tree = JsonTree.parse(json);
        } catch (IOException e) {
            throw new ConfigException(file, "(file)", null, "not valid JSON: " + e.getMessage(),
                    "fix the JSON syntax");
        }
        Map<String, Object> root = object(file, "(file)", tree, "{\"name\": \"smoke\", \"test_cases\": [...]}");
        keys(file, "", root, List.of("name", "test_cases"));
        String defaultName = Path.of(file).getFileName().toString().replaceFirst("\\.json$", "");
        Object nameValue = root.getOrDefault("name", defaultName);
        if (!(nameValue instanceof String)) {
            throw new ConfigException(file, "name", JsonTree.toJson(nameValue), "must be a string",
                    "write \"name\": \"smoke\"");
        }
        Object casesValue = root.get("test_cases");
        if (!(casesValue instanceof List) || ((List<?>) casesValue).isEmpty()) {
            throw new ConfigException(file, "test_cases", casesValue == null ? null : JsonTree.toJson(casesValue),
                    "must be a non-empty array of test cases",
                    "add e.g. [{\"id\": \"hello\", \"script\": [{\"say\": \"Hello\"}, {\"hang_up\": true}]}]");
        }
        List<TestCase> cases = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<?> list = (List<?>) casesValue;
        for (int i = 0; i < list.size(); i++) {
            TestCase tc = testCase(file, "test_cases[" + i + "]", list.get(i), baseDir);
            if (!ids.add(tc.id())) {
                throw new ConfigException(file, "test_cases[" + i + "].id", tc.id(), "duplicate test case id",
                        "give every test case its own id");
            }
            cases.add(tc);
        }
        return new TestSet((String) nameValue, cases, sourceFile);
    }

    private static TestCase testCase(String file, String at, Object value, Path baseDir) throws ConfigException {
        Map<String, Object> m = object(file, at, value, "{\"id\": \"hello\", \"script\": [...]}");
        keys(file, at + ".", m, List.of("id", "first_speaker", "greeting_timeout_seconds", "attachments", "script"));
        Object id = m.get("id");
        if (!(id instanceof String) || !((String) id).matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException(file, at + ".id", id == null ? null : JsonTree.toJson(id),
                    id == null ? "required" : "must be a string of letters, digits, '.', '_' or '-'",
                    "give an id such as \"book-table\" (it names the result files)");
        }
        List<Attachment> attachments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Object atts = m.get("attachments");
        if (atts != null) {
            if (!(atts instanceof List)) {
                throw new ConfigException(file, at + ".attachments", JsonTree.toJson(atts), "must be an array",
                        "write [{\"name\": \"receipt.png\", \"path\": \"receipt.png\", \"mime_type\": \"image/png\"}]");
            }
            List<?> al = (List<?>) atts;
            for (int i = 0; i < al.size(); i++) {
                String aat = at + ".attachments[" + i + "]";
                Map<String, Object> a = object(file, aat, al.get(i), "{\"name\": \"receipt.png\", \"path\": \"receipt.png\"}");
                keys(file, aat + ".", a, List.of("name", "path", "mime_type"));
                String name = string(file, aat + ".name", a.get("name"), true);
                String path = string(file, aat + ".path", a.get("path"), true);
                String mime = string(file, aat + ".mime_type", a.get("mime_type"), false);
                Path resolved = existing(file, aat + ".path", path, baseDir);
                if (!names.add(name)) {
                    throw new ConfigException(file, aat + ".name", name, "duplicate attachment name",
                            "give every attachment of a test case its own name");
                }
                attachments.add(new Attachment(name, resolved, mime != null ? mime : guessMime(path)));
            }
        }
        Object script = m.get("script");
        if (!(script instanceof List) || ((List<?>) script).isEmpty()) {
            throw new ConfigException(file, at + ".script", script == null ? null : JsonTree.toJson(script),
                    "must be a non-empty array of steps", "write e.g. [{\"say\": \"Hello\"}, {\"hang_up\": true}]");
        }
        List<ScriptStep> steps = new ArrayList<>();
        List<?> sl = (List<?>) script;
        for (int i = 0; i < sl.size(); i++) {
            steps.add(step(file, at + ".script[" + i + "]", sl.get(i), baseDir, names));
        }
        Object first = m.getOrDefault("first_speaker", "caller");
        if (!"caller".equals(first) && !"agent".equals(first)) {
            throw new ConfigException(file, at + ".first_speaker", JsonTree.toJson(first),
                    "must be \"caller\" or \"agent\"", "write \"agent\" when the agent greets first, or leave it out");
        }
        boolean agentFirst = "agent".equals(first);
        long greetingMillis = TestCase.DEFAULT_GREETING_TIMEOUT_MILLIS;
        Object gt = m.get("greeting_timeout_seconds");
        if (gt != null) {
            if (!agentFirst) {
                throw new ConfigException(file, at + ".greeting_timeout_seconds", JsonTree.toJson(gt),
                        "only applies when the agent speaks first", "add \"first_speaker\": \"agent\" or remove it");
            }
            if (!(gt instanceof Number) || ((Number) gt).doubleValue() <= 0) {
                throw new ConfigException(file, at + ".greeting_timeout_seconds", JsonTree.toJson(gt),
                        "must be a positive number", "write e.g. 15");
            }
            greetingMillis = Math.round(((Number) gt).doubleValue() * 1000);
        }
        return new TestCase((String) id, attachments, steps, agentFirst, greetingMillis);
    }

    private static ScriptStep step(String file, String at, Object value, Path baseDir, Set<String> attachments)
            throws ConfigException {
        Map<String, Object> m = object(file, at, value, "{\"say\": \"Hello\"}");
        String kind = null;
        for (String key : m.keySet()) {
            if (STEP_KEYS.contains(key)) {
                if (kind != null) {
                    throw new ConfigException(file, at, JsonTree.toJson(m), "a step has one action, this has "
                            + kind + " and " + key, "split it into two steps");
                }
                kind = key;
            }
        }
        if (kind == null) {
            String first = m.isEmpty() ? "(empty)" : m.keySet().iterator().next();
            String near = Suggest.nearest(first, STEP_KEYS);
            throw new ConfigException(file, at + (m.isEmpty() ? "" : "." + first), null, "not a step",
                    (near != null ? "did you mean \"" + near + "\"? " : "") + "a step is one of " + STEP_KEYS);
        }
        switch (kind) {
            case "say": {
                keys(file, at + ".", m, List.of("say", "audio", "barge_in_after_ms"));
                String text = string(file, at + ".say", m.get("say"), true);
                Path audio = null;
                if (m.containsKey("audio")) {
                    audio = existing(file, at + ".audio", string(file, at + ".audio", m.get("audio"), true), baseDir);
                }
                long bargeIn = -1;
                if (m.containsKey("barge_in_after_ms")) {
                    bargeIn = nonNegative(file, at + ".barge_in_after_ms", m.get("barge_in_after_ms"));
                }
                return new ScriptStep.Say(text, audio, bargeIn);
            }
            case "wait_for_agent": {
                keys(file, at + ".", m, List.of("wait_for_agent"));
                Object v = m.get("wait_for_agent");
                if (Boolean.TRUE.equals(v)) {
                    return new ScriptStep.WaitForAgent(DEFAULT_WAIT_MILLIS);
                }
                if (v instanceof Map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> w = (Map<String, Object>) v;
                    keys(file, at + ".wait_for_agent.", w, List.of("timeout_seconds"));
                    Object t = w.get("timeout_seconds");
                    if (t == null) {
                        return new ScriptStep.WaitForAgent(DEFAULT_WAIT_MILLIS);
                    }
                    if (!(t instanceof Number) || ((Number) t).doubleValue() <= 0) {
                        throw new ConfigException(file, at + ".wait_for_agent.timeout_seconds", JsonTree.toJson(t),
                                "must be a positive number", "write e.g. 15");
                    }
                    return new ScriptStep.WaitForAgent(Math.round(((Number) t).doubleValue() * 1000));
                }
                throw new ConfigException(file, at + ".wait_for_agent", JsonTree.toJson(v),
                        "must be true or an object", "write true or {\"timeout_seconds\": 15}");
            }
            case "send_media": {
                keys(file, at + ".", m, List.of("send_media"));
                String name = string(file, at + ".send_media", m.get("send_media"), true);
                if (!attachments.contains(name)) {
                    throw new ConfigException(file, at + ".send_media", name, "no attachment of that name",
                            "name one of this test case's attachments " + attachments);
                }
                return new ScriptStep.SendMedia(name);
            }
            case "pause_ms":
                keys(file, at + ".", m, List.of("pause_ms"));
                return new ScriptStep.Pause(nonNegative(file, at + ".pause_ms", m.get("pause_ms")));
            default:
                keys(file, at + ".", m, List.of("hang_up"));
                if (!Boolean.TRUE.equals(m.get("hang_up"))) {
                    throw new ConfigException(file, at + ".hang_up", JsonTree.toJson(m.get("hang_up")),
                            "must be true", "write {\"hang_up\": true}");
                }
                return new ScriptStep.HangUp();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String file, String at, Object v, String example)
            throws ConfigException {
        if (!(v instanceof Map)) {
            throw new ConfigException(file, at, v == null ? null : JsonTree.toJson(v), "must be a JSON object",
                    "write it as " + example);
        }
        return (Map<String, Object>) v;
    }

    private static void keys(String file, String prefix, Map<String, Object> m, List<String> allowed)
            throws ConfigException {
        for (String key : m.keySet()) {
            if (!allowed.contains(key)) {
                String near = Suggest.nearest(key, allowed);
                throw new ConfigException(file, prefix + key, null, "unknown key",
                        (near != null ? "did you mean \"" + near + "\"? " : "") + "allowed here: " + allowed);
            }
        }
    }

    private static String string(String file, String at, Object v, boolean required) throws ConfigException {
        if (v == null) {
            if (required) {
                throw new ConfigException(file, at, null, "required", "give a string");
            }
            return null;
        }
        if (!(v instanceof String) || ((String) v).isEmpty()) {
            throw new ConfigException(file, at, JsonTree.toJson(v), "must be a non-empty string", "quote it");
        }
        return (String) v;
    }

    private static long nonNegative(String file, String at, Object v) throws ConfigException {
        if (v instanceof Number && ((Number) v).doubleValue() >= 0) {
            return Math.round(((Number) v).doubleValue());
        }
        throw new ConfigException(file, at, v == null ? null : JsonTree.toJson(v), "must be a number ≥ 0",
                "write a number of milliseconds, e.g. 500");
    }

    private static Path existing(String file, String at, String path, Path baseDir) throws ConfigException {
        Path p = Path.of(path);
        Path resolved = p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
        if (!Files.isReadable(resolved) || Files.isDirectory(resolved)) {
            throw new ConfigException(file, at, path, "file not found or not readable (looked at " + resolved + ")",
                    "relative paths resolve against the test-set file's folder");
        }
        return resolved;
    }

    static String guessMime(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".png")) {
            return "image/png";
        }
        if (p.endsWith(".jpg") || p.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (p.endsWith(".gif")) {
            return "image/gif";
        }
        if (p.endsWith(".webp")) {
            return "image/webp";
        }
        if (p.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (p.endsWith(".wav")) {
            return "audio/wav";
        }
        if (p.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }
}
