package org.ead4j.examples.study;

/**
 * Student's t distribution: the CDF through the regularised incomplete beta function (continued
 * fraction, Numerical Recipes 3rd ed. Sec. 6.4) and the quantile by bisection. Used for the
 * t-interval of a mean over a handful of seeds, where the normal quantile 1.96 would be far too narrow
 * (t(0.975, 2) = 4.303).
 */
public final class StudentT {

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
        double t2 = t * t;
        if (t2 < df) {
            // near 0: P(|T| < |t|) = I_{t^2/(df+t^2)}(1/2, df/2), free of the cancellation in 1 - tail
            double inner = regularizedBeta(t2 / (df + t2), 0.5, df / 2);
            return t >= 0 ? 0.5 + 0.5 * inner : 0.5 - 0.5 * inner;
        }
        double tail = 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5); // P(|T| > |t|) / 2
        return t >= 0 ? 1 - tail : tail;
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
        double lo = -1;
        double hi = 1;
        while (cdf(lo, df) > p) {
            lo *= 2;
        }
        while (cdf(hi, df) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** I_x(a, b), the regularised incomplete beta function. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(lnFront) * betaFraction(x, a, b) / a;
        }
        return 1 - Math.exp(lnFront) * betaFraction(1 - x, b, a) / b;
    }

    /** Lentz's evaluation of the incomplete beta continued fraction. */
    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 1000; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
    static double logGamma(double x) {
        final double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
