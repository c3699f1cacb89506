package org.ead4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonlDatasetTest {

    @TempDir
    Path dir;

    private static Path badDir() throws URISyntaxException {
        return Path.of(JsonlDatasetTest.class.getResource("bad/cases.properties").toURI()).getParent();
    }

    /** The corpus in bad/cases.properties: FILE = LINE | fragment [| maxLineBytes]. */
    static Stream<Arguments> badCases() throws IOException, URISyntaxException {
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(badDir().resolve("cases.properties"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String[] parts = line.substring(eq + 1).split("\\|");
            long limit = parts.length > 2 ? Long.parseLong(parts[2].trim()) : JsonlLines.DEFAULT_MAX_LINE_BYTES;
            out.add(Arguments.of(line.substring(0, eq).trim(), Integer.parseInt(parts[0].trim()), parts[1].trim(), limit));
        }
        return out.stream();
    }

    @Test
    void corpusCoversEveryFileAndAtLeastTwelveCases() throws Exception {
        long cases = badCases().count();
        long files;
        try (Stream<Path> s = Files.list(badDir())) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).count();
        }
        assertTrue(cases >= 12, "cases: " + cases);
        assertEquals(files, cases, "every bad/*.jsonl has a line in cases.properties");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCases")
    void badInputIsRejectedWithFileLineAndReason(String file, int line, String fragment, long maxLineBytes) throws Exception {
        Path path = badDir().resolve(file);
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> JsonlDataset.load(path, maxLineBytes, null));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(path + (line > 0 ? ":" + line + ": " : ": ")), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void readsFieldsTypesDefaultsAndSkipsBlankLines() throws IOException {
        Path f = dir.resolve("gsm-mini.jsonl");
        String text = "\uFEFF{\"id\": 7, \"prompt\": \"Natalia sold 48 clips\", \"answer\": 72, \"level\": 3}\r\n"
                + "\n"
                + "{\"id\": \"b\", \"prompt\": \"half?\", \"answer\": 1.50, \"data_source\": \"math\", \"solution\": \"\\\\boxed{1.5}\"}\n"
                + "{\"id\": \"c\", \"prompt\": \"caf\u00e9\", \"answer\": \"\\\\frac{1}{2}\"}";
        Files.writeString(f, text, StandardCharsets.UTF_8);
        JsonlDataset d = JsonlDataset.load(f);
        assertEquals(3, d.size());
        Problem a = d.problems().get(0);
        assertEquals(new Problem("7", "Natalia sold 48 clips", "72", "gsm-mini"), a);
        assertNull(a.referenceSolution());
        Problem b = d.problems().get(1);
        assertEquals("1.50", b.answer(), "decimal answers keep their digits");
        assertEquals("math", b.dataSource());
        assertEquals("\\boxed{1.5}", b.referenceSolution());
        assertEquals("caf\u00e9", d.problems().get(2).prompt());
        assertEquals("\\frac{1}{2}", d.problems().get(2).answer());
    }

    @Test
    void duplicateIdAfterBlankLineNamesEditorLineNumbers() throws IOException {
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, "{\"id\":1,\"prompt\":\"p\",\"answer\":\"1\"}\n\n\n{\"id\":\"1\",\"prompt\":\"q\",\"answer\":\"2\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> JsonlDataset.load(f));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("duplicate id '1' on lines 1 and 4"), e.getMessage());
    }

    @Test
    void sha256IsTheFileContentHash() throws IOException {
        // FIPS 180-2 test vector: SHA-256("abc")
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                JsonlLines.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"prompt\":\"p\",\"answer\":\"1\"}\n");
        String h1 = JsonlDataset.load(f).sha256();
        Files.writeString(f, "{\"id\":\"a\",\"prompt\":\"p\",\"answer\":\"2\"}\n");
        String h2 = JsonlDataset.load(f).sha256();
        assertEquals(64, h1.length());
        assertTrue(!h1.equals(h2), "a changed answer changes the hash");
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> JsonlDataset.load(dir.resolve("nope.jsonl")));
    }
}
