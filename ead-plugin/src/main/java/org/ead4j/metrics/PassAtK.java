package org.ead4j.metrics;

/**
 * Unbiased estimators for binary correctness from n samples of which c are correct.
 * <pre>
 *   pass@k = 1 - C(n-c, k) / C(n, k)        (Chen et al. 2021, arXiv 2107.03374, Eq. 1)
 *   pass^k = C(c, k) / C(n, k)              ("all k correct"; Yao et al. 2024, tau-bench)
 * </pre>
 * Both in product form, as human-eval's {@code estimate_pass_at_k}, so no binomial coefficient is
 * formed and large n does not overflow. pass@1 = pass^1 = c/n.
 */
public final class PassAtK {

    private PassAtK() {
    }

    /**
     * Unbiased pass@k: the chance that at least one of k samples drawn without replacement is correct.
     * Stable form: 1 if n - c &lt; k, else 1 - prod_{j=n-c+1}^{n} (1 - k/j).
     *
     * @param n samples, &gt;= 1
     * @param c correct samples, in [0, n]
     * @param k subset size, in [1, n]
     * @return pass@k in [0, 1]
     */
    public static double passAtK(int n, int c, int k) {
        check(n, c, k);
        if (n - c < k) {
            return 1.0;
        }
        double prod = 1.0;
        for (int j = n - c + 1; j <= n; j++) {
            prod *= 1.0 - (double) k / j;
        }
        return 1.0 - prod;
    }

    /**
     * Unbiased pass^k: the chance that all k samples drawn without replacement are correct,
     * prod_{j=0}^{k-1} (c - j) / (n - j), 0 when c &lt; k.
     *
     * @param n samples, &gt;= 1
     * @param c correct samples, in [0, n]
     * @param k subset size, in [1, n]
     * @return pass^k in [0, 1]
     */
    public static double passHatK(int n, int c, int k) {
        check(n, c, k);
        if (c < k) {
            return 0.0;
        }
        double prod = 1.0;
        for (int j = 0; j < k; j++) {
            prod *= (double) (c - j) / (n - j);
        }
        return prod;
    }

    static void check(int n, int c, int k) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " samples: need at least 1");
        }
        if (c < 0 || c > n) {
            throw new IllegalArgumentException("c = " + c + " correct samples: must be in [0, n = " + n + "]");
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + ": must be in [1, n = " + n + "]");
        }
    }
}
