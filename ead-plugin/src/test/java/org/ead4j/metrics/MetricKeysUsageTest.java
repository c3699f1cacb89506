package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Metric names are spelled only in {@link MetricKeys}: no other main source holds one as a string literal. */
class MetricKeysUsageTest {

    /** A string literal that starts like a metric key of steps.jsonl or eval.jsonl. */
    private static final Pattern METRIC_LITERAL = Pattern.compile(
            "\"(acc|actor|eval|guard|reward|response_length|rollout|schedule|sft|source|time)/");

    @Test
    void noMetricNameLiteralsOutsideMetricKeys() throws IOException {
        List<Path> roots = new ArrayList<>(List.of(Path.of("src/main/java")));
        Path examples = Path.of("../examples/src/main/java");
        if (Files.isDirectory(examples)) {
            roots.add(examples);
        }
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : roots) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " missing");
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    if (f.getFileName().toString().equals("MetricKeys.java")) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i).strip();
                        boolean comment = line.startsWith("*") || line.startsWith("//") || line.startsWith("/*");
                        if (!comment && METRIC_LITERAL.matcher(line).find()) {
                            found.add(f + ":" + (i + 1) + ": " + line);
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "scanned only " + files + " files");
        assertEquals(List.of(), found);
    }
}
