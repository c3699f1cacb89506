package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.eval.Evaluation;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RL with LoRA on a micro Llama-architecture policy (CharTokenizer vocabulary): only the adapters change, the LoRA
 * settings are in the provenance, replay and resume after a crash are bit-identical, and a resume with other
 * adapters is refused.
 */
class LoraTrainingTest {

    private static final int STEPS = 4;

    @TempDir
    static Path dir;

    static TrainingSession.Result reference;

    static PolicyConfig llama() {
        Map<String, String> p = new PolicyConfig(26, 16, 4, 2, 32, 24, NormKind.RMS_NORM, PositionKind.ROTARY, true, 3L)
                .toProperties();
        p.put("architecture", Architecture.LLAMA.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("numKvHeads", "2");
        return PolicyConfig.fromProperties(p);
    }

    static LoraConfig lora() {
        return new LoraConfig(4, 8, LoraConfig.knownModules(), false, 5);
    }

    static RlvrTrainer trainer(LoraConfig lora) {
        return new RlvrTrainer(llama(), TrainingFixtures.arithmetic())
                .withSchedule(new ExploratoryAnnealing(1.2, 0.1, 2, 0.5, 40000, 0, 1))
                .withWarmStart(new SupervisedWarmStart(30, 16, 3e-3))
                .withOptimizer(new AdamW(1e-2))
                .withLora(lora)
                .withSteps(STEPS, 4, 4, 6)
                .withUpdates(1, 2)
                .withEvaluation(new Evaluation(4, 8, new ConstantTemperature(1.0), List.of(1, 4)), 2, true)
                .withCheckpoints(2, 5)
                .withSeed(13);
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        reference = TrainingSession.start(trainer(lora()), dir.resolve("reference"), TrainingListener.NONE);
    }

    @Test
    void onlyAdaptersTrainAndProvenanceRecordsLora() throws Exception {
        Path last = RunDirectory.open(reference.runDir()).checkpointsDir().resolve("step-" + STEPS)
                .resolve(TrainingSession.POLICY_DIR);
        PolicyCheckpoint.Loaded ck = PolicyCheckpoint.load(last);
        assertEquals(lora(), ck.policy().lora());
        // the base is the warm-started model of step 0's checkpoint-free start: equal in the first and last checkpoint
        PolicyCheckpoint.Loaded first = PolicyCheckpoint.load(last.getParent().getParent().resolve("step-2")
                .resolve(TrainingSession.POLICY_DIR));
        for (Map.Entry<String, INDArray> e : first.policy().frozenParameters().entrySet()) {
            assertTrue(e.getValue().equals(ck.policy().frozenParameters().get(e.getKey())), e.getKey() + " is frozen");
        }
        assertNotEquals(first.policy().weightsSha256(), ck.policy().weightsSha256(), "the adapters moved");
        boolean moved = false;
        for (Map.Entry<String, INDArray> e : ck.policy().parameters().entrySet()) {
            moved |= e.getKey().endsWith(".lora_B") && e.getValue().norm2Number().doubleValue() > 0;
        }
        assertTrue(moved, "the B matrices left zero");
        assertEquals(lora().shapes(llama()).keySet(), ck.optimizer().firstMoments().keySet());
        String json = Files.readString(RunDirectory.open(reference.runDir()).provenanceFile());
        for (String key : List.of("\"lora\"", "\"targetModules\"", "\"rsLora\"", "\"gate_proj\"")) {
            assertTrue(json.contains(key), key);
        }
    }

    @Test
    void replayAndResumeAreBitIdentical() throws Exception {
        RlvrTrainer rebuilt = ExperimentConfigs.load(reference.runDir().resolve(RunDirectory.PROVENANCE),
                RlvrTrainer.class);
        assertEquals(lora(), rebuilt.lora);
        TrainingSession.Result replay = TrainingSession.start(rebuilt, dir.resolve("replay"), TrainingListener.NONE);
        assertEquals(reference.weightsSha256(), replay.weightsSha256());

        Path run = dir.resolve("crash");
        assertThrows(RuntimeException.class, () -> TrainingSession.start(trainer(lora()), run, crashAt(3)));
        TrainingSession.Result resumed = TrainingSession.resume(trainer(lora()), run, TrainingListener.NONE);
        assertEquals(reference.weightsSha256(), resumed.weightsSha256());
        assertEquals(List.of(), RunComparison.differences(reference.runDir().resolve(RunDirectory.STEPS),
                run.resolve(RunDirectory.STEPS), 10));

        LoraConfig other = new LoraConfig(2, 8, List.of("q_proj"), false, 5);
        Path run2 = dir.resolve("crash2");
        assertThrows(RuntimeException.class, () -> TrainingSession.start(trainer(lora()), run2, crashAt(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSession.resume(trainer(other), run2, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("lora"), e.getMessage());
        assertNotEquals(reference.weightsSha256(), new PolicyTransformer(llama()).weightsSha256());
    }

    @Test
    void loraOnAGptPolicyIsRefusedNamingTheField() {
        com.oracle.labs.mlrg.olcut.config.PropertyException e = assertThrows(
                com.oracle.labs.mlrg.olcut.config.PropertyException.class,
                () -> new RlvrTrainer(TrainingFixtures.policy(16), TrainingFixtures.arithmetic()).withLora(lora()));
        assertTrue(e.getMessage().contains("lora") && e.getMessage().contains("GPT"), e.getMessage());
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
