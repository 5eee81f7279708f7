package dev.chorus.engine.config;

import java.nio.file.Path;
import java.util.List;

/** A test-set file: named test cases. Immutable. */
public final class TestSet {
    private final String name;
    private final List<TestCase> testCases;
    private final Path sourceFile;

    public TestSet(String name, List<TestCase> testCases, Path sourceFile) {
        this.name = name;
        this.testCases = List.copyOf(testCases);
        this.sourceFile = sourceFile;
    }

    public String name() {
        return name;
    }

    public List<TestCase> testCases() {
        return testCases;
    }

    public Path sourceFile() {
        return sourceFile;
    }
}
