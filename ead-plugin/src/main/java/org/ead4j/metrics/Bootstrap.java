package org.ead4j.metrics;

import java.util.SplittableRandom;

/**
 * verl's bootstrap best@k / worst@k / maj@k ({@code verl/trainer/ppo/metric_utils.py},
 * {@code bootstrap_metric}): draw k of the n samples <b>with replacement</b>, take the maximum, the
 * minimum and the majority vote, repeat B times (verl: 1000), and report the mean and the standard
 * deviation (population) over the draws. For comparability with the EAD paper, whose Pass@16 and
 * Worst@16 are these numbers; they are biased against the unbiased estimators
 * ({@link BestWorstAtK}, {@link PassAtK}), e.g. best@4 of 1 correct in 4 is 0.684 instead of 1.
 *
 * <p>verl reseeds numpy with the same seed (42) for every prompt, so all prompts share one index
 * sequence; here each prompt has its own seeded stream (see {@link RolloutMetrics}), which makes the
 * average over prompts converge faster. The indices differ from numpy's, not the expectation.
 */
public final class Bootstrap {

    /**
     * Mean and standard deviation over the draws.
     *
     * @param bestMean mean of the maxima
     * @param bestStd population std of the maxima
     * @param worstMean mean of the minima
     * @param worstStd population std of the minima
     * @param majMean mean of the majority votes (0 without answers)
     * @param majStd population std of the majority votes
     */
    public record Result(double bestMean, double bestStd, double worstMean, double worstStd,
                         double majMean, double majStd) {
    }

    private Bootstrap() {
    }

    /**
     * Runs the bootstrap for one prompt.
     *
     * @param rewards the n rewards (for best and worst)
     * @param vote majority voting over the same samples, or null to skip maj
     * @param k draws per bootstrap sample, &gt;= 1
     * @param draws bootstrap samples B, &gt;= 1
     * @param rng the random stream
     * @return the means and standard deviations
     */
    public static Result run(double[] rewards, MajorityVote vote, int k, int draws, SplittableRandom rng) {
        int n = rewards.length;
        if (n < 1 || k < 1 || draws < 1) {
            throw new IllegalArgumentException("need n, k, draws >= 1, got n = " + n + ", k = " + k + ", draws = " + draws);
        }
        int[] idx = new int[k];
        int distinct = vote == null ? 0 : vote.distinctAnswers();
        int[] counts = new int[distinct];
        int[] first = new int[distinct];
        double sb = 0, sb2 = 0, sw = 0, sw2 = 0, sm = 0, sm2 = 0;
        for (int d = 0; d < draws; d++) {
            double max = Double.NEGATIVE_INFINITY;
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                int i = rng.nextInt(n);
                idx[j] = i;
                max = Math.max(max, rewards[i]);
                min = Math.min(min, rewards[i]);
            }
            sb += max;
            sb2 += max * max;
            sw += min;
            sw2 += min * min;
            if (vote != null) {
                double m = vote.vote(idx, k, counts, first);
                sm += m;
                sm2 += m * m;
            }
        }
        return new Result(sb / draws, std(sb, sb2, draws), sw / draws, std(sw, sw2, draws),
                sm / draws, std(sm, sm2, draws));
    }

    private static double std(double sum, double sumSq, int count) {
        double mean = sum / count;
        return Math.sqrt(Math.max(0.0, sumSq / count - mean * mean));
    }
}
