package org.ead4j.examples.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.eval.Evaluation;
import org.ead4j.eval.Evaluator;
import org.ead4j.reward.BoundedVerifier;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;

/**
 * Inference-time EAD (EAD paper, "inference only" experiment with Majority@N): evaluates trained
 * checkpoints with each configured evaluation schedule (EAD vs fixed temperatures), n samples per
 * prompt, and reports maj@N and pass@N for every N, each averaged over the study's seeds (one
 * sampling stream per seed) with a t-interval. The schedules see the global step
 * {@link StudyConfig#inferenceStep()} (0 in the paper: the step-0 decay).
 */
public final class InferenceComparison {

    /**
     * One cell: a checkpoint evaluated with one schedule.
     *
     * @param checkpoint the checkpoint's label (e.g. {@code warm start}, {@code EAD / DAPO / s1})
     * @param schedule the evaluation schedule's label
     * @param maj maj@N per N, over seeds
     * @param pass pass@N per N, over seeds
     * @param mean mean reward, over seeds
     * @param perSeed the raw metrics per seed
     */
    public record Cell(String checkpoint, String schedule, Map<Integer, Estimate> maj, Map<Integer, Estimate> pass,
                       Estimate mean, Map<Long, Map<String, Double>> perSeed) {
    }

    private InferenceComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param cfg the study (schedules, N values, samples, seeds, evaluation prompts)
     * @param checkpoints checkpoint label to run directory (its newest valid checkpoint is used)
     * @param progress one line per cell
     * @return the cells, checkpoint by checkpoint, schedule by schedule
     * @throws IOException if a checkpoint cannot be read
     */
    public static List<Cell> run(StudyConfig cfg, Map<String, Path> checkpoints, PrintWriter progress)
            throws IOException {
        RlvrTrainer t = cfg.trainer();
        PromptCodec codec = new PromptCodec(t.tokenizer());
        List<Cell> out = new ArrayList<>();
        try (BoundedVerifier verifier = new BoundedVerifier(t.task().verifier(), t.verifierTimeoutMillis(), 2)) {
            for (Map.Entry<String, Path> ck : checkpoints.entrySet()) {
                PolicyTransformer policy = load(ck.getValue(), t);
                RolloutEngine engine = new RolloutEngine(new KvCacheDecoder(policy), t.sampler(), t.maxResponseTokens(),
                        new int[]{t.tokenizer().eos()}, t.rolloutBatchRows());
                for (StudyArm s : cfg.inferenceSchedules()) {
                    Evaluation e = t.evaluation().with(s.schedule(), cfg.inferenceSamples(), cfg.inferenceKs());
                    Map<Long, Map<String, Double>> perSeed = new LinkedHashMap<>();
                    for (long seed : cfg.seeds()) {
                        Evaluator.Result r = Evaluator.evaluate(e, engine, policy, t.task().eval(), codec, verifier, seed,
                                cfg.inferenceStep());
                        perSeed.put(seed, r.report().asMap());
                    }
                    Map<Integer, Estimate> maj = new LinkedHashMap<>();
                    Map<Integer, Estimate> pass = new LinkedHashMap<>();
                    for (int k : cfg.inferenceKs()) {
                        maj.put(k, over(perSeed, "maj@" + k, cfg.level()));
                        pass.put(k, over(perSeed, "pass@" + k, cfg.level()));
                    }
                    Cell c = new Cell(ck.getKey(), s.label(), maj, pass, over(perSeed, "mean", cfg.level()), perSeed);
                    out.add(c);
                    int kMax = cfg.inferenceKs().get(cfg.inferenceKs().size() - 1);
                    progress.printf("inference: %-22s %-10s maj@%d %.3f  pass@%d %.3f%n", ck.getKey(), s.label(), kMax,
                            maj.get(kMax).mean(), kMax, pass.get(kMax).mean());
                    progress.flush();
                }
            }
        }
        return out;
    }

    private static Estimate over(Map<Long, Map<String, Double>> perSeed, String key, double level) {
        double[] xs = perSeed.values().stream().mapToDouble(m -> m.getOrDefault(key, Double.NaN)).toArray();
        return StudentT.meanInterval(xs, level);
    }

    private static PolicyTransformer load(Path runDir, RlvrTrainer t) throws IOException {
        Checkpoint ck = RunDirectory.open(runDir).checkpoints(CheckpointStore.DEFAULT_KEEP_LAST).newestValidCheckpoint()
                .orElseThrow(() -> new IOException("run " + runDir + " has no valid checkpoint"));
        return PolicyCheckpoint.load(ck.dir().resolve(TrainingSession.POLICY_DIR), t.policy()).policy();
    }
}
