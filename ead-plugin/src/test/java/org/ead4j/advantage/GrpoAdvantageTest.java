package org.ead4j.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;

class GrpoAdvantageTest {

    // groups: balanced pair of successes, one success in four, all equal, singleton, two-response group
    static final double[][] REWARDS = {{1, 0, 0, 1}, {1, 0, 0, 0}, {0.1, 0.1, 0.1}, {2}, {3, 1}};

    @Test
    void matchesHandComputedTable() {
        // group 0: mean 0.5, unbiased std sqrt((4 * 0.25) / 3) = sqrt(1/3)
        double a0 = 0.5 / (Math.sqrt(1.0 / 3) + 1e-6);
        // group 1: mean 0.25, unbiased var (0.5625 + 3 * 0.0625) / 3 = 0.25, std 0.5
        double s1 = 0.5 + 1e-6;
        // group 4: mean 2, std sqrt(2)
        double s4 = Math.sqrt(2) + 1e-6;
        double[][] expected = {{a0, -a0, -a0, a0}, {0.75 / s1, -0.25 / s1, -0.25 / s1, -0.25 / s1}, {0, 0, 0}, {0},
                {1 / s4, -1 / s4}};
        double[][] adv = new GrpoAdvantage().advantages(REWARDS, null);
        for (int g = 0; g < expected.length; g++) {
            assertArrayEquals(expected[g], adv[g], 1e-12, "group " + g);
        }
        // all-equal group: exactly zero although mean(0.1, 0.1, 0.1) != 0.1 in floating point
        assertArrayEquals(new double[]{0, 0, 0}, adv[2], 0);
    }

    @Test
    void withoutStdScalingItIsDrGrpo() {
        double[][] expected = {{0.5, -0.5, -0.5, 0.5}, {0.75, -0.25, -0.25, -0.25}, {0, 0, 0}, {0}, {1, -1}};
        double[][] grpoNoStd = new GrpoAdvantage(1e-6, false).advantages(REWARDS, null);
        double[][] dr = new DrGrpoAdvantage().advantages(REWARDS, null);
        for (int g = 0; g < expected.length; g++) {
            assertArrayEquals(expected[g], grpoNoStd[g], 1e-15, "group " + g);
            assertArrayEquals(expected[g], dr[g], 1e-15, "group " + g);
        }
    }

    @Test
    void rejectsBadInputAndRecordsItsConfiguration() {
        GrpoAdvantage grpo = new GrpoAdvantage();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> grpo.advantages(new double[][]{{1, 0}, {}}, null));
        assertTrue(e.getMessage().contains("group 1 has no responses"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> grpo.advantages(new double[][]{{1, Double.NaN}}, null));
        assertTrue(e.getMessage().contains("reward of response 1 in group 0 is NaN"), e.getMessage());
        PropertyException p = assertThrows(PropertyException.class, () -> new GrpoAdvantage(0, true));
        assertTrue(p.getMessage().contains("epsilon = 0.0 is invalid"), p.getMessage());
        String prov = ProvenanceUtil.formattedProvenanceString(new GrpoAdvantage(1e-5, false).getProvenance());
        assertTrue(prov.contains("normAdvByStd") && prov.contains("false") && prov.contains("1.0E-5"), prov);
    }
}
