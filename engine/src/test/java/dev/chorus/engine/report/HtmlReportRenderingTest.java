package dev.chorus.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens {@code report.html} in headless Chromium (issue 6): the browser parses the page offline and keeps every
 * chart. Skipped when no {@code chromium} is on the PATH ({@code .ci/run} installs it when it can).
 */
class HtmlReportRenderingTest {
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    Path dir;

    private static Path chromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(entry, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    @Test
    void rendersInHeadlessChromiumWithEveryChart() throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "chromium is not on the PATH");
        Path page = HtmlReportWriter.write(dir, SampleRun.report(dir));
        Path dom = dir.resolve("dom.html");
        Path shot = dir.resolve("report.png");

        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1200,2400",
                "--screenshot=" + shot, "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        boolean exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }

        assertThat(exited).as("chromium exited within %d s", TIMEOUT_SECONDS).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
        String rendered = Files.readString(dom, StandardCharsets.UTF_8);
        assertThat(rendered.split("<svg class=\"chart\"", -1)).hasSize(1 + 9);
        assertThat(rendered).contains("<polyline", "Chorus run <code>run1</code>",
                "agent said &lt;b&gt;\"bye\" &amp; 'left'");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
