package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay from provenance and resume after interruptions are bit-identical on CPU. */
class TrainingSessionTest {

    private static final int STEPS = 5;

    @TempDir
    static Path dir;

    static TrainingSession.Result reference;

    @BeforeAll
    static void uninterrupted() throws Exception {
        reference = TrainingSession.start(TrainingFixtures.tiny(STEPS), dir.resolve("reference"), TrainingListener.NONE);
    }

    @Test
    void runRecordsProvenanceStepsEvalsAndCheckpoints() throws Exception {
        RunDirectory run = RunDirectory.open(reference.runDir());
        ExperimentProvenance prov = run.readProvenance();
        assertEquals(STEPS, prov.completedSteps());
        assertEquals(reference.weightsSha256(), prov.runInfo().get("final-weights-sha256"));
        assertEquals(11L, prov.seed());
        List<?> steps = JsonlLog.read(run.stepsFile());
        assertEquals(STEPS, steps.size());
        // evaluations at 0, 2, 4 and the last step
        assertEquals(List.of(0L, 2L, 4L, 5L), JsonlLog.read(run.evalFile()).stream()
                .map(n -> n.get("step").asLong()).toList());
        assertTrue(Files.isDirectory(run.checkpointsDir().resolve("step-4")));
        assertTrue(Files.isDirectory(run.checkpointsDir().resolve("step-5")));
        // the training schedule, not the evaluation's (both sit under a key "schedule")
        assertTrue(ExperimentConfigs.nestedComponent(prov, org.ead4j.samediff.schedule.TemperatureSchedule.class,
                "schedule").orElseThrow() instanceof org.ead4j.samediff.schedule.ExploratoryAnnealing);
        // every schedule hyperparameter is in the provenance file
        String json = Files.readString(run.provenanceFile());
        for (String key : List.of("tauMax", "tauMin", "d0", "alpha", "dMax", "warmup", "positionScale")) {
            assertTrue(json.contains("\"" + key + "\""), key);
        }
    }

    @Test
    void replayFromProvenanceIsBitIdentical() throws Exception {
        RlvrTrainer rebuilt = ExperimentConfigs.load(reference.runDir().resolve(RunDirectory.PROVENANCE),
                RlvrTrainer.class);
        TrainingSession.Result replay = TrainingSession.start(rebuilt, dir.resolve("replay"), TrainingListener.NONE);
        assertEquals(reference.weightsSha256(), replay.weightsSha256());
        assertEquals(List.of(), RunComparison.differences(reference.runDir().resolve(RunDirectory.STEPS),
                replay.runDir().resolve(RunDirectory.STEPS), 10));
        assertEquals(List.of(), RunComparison.differences(reference.runDir().resolve(RunDirectory.EVAL),
                replay.runDir().resolve(RunDirectory.EVAL), 10));
    }

    @Test
    void resumeAfterAnInterruptionAtAnyStepEndsIdentical() throws Exception {
        for (int crashAfter : new int[]{1, 2, 3}) {
            Path run = dir.resolve("crash-" + crashAfter);
            RuntimeException crash = assertThrows(RuntimeException.class,
                    () -> TrainingSession.start(TrainingFixtures.tiny(STEPS), run, crashAt(crashAfter)));
            assertEquals("simulated crash", crash.getMessage());
            TrainingSession.Result resumed = TrainingSession.resume(TrainingFixtures.tiny(STEPS), run,
                    TrainingListener.NONE);
            assertEquals(reference.weightsSha256(), resumed.weightsSha256(), "crash after step " + crashAfter);
            assertEquals(List.of(), RunComparison.differences(reference.runDir().resolve(RunDirectory.STEPS),
                    run.resolve(RunDirectory.STEPS), 10), "crash after step " + crashAfter);
            assertEquals(List.of(), RunComparison.differences(reference.runDir().resolve(RunDirectory.EVAL),
                    run.resolve(RunDirectory.EVAL), 10), "crash after step " + crashAfter);
        }
    }

    @Test
    void corruptedNewestCheckpointIsSkipped() throws Exception {
        Path run = dir.resolve("corrupt");
        assertThrows(RuntimeException.class,
                () -> TrainingSession.start(TrainingFixtures.tiny(STEPS), run, crashAt(5)));
        // damage step-4's weights: the resume must fall back to step-2 and still end identical
        Path weights = run.resolve("checkpoints/step-4/policy/" + PolicyCheckpoint.WEIGHTS_FILE);
        byte[] b = Files.readAllBytes(weights);
        b[b.length / 2] ^= 0x5A;
        Files.write(weights, b);
        TrainingSession.Result resumed = TrainingSession.resume(TrainingFixtures.tiny(STEPS), run,
                TrainingListener.NONE);
        assertEquals(reference.weightsSha256(), resumed.weightsSha256());
        assertTrue(Files.exists(weights), "the corrupted checkpoint is kept, not deleted");
    }

    private static TrainingListener crashAt(int step) {
        return new TrainingListener() {
            @Override
            public void onStep(String phase, long s, Map<String, Object> record) {
                if ("rl".equals(phase) && s == step) {
                    throw new RuntimeException("simulated crash");
                }
            }
        };
    }
}
