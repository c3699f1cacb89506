package org.ead4j.metrics;

import java.util.Arrays;

/**
 * Expected best and worst of k rewards out of n samples, for any real reward (rlvr-peers.md Sec. 5).
 * With rewards sorted ascending, r_(1) &lt;= ... &lt;= r_(n):
 * <pre>
 *   unbiased (k drawn without replacement):
 *     best@k  = sum_m r_(m) C(m-1, k-1) / C(n, k)      (= pass@k for 0/1 rewards)
 *     worst@k = sum_m r_(m) C(n-m, k-1) / C(n, k)      (= pass^k for 0/1 rewards)
 *   verl bootstrap expectation (k drawn with replacement):
 *     E[best@k]  = sum_m r_(m) ((m/n)^k - ((m-1)/n)^k)      (= 1 - (1 - c/n)^k for 0/1 rewards)
 *     E[worst@k] = sum_m r_(m) (((n-m+1)/n)^k - ((n-m)/n)^k) (= (c/n)^k for 0/1 rewards)
 * </pre>
 * The bootstrap forms are what verl's {@code best@k/mean} estimates with 1000 draws: biased low
 * against the unbiased best@k, since repeats of a sample add no new chance.
 * Weights are built by ratios (C(m-2, k-1)/C(m-1, k-1) = (m-k)/(m-1)), never as binomials.
 */
public final class BestWorstAtK {

    private BestWorstAtK() {
    }

    /**
     * Unbiased expected maximum of k rewards drawn without replacement.
     *
     * @param rewards the n rewards (not modified)
     * @param k subset size, in [1, n]
     * @return best@k
     */
    public static double best(double[] rewards, int k) {
        double[] r = sorted(rewards, k);
        int n = r.length;
        double w = (double) k / n; // C(n-1, k-1) / C(n, k)
        double sum = 0;
        for (int m = n; m >= k; m--) {
            sum += r[m - 1] * w;
            w *= (double) (m - k) / (m - 1); // -> C(m-2, k-1) / C(n, k)
        }
        return sum;
    }

    /**
     * Unbiased expected minimum of k rewards drawn without replacement.
     *
     * @param rewards the n rewards (not modified)
     * @param k subset size, in [1, n]
     * @return worst@k
     */
    public static double worst(double[] rewards, int k) {
        double[] r = sorted(rewards, k);
        int n = r.length;
        double w = (double) k / n; // C(n-1, k-1) / C(n, k)
        double sum = 0;
        for (int m = 1; m <= n - k + 1; m++) {
            sum += r[m - 1] * w;
            if (m < n) {
                w *= (double) (n - m - k + 1) / (n - m); // -> C(n-m-1, k-1) / C(n, k)
            }
        }
        return sum;
    }

    /**
     * Exact expectation of verl's bootstrap best@k: the maximum of k rewards drawn with replacement.
     *
     * @param rewards the n rewards (not modified)
     * @param k draws per bootstrap sample, &gt;= 1 (may exceed n)
     * @return E[best@k] under resampling with replacement
     */
    public static double bootstrapBestExpectation(double[] rewards, int k) {
        double[] r = sortedAnyK(rewards, k);
        int n = r.length;
        double sum = 0;
        for (int m = 1; m <= n; m++) {
            sum += r[m - 1] * (Math.pow((double) m / n, k) - Math.pow((double) (m - 1) / n, k));
        }
        return sum;
    }

    /**
     * Exact expectation of verl's bootstrap worst@k: the minimum of k rewards drawn with replacement.
     *
     * @param rewards the n rewards (not modified)
     * @param k draws per bootstrap sample, &gt;= 1 (may exceed n)
     * @return E[worst@k] under resampling with replacement
     */
    public static double bootstrapWorstExpectation(double[] rewards, int k) {
        double[] r = sortedAnyK(rewards, k);
        int n = r.length;
        double sum = 0;
        for (int m = 1; m <= n; m++) {
            sum += r[m - 1] * (Math.pow((double) (n - m + 1) / n, k) - Math.pow((double) (n - m) / n, k));
        }
        return sum;
    }

    private static double[] sorted(double[] rewards, int k) {
        if (k < 1 || k > rewards.length) {
            throw new IllegalArgumentException("k = " + k + ": must be in [1, n = " + rewards.length + "]");
        }
        double[] r = rewards.clone();
        Arrays.sort(r);
        return r;
    }

    private static double[] sortedAnyK(double[] rewards, int k) {
        if (rewards.length == 0 || k < 1) {
            throw new IllegalArgumentException("need n >= 1 rewards and k >= 1, got n = " + rewards.length + ", k = " + k);
        }
        double[] r = rewards.clone();
        Arrays.sort(r);
        return r;
    }
}
