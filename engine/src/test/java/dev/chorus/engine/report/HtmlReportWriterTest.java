package dev.chorus.engine.report;

import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Metric;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportWriterTest {
    @TempDir
    Path dir;

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    @Test
    void drawsEveryChartWithData() throws Exception {
        Path file = HtmlReportWriter.write(dir, SampleRun.report(dir));

        // The page is well-formed XML, so an XML parser is the strictest cheap check.
        Element html = JunitXmlWriterTest.parse(file).getDocumentElement();
        List<Element> charts = elements(html, "svg");
        List<String> titles = new ArrayList<>();
        for (Element svg : charts) {
            String title = elements(svg, "title").get(0).getTextContent();
            titles.add(title);
            assertThat(svg.getAttribute("class")).as(title).isEqualTo("chart");
            List<String> shapes = new ArrayList<>();
            for (Element line : elements(svg, "polyline")) {
                shapes.add(line.getAttribute("points"));
            }
            for (Element bar : elements(svg, "rect")) {
                shapes.add(bar.getAttribute("width"));
            }
            assertThat(shapes).as(title).isNotEmpty().allSatisfy(s -> assertThat(s).isNotBlank());
        }
        assertThat(titles).containsExactly("errors by class", "turn latency", "first_audio latency",
                "connect latency", "ready latency", "send lag distribution", "sessions", "calls/s (ended)",
                "send lag p99 per second");
        Element sessions = charts.get(6);
        assertThat(elements(sessions, "polyline")).hasSize(3)
                .allSatisfy(l -> assertThat(l.getAttribute("points").split(" ")).hasSize(5));
        // One second had no send lag: left out, not drawn as zero.
        assertThat(elements(charts.get(8), "polyline").get(0).getAttribute("points").split(" ")).hasSize(4);
    }

    @Test
    void isSelfContained() throws Exception {
        String page = Files.readString(HtmlReportWriter.write(dir, SampleRun.report(dir)), StandardCharsets.UTF_8);

        String withoutNamespaces = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(withoutNamespaces).doesNotContain("http://", "https://", "src=", "<script", "<link", "url(",
                "@import");
        assertThat(page).contains("<style>");
    }

    @Test
    void escapesTextFromTheRun() throws Exception {
        String page = Files.readString(HtmlReportWriter.write(dir, SampleRun.report(dir)), StandardCharsets.UTF_8);

        assertThat(page).contains("agent said &lt;b&gt;&quot;bye&quot; &amp; &#39;left&#39;, then\nclosed&lt;/b&gt;")
                .contains("smoke &amp; &lt;set&gt;", "booking, &quot;quoted&quot;")
                .doesNotContain("said <b>", "\"bye\"", "\u0001");
    }

    @Test
    void linksTheWorstCallsToTheirSessionFiles() throws Exception {
        String page = Files.readString(HtmlReportWriter.write(dir, SampleRun.report(dir)), StandardCharsets.UTF_8);

        String table = page.substring(page.indexOf("<h2>Worst calls</h2>"));
        // Failed first, then the slowest turns.
        assertThat(table.indexOf("href=\"sessions/run1-000004.json\""))
                .isPositive()
                .isLessThan(table.indexOf("href=\"sessions/run1-000003.json\""));
        assertThat(table.indexOf("href=\"sessions/run1-000003.json\""))
                .isLessThan(table.indexOf("href=\"sessions/run1-000001.json\""));
        assertThat(Markup.urlSegment("a b/ü")).isEqualTo("a%20b%2F%C3%BC");
    }

    @Test
    void rendersARunWithoutCallsOrSamples() throws Exception {
        Map<Metric, Histogram> latency = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            latency.put(m, new Histogram(3));
        }
        RunReport empty = new RunReport("run0", "empty", "wss://a.example/ws", "nio", "jdk", 0, 0, 1, 0, 0, 0, 0,
                Map.of(), latency, Map.of(), List.of(), true, dir, List.of(), null, "closed: 1 concurrent", List.of());

        Element html = JunitXmlWriterTest.parse(HtmlReportWriter.write(dir, empty)).getDocumentElement();

        assertThat(elements(html, "svg")).isNotEmpty().allSatisfy(svg -> {
            assertThat(svg.getAttribute("class")).isEqualTo("chart empty");
            assertThat(svg.getTextContent()).contains("no data");
        });
        assertThat(html.getTextContent()).contains("No errors.", "No calls ended.");
    }
}
