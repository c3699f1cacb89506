package org.ead4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.cli.UserException;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.provenance.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path tmp;

    private static Map<String, Object> record(long step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("reward/mean", step / 10.0);
        m.put("actor/entropy", 1.0 / (step + 1));
        return m;
    }

    @Test
    void createsTheLayoutAndRoundTripsProvenance() throws Exception {
        RunDirectory run = RunDirectory.create(tmp.resolve("runs/a"));
        assertTrue(Files.isDirectory(run.checkpointsDir()) && Files.isDirectory(run.plotsDir()));
        assertTrue(run.isEmpty());
        ExperimentProvenance p = Fixtures.experiment(Fixtures.trainer(), 11);
        run.writeProvenance(p);
        assertEquals(p, run.readProvenance());
        assertEquals(p, RunDirectory.open(tmp.resolve("runs/a")).readProvenance());
        UserException e = assertThrows(UserException.class, () -> RunDirectory.create(tmp.resolve("runs/a")));
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        assertThrows(UserException.class, () -> RunDirectory.open(tmp.resolve("runs/none")));
        assertThrows(UserException.class, () -> RunDirectory.create(tmp.resolve("runs/b")).readProvenance());
    }

    @Test
    void logsAppendWholeLinesAndReadBack() throws Exception {
        try (RunDirectory run = RunDirectory.create(tmp.resolve("r"))) {
            for (long s = 0; s < 3; s++) {
                run.steps().append(record(s));
            }
            run.eval().append(Map.of("step", 2, "eval/pass@16", 0.5, "note", "NaN ok", "x", Double.NaN));
        }
        List<ObjectNode> steps = JsonlLog.read(tmp.resolve("r/steps.jsonl"));
        assertEquals(3, steps.size());
        assertEquals(0.2, steps.get(2).get("reward/mean").asDouble());
        assertEquals(3, Files.readAllLines(tmp.resolve("r/steps.jsonl")).size());
        assertEquals(0.5, JsonlLog.read(tmp.resolve("r/eval.jsonl")).get(0).get("eval/pass@16").asDouble());
    }

    @Test
    void reopeningDropsAPartialLastLine() throws Exception {
        Path f = tmp.resolve("steps.jsonl");
        try (JsonlLog log = JsonlLog.open(f)) {
            log.append(record(0));
        }
        Files.writeString(f, "{\"step\": 1, \"rew", StandardOpenOption.APPEND); // a crash mid-line
        assertEquals(1, JsonlLog.read(f).size());
        try (JsonlLog log = JsonlLog.open(f)) {
            log.append(record(1));
        }
        List<ObjectNode> back = JsonlLog.read(f);
        assertEquals(2, back.size());
        assertEquals(1, back.get(1).get("step").asLong());
    }

    /**
     * An interrupted run (checkpoint at 5, logged up to 8, crashed mid-line) resumed from 5 ends with the
     * same log bytes as an uninterrupted run.
     */
    @Test
    void resumeTruncatesLogsSoNothingIsDuplicated() throws Exception {
        try (RunDirectory straight = RunDirectory.create(tmp.resolve("straight"))) {
            for (long s = 0; s <= 10; s++) {
                straight.steps().append(record(s));
                if (s % 4 == 0) {
                    straight.eval().append(Map.of("step", s, "eval/pass@16", s / 20.0));
                }
            }
        }
        try (RunDirectory run = RunDirectory.create(tmp.resolve("resumed"))) {
            for (long s = 0; s <= 8; s++) {
                run.steps().append(record(s));
                if (s % 4 == 0) {
                    run.eval().append(Map.of("step", s, "eval/pass@16", s / 20.0));
                }
            }
        }
        Files.write(tmp.resolve("resumed/steps.jsonl"), "{\"step\": 9, \"rew".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (RunDirectory run = RunDirectory.open(tmp.resolve("resumed"))) {
            run.truncateLogsAfter(5);
            assertEquals(6, JsonlLog.read(run.stepsFile()).size());
            assertEquals(2, JsonlLog.read(run.evalFile()).size()); // steps 0 and 4 kept, 8 dropped
            for (long s = 6; s <= 10; s++) {
                run.steps().append(record(s));
                if (s % 4 == 0) {
                    run.eval().append(Map.of("step", s, "eval/pass@16", s / 20.0));
                }
            }
        }
        assertEquals(Files.readString(tmp.resolve("straight/steps.jsonl")),
                Files.readString(tmp.resolve("resumed/steps.jsonl")));
        assertEquals(Files.readString(tmp.resolve("straight/eval.jsonl")),
                Files.readString(tmp.resolve("resumed/eval.jsonl")));
    }

    @Test
    void truncationKeepsLinesWithoutAStepAndIsANoOpWhenNothingIsLater() throws Exception {
        Path f = tmp.resolve("log.jsonl");
        Files.writeString(f, "{\"note\":\"header\"}\n{\"step\":1}\nnot json\n{\"step\":2}\n");
        assertEquals(1, JsonlLog.truncateAfter(f, 1));
        assertEquals("{\"note\":\"header\"}\n{\"step\":1}\nnot json\n", Files.readString(f));
        assertEquals(0, JsonlLog.truncateAfter(f, 1));
        assertEquals(0, JsonlLog.truncateAfter(tmp.resolve("missing.jsonl"), 1));
    }

    @Test
    void atomicWriteReplacesOrLeavesTheOldFile() throws Exception {
        Path f = tmp.resolve("d/file.txt");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        assertThrows(java.io.IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("thr".getBytes(StandardCharsets.UTF_8));
            throw new java.io.IOException("boom");
        }));
        assertEquals("two", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of(f), s.toList()); // no temporary file left behind
        }
    }
}
