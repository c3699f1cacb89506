package org.ead4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.TrainingListener;
import org.ead4j.train.TrainingSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayFromProvenanceExampleTest {

    @Test
    void replayIsBitIdenticalAndAnotherConfigurationIsNot(@TempDir Path dir) throws Exception {
        TrainingSession.Result original = TrainingSession.start(ReplayFromProvenanceExample.tinyExperiment(42, 1.2),
                dir.resolve("original"), TrainingListener.NONE);
        assertEquals(4, original.completedSteps());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ReplayFromProvenanceExample.Outcome same = ReplayFromProvenanceExample.replay(
                original.runDir().resolve(RunDirectory.PROVENANCE), dir.resolve("replay"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertTrue(same.identical(), () -> same.differences().toString());
        assertEquals(original.weightsSha256(), same.originalSha());
        assertEquals(original.weightsSha256(), same.replaySha());
        assertEquals(4, same.replaySteps());
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("tauMax=1.2"), "the rebuilt schedule is printed");

        // a different tau_max: same warm start, different rollouts, so the comparison must report it
        TrainingSession.Result hotter = TrainingSession.start(ReplayFromProvenanceExample.tinyExperiment(42, 1.5),
                dir.resolve("hotter"), TrainingListener.NONE);
        ReplayFromProvenanceExample.Outcome other = ReplayFromProvenanceExample.compare(original.runDir(), hotter.runDir());
        assertFalse(other.identical());
        assertNotEquals(other.originalSha(), other.replaySha());
        assertTrue(other.differences().stream().anyMatch(d -> d.startsWith("final weights sha256")), other.toString());
        assertTrue(other.differences().stream().anyMatch(d -> d.contains("steps.jsonl line 1")), other.toString());
    }
}
