package dev.chorus.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JunitXmlWriterTest {
    @TempDir
    Path dir;

    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    private static Element testCase(Element suite, String name) {
        return elements(suite, "testcase").stream().filter(e -> e.getAttribute("name").equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void writesOneTestCasePerCallAndThresholdWithTheRunsCounts() throws Exception {
        Path file = JunitXmlWriter.write(dir, SampleRun.report(dir));

        Element suite = parse(file).getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("name")).isEqualTo("smoke & <set>");
        assertThat(suite.getAttribute("tests")).isEqualTo("7");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        assertThat(suite.getAttribute("time")).isEqualTo("5.000");
        assertThat(elements(suite, "testcase")).hasSize(7);
        assertThat(elements(suite, "failure")).extracting(e -> e.getAttribute("type"))
                .containsExactly("connection_lost", "threshold");
        assertThat(dir.resolve("junit.xml.tmp")).doesNotExist();
    }

    @Test
    void failedCallCarriesItsErrorClassAndTheExactMessage() throws Exception {
        Element suite = parse(JunitXmlWriter.write(dir, SampleRun.report(dir))).getDocumentElement();

        Element call = testCase(suite, SampleRun.FAILED_CALL);
        assertThat(call.getAttribute("classname")).isEqualTo("chorus.booking, \"quoted\"");
        assertThat(call.getAttribute("time")).isEqualTo("2.500");
        Element failure = elements(call, "failure").get(0);
        assertThat(failure.getAttribute("type")).isEqualTo("connection_lost");
        // Newline kept (a character reference survives attribute normalization); U+0001 is not XML, so U+FFFD.
        assertThat(failure.getAttribute("message")).isEqualTo(SampleRun.NASTY.replace('\u0001', '\uFFFD'));
        assertThat(failure.getTextContent()).contains("final_state=streaming", "session_id=ref-4",
                "<b>\"bye\" & 'left'");
    }

    @Test
    void stoppedCallIsSkippedAndNonFatalErrorsGoToSystemOut() throws Exception {
        Element suite = parse(JunitXmlWriter.write(dir, SampleRun.report(dir))).getDocumentElement();

        assertThat(elements(testCase(suite, "run1-000005"), "skipped")).hasSize(1);
        assertThat(elements(testCase(suite, "run1-000005"), "failure")).isEmpty();
        Element withErrors = testCase(suite, "run1-000002");
        assertThat(elements(withErrors, "failure")).isEmpty();
        assertThat(elements(withErrors, "system-out").get(0).getTextContent())
                .contains("invalid_json: 2\n", "120.5 ms invalid_json: {oops <not json>",
                        "sessions/run1-000002.json");
    }

    @Test
    void thresholdsAreTestCasesFailingWhenTheyDoNotHold() throws Exception {
        Element suite = parse(JunitXmlWriter.write(dir, SampleRun.report(dir))).getDocumentElement();

        Element holds = testCase(suite, "turn.p99<1200");
        assertThat(holds.getAttribute("classname")).isEqualTo("chorus.thresholds");
        assertThat(elements(holds, "failure")).isEmpty();
        Element fails = testCase(suite, "errors.rate<0.01");
        assertThat(elements(fails, "failure").get(0).getAttribute("message"))
                .isEqualTo("errors.rate<0.01 does not hold (value 0.2000)");
    }

    @Test
    void countsEveryCallAndSaysWhichWereLeftOut() throws Exception {
        Element suite = parse(JunitXmlWriter.write(dir, SampleRun.report(dir, 12_000, List.of())))
                .getDocumentElement();

        assertThat(suite.getAttribute("tests")).isEqualTo("12000");
        assertThat(elements(suite, "testcase")).hasSize(5);
        assertThat(elements(suite, "property")).filteredOn(p -> p.getAttribute("name").equals("calls_left_out"))
                .singleElement().satisfies(p -> assertThat(p.getAttribute("value")).isEqualTo("11995"));
        List<Element> outs = elements(suite, "system-out");
        assertThat(outs.get(outs.size() - 1).getTextContent()).startsWith("11995 of 12000 calls are left out");
    }
}
