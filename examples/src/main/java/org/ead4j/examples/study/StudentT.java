package org.ead4j.examples.study;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The t-interval of a mean over a handful of seeds, where the normal quantile 1.96 would be far too
 * narrow (t(0.975, 2) = 4.303); Student's t distribution is commons-math3's {@link TDistribution}.
 */
public final class StudentT {

    private static final double QUANTILE_ACCURACY = 1e-12;

    private StudentT() {
    }

    /**
     * The t-interval of a mean: mean +- t(1 - (1 - level) / 2, n - 1) * s / sqrt(n), s the sample
     * standard deviation.
     *
     * @param xs the values (finite); fewer than two give an undefined (NaN) interval
     * @param level the coverage, e.g. 0.95
     * @return the mean and interval
     */
    public static Estimate meanInterval(double[] xs, double level) {
        int n = xs.length;
        if (n == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = 0;
        for (double x : xs) {
            mean += x;
        }
        mean /= n;
        if (n < 2) {
            return new Estimate(mean, Double.NaN, Double.NaN, n);
        }
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        double se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        double half = quantile(1 - (1 - level) / 2, n - 1) * se;
        return new Estimate(mean, mean - half, mean + half, n);
    }

    /**
     * The CDF P(T &lt;= t) with df degrees of freedom.
     *
     * @param t the point
     * @param df degrees of freedom, &gt; 0
     * @return the probability
     */
    public static double cdf(double t, double df) {
        return distribution(df).cumulativeProbability(t);
    }

    /**
     * The quantile: the t with P(T &lt;= t) = p.
     *
     * @param p probability in (0, 1)
     * @param df degrees of freedom, &gt; 0
     * @return the quantile
     */
    public static double quantile(double p, double df) {
        if (!(p > 0 && p < 1) || !(df > 0)) {
            throw new IllegalArgumentException("quantile needs p in (0, 1) and df > 0; got p = " + p + ", df = " + df);
        }
        return distribution(df).inverseCumulativeProbability(p);
    }

    /** No random generator (nothing is sampled); quantiles solved to 1e-12. */
    private static TDistribution distribution(double df) {
        return new TDistribution(null, df, QUANTILE_ACCURACY);
    }
}
