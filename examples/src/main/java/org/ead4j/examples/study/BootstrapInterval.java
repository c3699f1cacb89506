package org.ead4j.examples.study;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The percentile bootstrap interval of a mean (Efron and Tibshirani 1993, ch. 13): resample the
 * values with replacement B times, take each resample's mean, report the (1 - level)/2 and
 * 1 - (1 - level)/2 empirical quantiles. Deterministic for a given seed. With a handful of paired
 * differences it is narrower than the t-interval and should be read together with the sign test.
 */
public final class BootstrapInterval {

    private BootstrapInterval() {
    }

    /**
     * The mean and its percentile bootstrap interval.
     *
     * @param xs the values
     * @param level coverage, e.g. 0.95
     * @param draws bootstrap resamples B, &gt;= 1
     * @param seed seed of the resampling stream
     * @return the mean and interval (undefined for fewer than two values)
     */
    public static Estimate ofMean(double[] xs, double level, int draws, long seed) {
        int n = xs.length;
        if (n == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = Arrays.stream(xs).sum() / n;
        if (n < 2) {
            return new Estimate(mean, Double.NaN, Double.NaN, n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] means = new double[draws];
        for (int b = 0; b < draws; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += xs[rng.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        double a = (1 - level) / 2;
        return new Estimate(mean, quantile(means, a), quantile(means, 1 - a), n);
    }

    /** The empirical quantile of sorted values: the value at index ceil(p * B) - 1 (inverse of the ECDF). */
    static double quantile(double[] sorted, double p) {
        int idx = (int) Math.ceil(p * sorted.length - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
