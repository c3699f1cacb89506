package org.ead4j.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reward statistics of one RL step over its groups (the n responses of each prompt), as logged by
 * TRL ({@code reward}, {@code reward_std}, {@code frac_reward_zero_std}) and verl ({@code critic/score/mean}).
 * A group whose rewards are all equal gives GRPO zero advantages, so it teaches nothing; for binary
 * rewards with success rate p and group size G the expected share is p^G + (1-p)^G
 * (rlvr-peers.md Sec. 3, item 14).
 *
 * @param mean mean reward over all responses
 * @param std population std over all responses
 * @param groupStdMean mean over groups of the within-group population std
 * @param fracZeroStd share of groups whose rewards are all equal (within {@link #EQUAL_ATOL})
 * @param groups number of groups
 * @param responses number of responses
 */
public record GroupRewardStats(double mean, double std, double groupStdMean, double fracZeroStd, int groups, int responses) {

    /** Rewards closer than this count as equal (torch.isclose's default atol, as TRL's check). */
    public static final double EQUAL_ATOL = 1e-8;

    /**
     * Computes the statistics.
     *
     * @param groupRewards one array of rewards per group, each non-empty
     * @return the statistics
     */
    public static GroupRewardStats of(double[][] groupRewards) {
        if (groupRewards.length == 0) {
            throw new IllegalArgumentException("no groups");
        }
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        double stdSum = 0;
        int zeroStd = 0;
        for (int g = 0; g < groupRewards.length; g++) {
            double[] r = groupRewards[g];
            if (r.length == 0) {
                throw new IllegalArgumentException("group " + g + " is empty");
            }
            double gs = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : r) {
                sum += x;
                sumSq += x * x;
                gs += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            count += r.length;
            double gm = gs / r.length;
            double var = 0;
            for (double x : r) {
                var += (x - gm) * (x - gm);
            }
            stdSum += Math.sqrt(var / r.length);
            if (max - min <= EQUAL_ATOL) {
                zeroStd++;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(0.0, sumSq / count - mean * mean));
        return new GroupRewardStats(mean, std, stdSum / groupRewards.length,
                (double) zeroStd / groupRewards.length, groupRewards.length, count);
    }

    /** @return the statistics by {@link MetricKeys} name */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MetricKeys.REWARD_MEAN, mean);
        m.put(MetricKeys.REWARD_STD, std);
        m.put(MetricKeys.REWARD_GROUP_STD, groupStdMean);
        m.put(MetricKeys.REWARD_FRAC_ZERO_STD, fracZeroStd);
        return m;
    }
}
