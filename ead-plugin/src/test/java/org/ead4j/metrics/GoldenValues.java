package org.ead4j.metrics;

/**
 * The golden table of rlvr-peers.md Sec. 5 (binary reward, exact values): n, c, k, pass@k (= unbiased
 * best@k), pass^k (= unbiased worst@k), E[best@k] and E[worst@k] of verl's bootstrap with replacement.
 * "any" rows are expanded to k in {1, 4, 16}.
 */
final class GoldenValues {

    private GoldenValues() {
    }

    static final double[][] ROWS = {
        // n, c, k, pass@k, pass^k, E[best@k] bootstrap, E[worst@k] bootstrap
        {4, 1, 2, 0.5, 0, 0.4375, 0.0625},
        {4, 1, 4, 1.0, 0, 0.683594, 0.003906},
        {16, 3, 1, 0.1875, 0.1875, 0.1875, 0.1875},
        {16, 3, 2, 0.35, 0.025, 0.339844, 0.035156},
        {16, 3, 4, 0.607143, 0, 0.564194, 0.001236},
        {16, 3, 8, 0.9, 0, 0.810073, 1.5e-6},
        {16, 3, 16, 1.0, 0, 0.963928, 0},
        {10, 5, 2, 0.777778, 0.222222, 0.75, 0.25},
        {10, 5, 4, 0.976190, 0.023810, 0.9375, 0.0625},
        {16, 0, 1, 0, 0, 0, 0},
        {16, 0, 4, 0, 0, 0, 0},
        {16, 0, 16, 0, 0, 0, 0},
        {16, 16, 1, 1, 1, 1, 1},
        {16, 16, 4, 1, 1, 1, 1},
        {16, 16, 16, 1, 1, 1, 1},
    };

    /** The table's values are rounded to 6 decimals (1.5e-6 to 2 significant digits, "~0" below 1e-6). */
    static final double TOLERANCE = 5e-7;

    /** Rewards with c ones among n, the ones placed first. */
    static double[] rewards(int n, int c) {
        double[] r = new double[n];
        for (int i = 0; i < c; i++) {
            r[i] = 1.0;
        }
        return r;
    }
}
