package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ead4j.data.Problem;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.reward.RewardResult;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Numerical guards: NaN/inf in the loss, the gradients or the logits is caught at the step it appears;
 * the step is not applied, steps.jsonl (eval.jsonl for an evaluation) names the tensor, and the run stops
 * (or, for loss/gradients under {@code onNonFinite = SKIP}, skips) with the last good checkpoint intact.
 * Faults come from the test-only {@link PoisonedAdvantage}/{@link PoisonedLoss} and a policy checkpoint
 * holding a NaN weight. Runs {@code ead train} in this JVM.
 */
class NumericalGuardIT {

    private static Path work;
    private static final List<String> ROWS = new ArrayList<>();
    private static long t0;

    @BeforeAll
    static void setUp() throws Exception {
        work = ReliabilitySummary.target().resolve("reliability-it/guards");
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        t0 = System.nanoTime();
    }

    @AfterAll
    static void summary() {
        int ok = (int) ROWS.stream().filter(r -> r.contains("| ok |")).count();
        ReliabilitySummary.record("3-guards", String.format("| numerical guards (NaN/inf loss, gradient, logits; "
                + "NaN reward) | %d cases | %d handled | step not applied, tensor logged, stop/skip, last checkpoint "
                + "intact | %.0f s |", ROWS.size(), ok, (System.nanoTime() - t0) / 1e9),
                "## Numerical guards (NumericalGuardIT)\n\n| case | logged | outcome | check |\n| --- | --- | --- | --- |\n"
                        + String.join("\n", ROWS) + "\n");
    }

    private static Map<String, String> poisoned(String tensor, int from, int calls, boolean lastGroupOnly, String policy) {
        Map<String, String> s = Experiments.defaults();
        s.put("steps", "6");
        s.put("evalEvery", "0");
        s.put("warmSteps", "4");
        s.put("onNonFinite", policy);
        s.put("advantageClass", PoisonedAdvantage.class.getName());
        s.put("advantageProps", "\"poisonFromCall\": " + from + ", \"poisonCalls\": " + calls + ", \"lastGroupOnly\": "
                + lastGroupOnly);
        s.put("lossClass", PoisonedLoss.class.getName());
        s.put("lossProps", "\"tensor\": \"" + tensor + "\"");
        return s;
    }

    private static List<ObjectNode> log(Path run, String name) throws Exception {
        return JsonlLog.read(run.resolve(name));
    }

    private static String stepSha(Path checkpoint) throws Exception {
        return new ObjectMapper().readTree(checkpoint.resolve("trainer-state.json").toFile()).path("weights_sha256").asText();
    }

    private static void assertNoStackTrace(InProcessEad.Result r) {
        assertFalse(r.all().contains("\tat ") || r.all().contains("internal error"), () -> "stack trace:\n" + r.all());
    }

