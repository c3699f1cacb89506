package org.ead4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.data.Problem;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.metrics.MetricsReport;
import org.ead4j.metrics.PromptSamples;
import org.ead4j.metrics.RolloutMetrics;
import org.ead4j.reward.RewardResult;
import org.ead4j.reward.Verifier;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.sampling.RandomStreams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs an {@link Evaluation}: samples n responses per evaluation prompt, verifies them and computes
 * the metrics, plus the policy's mean token entropy (at tau = 1) on its own samples.
 */
public final class Evaluator {

    /** Stream purpose for evaluation sampling, so evaluation never reuses training randomness. */
    public static final long PURPOSE_EVAL = 0x4556_414CL; // "EVAL"

    private static final int ENTROPY_CHUNK = 256;

    private Evaluator() {
    }

    /**
     * The outcome of one evaluation.
     *
     * @param report pass@k, worst@k, mean@k, maj@k, bootstrap best/worst, overall and per data source
     * @param entropy mean per-token entropy of pi(.; 1) over the sampled responses
     * @param meanLength mean response length in tokens
     * @param truncation share of responses that hit the length limit
     * @param rollouts the sampled responses, grouped by prompt
     * @param rewards the verifier's results, grouped like the rollouts
     */
    public record Result(MetricsReport report, double entropy, double meanLength, double truncation,
                         List<List<Rollout>> rollouts, List<RewardResult[]> rewards) {

        /**
         * The flat record written to eval.jsonl: {@code eval/<metric>} keys.
         *
         * @param step the RL step evaluated
         * @return step plus metrics
         */
        public Map<String, Object> record(long step) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put(MetricKeys.STEP, step);
            for (Map.Entry<String, Double> e : report.asMap().entrySet()) {
                r.put(MetricKeys.eval(e.getKey()), e.getValue());
            }
            r.put(MetricKeys.EVAL_ENTROPY, entropy);
            r.put(MetricKeys.EVAL_RESPONSE_LENGTH, meanLength);
            r.put(MetricKeys.EVAL_TRUNCATION, truncation);
            return r;
        }
    }

    /**
     * Evaluates a policy.
     *
     * @param cfg the evaluation setting
     * @param engine rollout engine over the policy's decoder (weights synced)
     * @param policy the policy (for the entropy forward pass)
     * @param problems evaluation problems (truncated to {@code cfg.maxPrompts()})
     * @param codec prompt encoding
     * @param verifier the task's verifier (bounded)
     * @param seed the run seed (evaluation uses a derived stream)
     * @param step the RL step (drives an annealed evaluation schedule)
     * @return the result
     */
    public static Result evaluate(Evaluation cfg, RolloutEngine engine, PolicyTransformer policy, List<Problem> problems,
                                  PromptCodec codec, Verifier verifier, long seed, long step) {
        List<Problem> ps = cfg.maxPrompts() > 0 && problems.size() > cfg.maxPrompts()
                ? problems.subList(0, cfg.maxPrompts()) : problems;
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("there are no evaluation problems");
        }
        int[][] prompts = codec.prompts(ps);
        int[] idx = new int[ps.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        List<List<Rollout>> groups = engine.generate(prompts, idx, cfg.samples(), cfg.schedule(), step,
                RandomStreams.derive(seed, PURPOSE_EVAL));
        List<PromptSamples> samples = new ArrayList<>(ps.size());
        List<RewardResult[]> rewards = new ArrayList<>(ps.size());
        List<Problem> flatProblems = new ArrayList<>();
        List<String> flatResponses = new ArrayList<>();
        List<Rollout> flat = new ArrayList<>();
        for (int p = 0; p < ps.size(); p++) {
            for (Rollout r : groups.get(p)) {
                flatProblems.add(ps.get(p));
                flatResponses.add(codec.response(r.response()));
                flat.add(r);
            }
        }
        RewardResult[] all = verifier.verifyAll(flatProblems, flatResponses);
        long tokens = 0;
        int truncated = 0;
        for (int p = 0; p < ps.size(); p++) {
            int n = cfg.samples();
            double[] score = new double[n];
            boolean[] correct = new boolean[n];
            String[] answers = new String[n];
            RewardResult[] group = new RewardResult[n];
            for (int j = 0; j < n; j++) {
                RewardResult rr = all[p * n + j];
                group[j] = rr;
                score[j] = rr.score();
                correct[j] = rr.correct();
                answers[j] = rr.extracted();
                Rollout ro = groups.get(p).get(j);
                tokens += ro.length();
                truncated += ro.finish() == FinishReason.LENGTH ? 1 : 0;
            }
            rewards.add(group);
            samples.add(new PromptSamples(ps.get(p).id(), ps.get(p).dataSource(), score, correct, answers));
        }
        MetricsReport report = new RolloutMetrics(cfg.ks(), cfg.bootstrapDraws(), seed, false).compute(samples);
        double entropy = meanEntropy(policy, flat, codec.tokenizer().pad());
        return new Result(report, entropy, tokens / (double) flat.size(), truncated / (double) flat.size(), groups,
                rewards);
    }

    /** Mean over response tokens of the entropy of pi(.; 1), by forward passes in row chunks. */
    static double meanEntropy(PolicyTransformer policy, List<Rollout> rollouts, int pad) {
        double sum = 0;
        long count = 0;
        for (int from = 0; from < rollouts.size(); from += ENTROPY_CHUNK) {
            List<Rollout> part = rollouts.subList(from, Math.min(rollouts.size(), from + ENTROPY_CHUNK));
            TrainingBatch b = TrainingBatch.of(part, new double[part.size()], pad, ActorTemperature.ONE, Double.NaN);
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(PolicyTransformer.TOKENS, b.tokens());
            INDArray h = policy.forward(ph, PolicyTransformer.ENTROPY).get(PolicyTransformer.ENTROPY);
            INDArray mask = b.mask().castTo(h.dataType());
            sum += h.mul(mask).sumNumber().doubleValue();
            count += b.responseTokens();
        }
        return count == 0 ? 0.0 : sum / count;
    }
}
