package org.ead4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void readsFlatAndNestedKeysSortedByStepSkippingBadValues() throws Exception {
        Path f = tmp.resolve("steps.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"step\": 2, \"reward/mean\": 0.5, \"actor\": {\"entropy\": 1.5}}",
                "{\"step\": 0, \"reward/mean\": \"0.25\", \"actor/entropy\": 2.0, \"tag\": \"warmup\"}",
                "not json",
                "{\"step\": 1, \"reward/mean\": \"NaN\", \"actor/entropy\": 1.75}",
                "{\"step\": 3, \"reward/mean\": 0.7")); // partial last line
        RunMetrics m = RunMetrics.read(f);
        assertEquals(3, m.size());
        assertEquals(2, m.maxStep());
        RunMetrics.Series r = m.series("reward/mean");
        assertArrayEquals(new double[]{0, 2}, r.steps());
        assertArrayEquals(new double[]{0.25, 0.5}, r.values());
        assertArrayEquals(new double[]{2.0, 1.75, 1.5}, m.series("actor/entropy").values());
        assertTrue(m.series("missing").isEmpty());
        assertEquals(List.of("actor/entropy", "reward/mean", "step"), List.copyOf(m.keys()));
    }

    @Test
    void fallsBackToGlobalStepThenLinePosition() throws Exception {
        Path f = tmp.resolve("a.jsonl");
        Files.writeString(f, "{\"global_step\": 7, \"x\": 1}\n{\"x\": 2}\n");
        RunMetrics.Series s = RunMetrics.read(f).series("x");
        assertArrayEquals(new double[]{1, 7}, s.steps());
        assertArrayEquals(new double[]{2, 1}, s.values());
        assertEquals(0, RunMetrics.read(tmp.resolve("missing.jsonl")).size());
    }
}
