package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.eval.Evaluation;
import org.ead4j.eval.Evaluator;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.ArithmeticTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RLVR with EAD raises the reward of a warm-started policy on one-digit arithmetic, for each of three seeds
 * (each gain positive, mean gain over 0.05). One seed alone is not enough: a change in the last float bit
 * of an update (a different op order) changes every later sampled token, and the gain of a single 30-step
 * run moves by about +-0.03 (measured over seeds 5-8: gains 0.04-0.11 with a mean near 0.08).
 */
class RlvrTrainerLearningTest {

    @TempDir
    Path dir;

    @Test
    void rlRaisesTheRewardOverTheWarmStartAlone() throws Exception {
        long[] seeds = {5, 6, 7};
        double sum = 0;
        StringBuilder all = new StringBuilder();
        for (long seed : seeds) {
            double[] beforeAfter = trainAndMeasure(seed);
            double gain = beforeAfter[1] - beforeAfter[0];
            all.append(String.format(" seed %d: %.4f -> %.4f;", seed, beforeAfter[0], beforeAfter[1]));
            assertTrue(gain > 0, "seed " + seed + ": mean@16 on the training prompts before RL " + beforeAfter[0]
                    + ", after " + beforeAfter[1]);
            sum += gain;
        }
        System.out.println("mean@16 on the training prompts, warm start -> after RL:" + all);
        assertTrue(sum / seeds.length > 0.05, "mean gain over seeds " + sum / seeds.length + " <= 0.05:" + all);
    }

    /** Warm start then 30 RL steps with this seed; returns mean@16 on the training prompts before and after RL. */
    private double[] trainAndMeasure(long seed) throws Exception {
        ArithmeticTask task = TrainingFixtures.arithmetic();
        RlvrTrainer warm = new RlvrTrainer(TrainingFixtures.policy(32), task)
                .withWarmStart(new SupervisedWarmStart(150, 32, 3e-3))
                .withSteps(0, 16, 8, 4)
                .withEvaluation(new Evaluation(4, 4, new ConstantTemperature(1.0), List.of(1)), 0, false)
                .withSeed(seed);
        TrainingSession.Result w = TrainingSession.start(warm, dir.resolve("warm-" + seed), TrainingListener.NONE);
        Path ckpt = w.runDir().resolve("checkpoints/step-0/policy");

        RlvrTrainer rl = new RlvrTrainer(TrainingFixtures.policy(32), task)
                .withSchedule(new ExploratoryAnnealing(1.2, 0.1, 2, 0.1, 40000, 0, 1))
                .withInitialCheckpoint(ckpt.toString(), w.weightsSha256())
                .withOptimizer(new AdamW(1e-3))
                .withSteps(30, 16, 8, 4)
                .withUpdates(1, 2)
                .withEvaluation(new Evaluation(4, 4, new ConstantTemperature(1.0), List.of(1)), 0, false)
                .withCheckpoints(0, 1)
                .withSeed(seed);
        TrainingSession.Result r = TrainingSession.start(rl, dir.resolve("rl-" + seed), TrainingListener.NONE);

        // the same paired evaluation (same prompts, same random streams) on the training split
        double before = trainReward(ckpt, task);
        double after = trainReward(r.runDir().resolve("checkpoints/step-30/policy"), task);

        List<ObjectNode> steps = JsonlLog.read(r.runDir().resolve(RunDirectory.STEPS));
        assertEquals(30, steps.size());
        for (ObjectNode s : steps) {
            assertTrue(Double.isFinite(s.get("actor/loss").asDouble()));
            assertTrue(s.get("rollout/tau_max").asDouble() > 1.0, "EAD explores above tau = 1");
        }
        return new double[]{before, after};
    }

    private static double trainReward(Path policyDir, ArithmeticTask task) throws Exception {
        PolicyTransformer p = PolicyCheckpoint.load(policyDir).policy();
        RolloutEngine engine = new RolloutEngine(new KvCacheDecoder(p), new SamplerConfig(), 4,
                new int[]{CharTokenizer.EOS}, 256);
        try (BoundedVerifier v = new BoundedVerifier(task.verifier())) {
            Evaluator.Result res = Evaluator.evaluate(new Evaluation(16, 0, new ConstantTemperature(1.0), List.of(1, 16)),
                    engine, p, task.train(), new PromptCodec(new CharTokenizer()), v, 99, 0);
            return res.report().get("mean");
        }
    }
}
