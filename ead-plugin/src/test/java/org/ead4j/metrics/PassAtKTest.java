package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class PassAtKTest {

    @Test
    void goldenTable() {
        for (double[] row : GoldenValues.ROWS) {
            int n = (int) row[0], c = (int) row[1], k = (int) row[2];
            String at = "n=" + n + " c=" + c + " k=" + k;
            assertEquals(row[3], PassAtK.passAtK(n, c, k), GoldenValues.TOLERANCE, "pass@k " + at);
            assertEquals(row[4], PassAtK.passHatK(n, c, k), GoldenValues.TOLERANCE, "pass^k " + at);
        }
    }

    @Test
    void matchesBinomialDefinitionEverywhereSmall() {
        for (int n = 1; n <= 24; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    double total = binom(n, k);
                    double pass = 1 - binom(n - c, k) / total;
                    double hat = binom(c, k) / total;
                    assertEquals(pass, PassAtK.passAtK(n, c, k), 1e-12, n + " " + c + " " + k);
                    assertEquals(hat, PassAtK.passHatK(n, c, k), 1e-12, n + " " + c + " " + k);
                }
            }
        }
    }

    @Test
    void largeNIsStable() {
        // C(1000, 500) overflows doubles; the product form does not
        assertEquals(1.0 - Math.exp(lnBinom(990, 500) - lnBinom(1000, 500)), PassAtK.passAtK(1000, 10, 500), 1e-12);
        assertEquals(0.001, PassAtK.passAtK(1000, 1, 1), 1e-15);
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> PassAtK.passAtK(4, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.passAtK(4, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.passHatK(4, 1, 0));
    }

    static double binom(int n, int k) {
        if (k < 0 || k > n) {
            return 0;
        }
        BigInteger r = BigInteger.ONE;
        for (int i = 1; i <= k; i++) {
            r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        }
        return r.doubleValue();
    }

    private static double lnBinom(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}
