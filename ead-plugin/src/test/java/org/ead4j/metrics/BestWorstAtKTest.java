package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BestWorstAtKTest {

    @Test
    void goldenTableUnbiasedAndBootstrapExpectations() {
        for (double[] row : GoldenValues.ROWS) {
            int n = (int) row[0], c = (int) row[1], k = (int) row[2];
            double[] r = GoldenValues.rewards(n, c);
            String at = "n=" + n + " c=" + c + " k=" + k;
            assertEquals(row[3], BestWorstAtK.best(r, k), GoldenValues.TOLERANCE, "best@k " + at);
            assertEquals(row[4], BestWorstAtK.worst(r, k), GoldenValues.TOLERANCE, "worst@k " + at);
            assertEquals(row[5], BestWorstAtK.bootstrapBestExpectation(r, k), GoldenValues.TOLERANCE, "E[best@k] " + at);
            assertEquals(row[6], BestWorstAtK.bootstrapWorstExpectation(r, k), GoldenValues.TOLERANCE, "E[worst@k] " + at);
            // closed forms for binary rewards
            assertEquals(1 - Math.pow(1 - (double) c / n, k), BestWorstAtK.bootstrapBestExpectation(r, k), 1e-12);
            assertEquals(Math.pow((double) c / n, k), BestWorstAtK.bootstrapWorstExpectation(r, k), 1e-12);
        }
        // "16 3 16 ~0": (3/16)^16
        assertEquals(Math.pow(3.0 / 16, 16), BestWorstAtK.bootstrapWorstExpectation(GoldenValues.rewards(16, 3), 16), 1e-25);
    }

    @Test
    void realRewardsMatchEnumerationOfSubsetsAndSequences() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rng.nextInt(7);
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = rng.nextInt(4) == 0 ? r[Math.max(0, i - 1)] : rng.nextDouble() * 2 - 0.5; // ties too
            }
            for (int k = 1; k <= n; k++) {
                double[] subsets = enumerateSubsets(r, k);
                assertEquals(subsets[0], BestWorstAtK.best(r, k), 1e-12);
                assertEquals(subsets[1], BestWorstAtK.worst(r, k), 1e-12);
                double[] sequences = enumerateSequences(r, k);
                // differences of powers lose a few digits: 1e-9 is far below any formula error
                assertEquals(sequences[0], BestWorstAtK.bootstrapBestExpectation(r, k), 1e-9);
                assertEquals(sequences[1], BestWorstAtK.bootstrapWorstExpectation(r, k), 1e-9);
            }
        }
    }

    @Test
    void binaryBestAndWorstEqualPassAtKAndPassHatK() {
        for (int n = 1; n <= 20; n++) {
            for (int c = 0; c <= n; c++) {
                double[] r = GoldenValues.rewards(n, c);
                for (int k = 1; k <= n; k++) {
                    assertEquals(PassAtK.passAtK(n, c, k), BestWorstAtK.best(r, k), 1e-12);
                    assertEquals(PassAtK.passHatK(n, c, k), BestWorstAtK.worst(r, k), 1e-12);
                }
            }
        }
    }

    /** Mean max and min over all k-subsets (without replacement). */
    private static double[] enumerateSubsets(double[] r, int k) {
        int n = r.length;
        double best = 0, worst = 0;
        int count = 0;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) != k) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if ((mask >> i & 1) == 1) {
                    max = Math.max(max, r[i]);
                    min = Math.min(min, r[i]);
                }
            }
            best += max;
            worst += min;
            count++;
        }
        return new double[]{best / count, worst / count};
    }

    /** Mean max and min over all n^k ordered draws with replacement. */
    private static double[] enumerateSequences(double[] r, int k) {
        int n = r.length;
        int total = (int) Math.pow(n, k);
        double best = 0, worst = 0;
        for (int code = 0; code < total; code++) {
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            int x = code;
            for (int j = 0; j < k; j++) {
                double v = r[x % n];
                x /= n;
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
            best += max;
            worst += min;
        }
        return new double[]{best / total, worst / total};
    }
}
