package org.ead4j.advantage;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * REINFORCE Leave-One-Out (Ahmadian et al. 2024, "Back to Basics", arXiv 2402.14740; Kool et al.
 * 2019; verl {@code compute_rloo_outcome_advantage}): each response's baseline is the mean reward
 * of the other responses to the same prompt,
 * <pre>
 *   A_i = R_i - (1 / (n - 1)) sum_{j != i} R_j  =  n / (n - 1) * (R_i - mean_G R).
 * </pre>
 * All-equal groups get 0. A group of one response has no other response to form a baseline and
 * is rejected with an error (verl silently leaves its reward unchanged).
 */
public class RlooAdvantage implements AdvantageEstimator {

    /** For OLCUT; this estimator has no parameters. */
    public RlooAdvantage() {
    }

    @Override
    public double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup) {
        int groups = GroupedRewards.check("RlooAdvantage", rewardsByGroup, responseLengthsByGroup, false);
        double[][] adv = new double[groups][];
        for (int g = 0; g < groups; g++) {
            double[] r = rewardsByGroup[g];
            if (r.length < 2) {
                throw new IllegalArgumentException("RlooAdvantage: group " + g + " has " + r.length
                        + " response; the leave-one-out baseline needs at least 2 responses per prompt "
                        + "(sample n >= 2, or use GrpoAdvantage)");
            }
            adv[g] = new double[r.length];
            if (GroupedRewards.allEqual(r)) {
                continue;
            }
            double sum = 0;
            for (double x : r) {
                sum += x;
            }
            for (int i = 0; i < r.length; i++) {
                adv[g][i] = r[i] - (sum - r[i]) / (r.length - 1);
            }
        }
        return adv;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "AdvantageEstimator");
    }

    @Override
    public String toString() {
        return "RlooAdvantage()";
    }
}