    /** A STOP at step 4 (checkpoints every 3): line 4 names the tensor, step-3 intact and equal to the final weights. */
    private void stopsAtStep4(String name, String tensor, boolean lastGroupOnly, String expectedTensorPrefix)
            throws Exception {
        Path cfg = Experiments.write(poisoned(tensor, 4, 1, lastGroupOnly, "STOP"), work.resolve(name + ".json"));
        Path run = work.resolve(name);
        InProcessEad.Result r = InProcessEad.run("train", "--config", cfg.toString(), "--out", run.toString(), "--no-plots");
        assertEquals(1, r.exitCode(), () -> "a run stopped by the guard exits 1:\n" + r.all());
        assertNoStackTrace(r);
        assertTrue(r.out().contains("step 4 produced a non-finite " + expectedTensorPrefix), r::all);
        List<ObjectNode> steps = log(run, RunDirectory.STEPS);
        assertEquals(4, steps.size(), "the run stops at the step the NaN appears");
        ObjectNode bad = steps.get(3);
        String logged = bad.path(TrainingSession.GUARD_TENSOR).asText();
        assertTrue(logged.startsWith(expectedTensorPrefix), "logged tensor " + logged);
        assertEquals("update", bad.path(TrainingSession.GUARD_PHASE).asText());
        for (int i = 0; i < 3; i++) {
            assertFalse(steps.get(i).has(TrainingSession.GUARD_TENSOR), "steps 1-3 are clean");
        }
        CheckpointStore store = new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 2);
        Optional<Checkpoint> newest = store.newestValidCheckpoint();
        assertEquals(3L, newest.orElseThrow().step(), "the last good checkpoint is step-3");
        assertEquals(1, store.list().size(), "no checkpoint after the bad step");
        Map<String, String> info = Experiments.runInfo(run);
        assertTrue(info.get("status").startsWith("stopped: non-finite"), info::toString);
        // not applied: the weights the run ends with are those of step 3
        assertEquals(stepSha(newest.get().dir()), info.get("final-weights-sha256"),
                "the bad step changed the weights (a mini-batch before the non-finite one was applied)");
        // the last good checkpoint is usable: a resume (the poison counts calls per JVM, so it is gone) completes
        InProcessEad.Result resumed = InProcessEad.run("train", "--resume", run.toString(), "--no-plots");
        assertEquals(0, resumed.exitCode(), resumed::all);
        assertEquals(6, log(run, RunDirectory.STEPS).size());
        ROWS.add("| " + name + " | `" + TrainingSession.GUARD_TENSOR + "`=" + logged + " at step 4 | exit 1, step-3 "
                + "intact, final weights = step-3 weights, resume completes | ok |");
    }

    @Test
    void nanLossStopsWithLastCheckpointIntact() throws Exception {
        stopsAtStep4("loss -inf, STOP", "loss", false, "loss");
    }

    @Test
    void nanGradientStopsWithLastCheckpointIntact() throws Exception {
        stopsAtStep4("gradient NaN, STOP", "gradient", false, "grad/");
    }

    @Test
    void nanInASecondMiniBatchDoesNotApplyTheFirst() throws Exception {
        stopsAtStep4("gradient NaN in mini-batch 2 of 2, STOP", "gradient", true, "grad/");
    }

    @Test
    void skipDropsTheBadStepsAndCompletes() throws Exception {
        Path cfg = Experiments.write(poisoned("loss", 2, 2, false, "SKIP"), work.resolve("skip.json"));
        Path run = work.resolve("skip");
        InProcessEad.Result r = InProcessEad.run("train", "--config", cfg.toString(), "--out", run.toString(), "--no-plots");
        assertEquals(0, r.exitCode(), r::all);
        assertNoStackTrace(r);
        List<ObjectNode> steps = log(run, RunDirectory.STEPS);
        assertEquals(6, steps.size());
        for (ObjectNode s : steps) {
            long step = s.path("step").asLong();
            boolean bad = step == 2 || step == 3;
            assertEquals(bad, s.has(TrainingSession.GUARD_TENSOR), "step " + step);
            assertEquals(bad ? 0 : 2, s.path("actor/updates").asInt(), "updates at step " + step);
            if (bad) {
                assertEquals("loss", s.path(TrainingSession.GUARD_TENSOR).asText());
                assertEquals(2, s.path("guard/non_finite_updates").asInt());
            } else {
                assertTrue(Double.isFinite(s.path("actor/loss").asDouble()), "finite loss at step " + step);
            }
        }
        assertEquals("completed", Experiments.runInfo(run).get("status"));
        assertEquals(6L, new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 2).newestValidCheckpoint()
                .orElseThrow().step());
        ROWS.add("| loss -inf at steps 2-3, SKIP | `" + TrainingSession.GUARD_TENSOR + "`=loss, 0 updates at steps 2, 3 "
                + "| exit 0, run completes, step-6 valid | ok |");
    }

    /** A policy checkpoint whose output head holds one NaN: every logit of every row is NaN. */
    private static Path nanCheckpoint(Path config) throws Exception {
        RlvrTrainer t = ExperimentConfigs.load(config, RlvrTrainer.class);
        PolicyTransformer p = new PolicyTransformer(t.policy());
        String name = null;
        for (String k : p.parameters().keySet()) {
            name = k; // the last parameter in layout order (the output projection)
        }
        p.parameters().get(name).putScalar(0, Float.NaN);
        Path dir = work.resolve("nan-policy");
        AtomicFiles.deleteTree(dir);
        PolicyCheckpoint.save(dir, p, null);
        return dir;
    }

    private void nanLogits(String name, boolean evalBefore, String policy, String phase) throws Exception {
        Map<String, String> s = Experiments.defaults();
        s.put("steps", "4");
        s.put("onNonFinite", policy);
        Path probe = Experiments.write(s, work.resolve(name + "-probe.json"));
        Path ck = nanCheckpoint(probe);
        s.put("extra", ", \"evalBeforeTraining\": " + evalBefore + ", \"initialCheckpoint\": \""
                + ck.toString().replace("\\", "\\\\") + "\"");
        Path cfg = Experiments.write(s, work.resolve(name + ".json"));
        Path run = work.resolve(name);
        InProcessEad.Result r = InProcessEad.run("train", "--config", cfg.toString(), "--out", run.toString(), "--no-plots");
        assertEquals(1, r.exitCode(), () -> "NaN logits stop the run with exit 1:\n" + r.all());
        assertNoStackTrace(r);
        List<ObjectNode> records = log(run, phase.equals("eval") ? RunDirectory.EVAL : RunDirectory.STEPS);
        assertEquals(1, records.size(), () -> "one guard record: " + records);
        ObjectNode g = records.get(0);
        assertEquals(phase.equals("eval") ? 0 : 1, g.path("step").asInt());
        String tensor = g.path(TrainingSession.GUARD_TENSOR).asText();
        assertTrue(tensor.startsWith("param/"), "names the NaN parameter: " + g);
        assertEquals(phase, g.path(TrainingSession.GUARD_PHASE).asText());
        assertTrue(g.path("guard/detail").asText().contains("NaN"), g::toString);
        assertTrue(r.out().contains("non-finite " + tensor), r::all);
        assertTrue(new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 2).list().isEmpty(),
                "no checkpoint of broken weights");
        assertTrue(Experiments.runInfo(run).get("status").startsWith("stopped: non-finite"));
        ROWS.add("| " + name + " | `" + TrainingSession.GUARD_TENSOR + "`=" + tensor + " (" + phase + ") | exit 1, "
                + "no checkpoint of the NaN weights | ok |");
    }

    @Test
    void nanLogitsAtEvaluationStop() throws Exception {
        nanLogits("NaN weight: logits at the step-0 evaluation", true, "STOP", "eval");
    }

    @Test
    void nanLogitsInRolloutStopEvenUnderSkip() throws Exception {
        nanLogits("NaN weight: logits in the step-1 rollout, SKIP", false, "SKIP", "rollout");
    }

    /** A verifier cannot hand the trainer a NaN reward: RewardResult refuses it and BoundedVerifier scores 0. */
    @Test
    void nanRewardBecomesZeroWithAReason() {
        Problem p = new Problem("p", "1+1", "2", "test", null);
        try (BoundedVerifier v = new BoundedVerifier(new NanVerifier(), 2000, 1)) {
            RewardResult r = v.verify(p, "2");
            assertEquals(0.0, r.score());
            assertEquals(RewardResult.Reason.ERROR, r.reason());
            assertTrue(r.detail().contains("not finite"), r.detail());
            ROWS.add("| verifier returns reward NaN | reward 0, reason ERROR: " + r.detail().replace('|', '/')
                    + " | cannot reach the trainer | ok |");
        }
    }

    /** Test-only verifier that tries to return NaN. */
    public static class NanVerifier implements org.ead4j.reward.Verifier {
        @Override
        public RewardResult verify(Problem problem, String response) {
            return RewardResult.of(Double.NaN, RewardResult.Reason.OK, null, "nan");
        }

        @Override
        public com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance getProvenance() {
            return new com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl(this, "Verifier");
        }
    }
}
