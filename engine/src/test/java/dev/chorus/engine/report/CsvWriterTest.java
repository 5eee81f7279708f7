package dev.chorus.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvWriterTest {
    @TempDir
    Path dir;

    /** A strict RFC 4180 reader: records end with CRLF, quoted fields may hold commas, CRLF and doubled quotes. */
    static List<List<String>> parse(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < csv.length()) {
            char c = csv.charAt(i);
            if (c == '"' && field.length() == 0) {
                i++;
                while (true) {
                    char q = csv.charAt(i++);
                    if (q == '"') {
                        if (i < csv.length() && csv.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(q);
                    }
                }
                char next = csv.charAt(i);
                assertThat(next).as("after a closing quote at %d", i).isIn(',', '\r');
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                i++;
            } else if (c == '\r') {
                assertThat(csv.charAt(i + 1)).as("CR at %d without LF", i).isEqualTo('\n');
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i += 2;
            } else {
                assertThat(c).as("bare quote or LF at %d", i).isNotIn('"', '\n');
                field.append(c);
                i++;
            }
        }
        assertThat(record).as("last record ends with CRLF").isEmpty();
        return records;
    }

    @Test
    void writesAHeaderAndOneRowPerCall() throws Exception {
        Path file = CsvWriter.write(dir, SampleRun.report(dir));

        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(rows.get(0)).isEqualTo(Arrays.asList(CsvWriter.HEADER));
        assertThat(rows).hasSize(1 + 5).allSatisfy(r -> assertThat(r).hasSize(CsvWriter.HEADER.length));
        assertThat(rows.subList(1, 6)).extracting(r -> r.get(0))
                .containsExactly("run1-000001", "run1-000002", "run1-000003", "run1-000004", "run1-000005");
        assertThat(rows.get(1)).containsExactly("run1-000001", "hello", "completed", "", "3000", "1.25", "4.5", "2",
                "21", "3", "400", "450", "300", "150", "0", "0", "0", "0", "0", "", "", "", "");
        assertThat(rows.get(5).subList(2, 4)).containsExactly("stopped", "");
        assertThat(rows.get(5).subList(9, 13)).containsExactly("0", "", "", "");
    }

    @Test
    void quotesFieldsWithCommasQuotesAndLineBreaks() throws Exception {
        Path file = CsvWriter.write(dir, SampleRun.report(dir));

        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(csv).contains(",\"booking, \"\"quoted\"\"\",failed,connection_lost,");
        List<String> failed = parse(csv).get(4);
        assertThat(failed.get(1)).isEqualTo("booking, \"quoted\"");
        assertThat(failed.get(CsvWriter.HEADER.length - 1)).isEqualTo(SampleRun.NASTY);
        assertThat(CsvWriter.field("plain text")).isEqualTo("plain text");
        assertThat(CsvWriter.field("a\rb")).isEqualTo("\"a\rb\"");
    }
}
