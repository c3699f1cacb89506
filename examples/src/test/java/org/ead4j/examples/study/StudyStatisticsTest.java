package org.ead4j.examples.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The study's statistics against hand-computed values. */
class StudyStatisticsTest {

    @Test
    void studentTQuantilesMatchTables() {
        // two-sided 95% critical values from standard t tables
        assertEquals(12.706205, StudentT.quantile(0.975, 1), 1e-5);
        assertEquals(4.302653, StudentT.quantile(0.975, 2), 1e-5);
        assertEquals(2.570582, StudentT.quantile(0.975, 5), 1e-5);
        assertEquals(2.042272, StudentT.quantile(0.975, 30), 1e-5);
        assertEquals(-2.570582, StudentT.quantile(0.025, 5), 1e-5);
        assertEquals(0.0, StudentT.quantile(0.5, 3), 1e-9);
        // Cauchy (df = 1): F(t) = 1/2 + atan(t) / pi
        assertEquals(0.5 + Math.atan(2.0) / Math.PI, StudentT.cdf(2.0, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
    }

    @Test
    void tIntervalOfThreeValues() {
        // mean 2, s = 1, se = 1/sqrt(3), t(0.975, 2) = 4.302653 -> half-width 2.484138
        Estimate e = StudentT.meanInterval(new double[]{1, 2, 3}, 0.95);
        assertEquals(2.0, e.mean(), 1e-12);
        assertEquals(2.0 - 2.484138, e.lo(), 1e-5);
        assertEquals(2.0 + 2.484138, e.hi(), 1e-5);
        assertEquals(3, e.n());
        Estimate one = StudentT.meanInterval(new double[]{0.7}, 0.95);
        assertEquals(0.7, one.mean(), 0);
        assertTrue(Double.isNaN(one.lo()));
        assertEquals("0.700", one.format(3));
        assertEquals("2.000 [-0.484, 4.484]", e.format(3));
    }

    @Test
    void signTestIsExactBinomial() {
        assertEquals(2.0 / 64, SignTest.twoSidedP(6, 0), 1e-15);
        assertEquals(2.0 / 64, SignTest.twoSidedP(0, 6), 1e-15);
        assertEquals(2.0 * (1 + 6) / 64, SignTest.twoSidedP(5, 1), 1e-15);
        assertEquals(2.0 * (1 + 10) / 1024, SignTest.twoSidedP(9, 1), 1e-15);
        assertEquals(1.0, SignTest.twoSidedP(3, 3), 0);
        assertEquals(1.0, SignTest.twoSidedP(0, 0), 0);
        assertThrows(IllegalArgumentException.class, () -> SignTest.twoSidedP(-1, 2));
    }

    @Test
    void bootstrapIntervalMatchesTheExactResamplingDistribution() {
        // resample means of {1,2,3}: P(mean = 1) = P(mean = 3) = 1/27 > 2.5%, so the 95% interval is [1, 3]
        Estimate e = BootstrapInterval.ofMean(new double[]{1, 2, 3}, 0.95, 20000, 11);
        assertEquals(2.0, e.mean(), 1e-12);
        assertEquals(1.0, e.lo(), 0);
        assertEquals(3.0, e.hi(), 0);
        // {0,0,0,1}: P(mean = 0) = (3/4)^4 = 0.32; P(mean <= 0.5) = 0.949, P(mean <= 0.75) = 0.996 -> [0, 0.75]
        Estimate f = BootstrapInterval.ofMean(new double[]{0, 0, 0, 1}, 0.95, 20000, 3);
        assertEquals(0.0, f.lo(), 0);
        assertEquals(0.75, f.hi(), 0);
        // same seed, same interval; constant values give a degenerate interval
        assertEquals(f, BootstrapInterval.ofMean(new double[]{0, 0, 0, 1}, 0.95, 20000, 3));
        Estimate c = BootstrapInterval.ofMean(new double[]{0.2, 0.2, 0.2}, 0.95, 1000, 1);
        assertEquals(0.2, c.lo(), 1e-15);
        assertEquals(0.2, c.hi(), 1e-15);
    }

    @Test
    void curveAreaIsTheTrapezoidTimeAverage() {
        assertEquals(0.75, CurveArea.normalized(new double[]{0, 10, 20}, new double[]{0, 1, 1}), 1e-15);
        // uneven spacing: area 5 over a span of 30
        assertEquals(5.0 / 30, CurveArea.normalized(new double[]{0, 10, 30}, new double[]{1, 0, 0}), 1e-15);
        assertEquals(0.4, CurveArea.normalized(new double[]{5}, new double[]{0.4}), 0);
        assertTrue(Double.isNaN(CurveArea.normalized(new double[0], new double[0])));
        assertThrows(IllegalArgumentException.class,
                () -> CurveArea.normalized(new double[]{10, 0}, new double[]{1, 1}));
    }

    @Test
    void pairedDifferencesPairByKeyAndCountSigns() {
        Map<String, Double> treatment = Map.of("DAPO/s1", 3.0, "DAPO/s2", 2.0, "GRPO/s1", 5.0, "GRPO/s2", 1.0);
        Map<String, Double> baseline = Map.of("DAPO/s1", 1.0, "DAPO/s2", 2.0, "GRPO/s1", 4.0, "GRPO/s3", 9.0);
        PairedComparison p = PairedComparison.of(treatment, baseline, 0.95, 2000, 5);
        assertEquals(List.of("DAPO/s1", "DAPO/s2", "GRPO/s1"), p.pairs()); // GRPO/s2 and GRPO/s3 have no partner
        assertEquals(2.0, p.differences()[0], 0);
        assertEquals(0.0, p.differences()[1], 0);
        assertEquals(1.0, p.differences()[2], 0);
        assertEquals(1.0, p.mean().mean(), 1e-15);
        assertEquals(2, p.wins());
        assertEquals(1, p.ties());
        assertEquals(0, p.losses());
        assertEquals(0.5, p.signTestP(), 1e-15); // ties dropped: 2 of 2 positive
        assertEquals(PairedComparison.Verdict.TIE, p.verdict()); // resampling {2, 0, 1} can give mean 0

        PairedComparison win = PairedComparison.of(Map.of("a", 2.0, "b", 3.0, "c", 4.0),
                Map.of("a", 1.0, "b", 1.0, "c", 1.0), 0.95, 2000, 5);
        assertEquals(PairedComparison.Verdict.WIN, win.verdict()); // differences {1, 2, 3}: interval [1, 3]
        PairedComparison loss = PairedComparison.of(Map.of("a", 1.0, "b", 1.0, "c", 1.0),
                Map.of("a", 2.0, "b", 3.0, "c", 4.0), 0.95, 2000, 5);
        assertEquals(PairedComparison.Verdict.LOSS, loss.verdict());
        assertEquals(-2.0, loss.mean().mean(), 1e-15);
    }
}
