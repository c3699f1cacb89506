package org.ead4j.examples.study;

import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;

/**
 * The exact two-sided sign test of paired differences: under H0 (no difference) each non-zero
 * difference is positive with probability 1/2; ties (zero differences) are dropped. With n pairs the
 * smallest attainable p-value is 2 / 2^n (0.03125 for 6 pairs), which bounds what a small study can show.
 * The test is commons-math3's exact {@link BinomialTest}.
 */
public final class SignTest {

    private SignTest() {
    }

    /**
     * The two-sided p-value min(1, 2 P(X &lt;= min(plus, minus))), X ~ Binomial(plus + minus, 1/2).
     *
     * @param plus number of positive differences
     * @param minus number of negative differences
     * @return the p-value (1 when there are no non-zero differences)
     */
    public static double twoSidedP(int plus, int minus) {
        if (plus < 0 || minus < 0) {
            throw new IllegalArgumentException("counts must be >= 0; got " + plus + ", " + minus);
        }
        int n = plus + minus;
        if (n == 0) {
            return 1.0;
        }
        return Math.min(1.0, new BinomialTest().binomialTest(n, plus, 0.5, AlternativeHypothesis.TWO_SIDED));
    }
}
