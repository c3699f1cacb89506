package org.ead4j.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Majority voting over extracted answers (self-consistency), as verl's {@code calc_maj_val}:
 * <ul>
 *   <li>each response with an extracted answer votes for it; responses without one (null) do not vote
 *       (verl would count a missing answer as one more candidate);</li>
 *   <li>the answer with the most votes wins; <b>ties go to the answer voted for first</b> in the order
 *       the responses are visited (Python's {@code max} over an insertion-ordered dict);</li>
 *   <li>the score is the value (correctness) of the first visited response with the winning answer;</li>
 *   <li>no votes at all scores 0.</li>
 * </ul>
 * Answers are compared as exact strings, so verifiers should extract canonical forms (e.g.
 * {@code "1/2"} for {@code 0.5}).
 */
public final class MajorityVote {

    private final int[] answerIds;
    private final double[] values;
    private final int distinct;

    /**
     * Prepares voting over one prompt's samples.
     *
     * @param answers the extracted answer of each sample, null for none
     * @param values the value of each sample (1 correct, 0 not)
     */
    public MajorityVote(String[] answers, double[] values) {
        if (answers.length != values.length) {
            throw new IllegalArgumentException(answers.length + " answers but " + values.length + " values");
        }
        Map<String, Integer> ids = new HashMap<>();
        answerIds = new int[answers.length];
        for (int i = 0; i < answers.length; i++) {
            answerIds[i] = answers[i] == null ? -1 : ids.computeIfAbsent(answers[i], a -> ids.size());
        }
        this.values = values.clone();
        this.distinct = ids.size();
    }

    /**
     * The majority-vote score of the samples at {@code order[0..len)}, visited in that order.
     *
     * @param order sample indices (repeats allowed, for bootstrap draws)
     * @param len how many entries of {@code order} to use
     * @param counts scratch array of at least {@link #distinctAnswers()} entries
     * @param first scratch array of at least {@link #distinctAnswers()} entries
     * @return the value of the voted answer's first response, or 0 when nothing voted
     */
    public double vote(int[] order, int len, int[] counts, int[] first) {
        java.util.Arrays.fill(counts, 0, distinct, 0);
        int best = -1;
        for (int j = 0; j < len; j++) {
            int i = order[j];
            int a = answerIds[i];
            if (a < 0) {
                continue;
            }
            if (counts[a]++ == 0) {
                first[a] = j;
            }
            // strictly more votes wins; on a tie the answer first voted for earlier keeps the lead
            if (best < 0 || counts[a] > counts[best] || counts[a] == counts[best] && first[a] < first[best]) {
                best = a;
            }
        }
        return best < 0 ? 0.0 : values[order[first[best]]];
    }

    /**
     * The majority vote over all samples, in their order.
     *
     * @return the vote's score
     */
    public double voteAll() {
        int n = answerIds.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return vote(order, n, new int[distinct], new int[distinct]);
    }

    /**
     * maj@k without replacement: the mean vote over k-subsets of the samples, each visited in sample
     * order. Exact (every subset) when there are at most {@code exactLimit} subsets, otherwise the mean
     * over {@code draws} random subsets from {@code rng}.
     *
     * @param k subset size, in [1, n]
     * @param exactLimit the most subsets to enumerate
     * @param draws random subsets when enumeration is too large
     * @param rng the random stream for the sampled case
     * @return the expected majority-vote score of k samples
     */
    public double expectedVote(int k, long exactLimit, int draws, SplittableRandom rng) {
        int n = answerIds.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + ": must be in [1, n = " + n + "]");
        }
        int[] counts = new int[distinct];
        int[] first = new int[distinct];
        int[] subset = new int[k];
        if (subsets(n, k, exactLimit) <= exactLimit) {
            for (int i = 0; i < k; i++) {
                subset[i] = i;
            }
            double sum = 0;
            long count = 0;
            while (true) {
                sum += vote(subset, k, counts, first);
                count++;
                // next combination in lexicographic order
                int i = k - 1;
                while (i >= 0 && subset[i] == n - k + i) {
                    i--;
                }
                if (i < 0) {
                    return sum / count;
                }
                subset[i]++;
                for (int j = i + 1; j < k; j++) {
                    subset[j] = subset[j - 1] + 1;
                }
            }
        }
        int[] perm = new int[n];
        double sum = 0;
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < k; i++) { // partial Fisher-Yates: perm[0..k) is a uniform k-subset
                int j = i + rng.nextInt(n - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            System.arraycopy(perm, 0, subset, 0, k);
            java.util.Arrays.sort(subset); // visit in sample order, as in the exact case
            sum += vote(subset, k, counts, first);
        }
        return sum / draws;
    }

    /** C(n, k), or {@code cap + 1} once it exceeds cap. */
    static long subsets(int n, int k, long cap) {
        long c = 1;
        int kk = Math.min(k, n - k);
        for (int i = 1; i <= kk; i++) {
            c = c * (n - kk + i) / i; // exact: c * (n-kk+i) is divisible by i
            if (c > cap) {
                return cap + 1;
            }
        }
        return c;
    }

    /** @return the number of distinct extracted answers */
    public int distinctAnswers() {
        return distinct;
    }
}
