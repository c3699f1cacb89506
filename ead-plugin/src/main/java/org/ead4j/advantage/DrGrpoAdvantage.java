package org.ead4j.advantage;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Dr.GRPO's advantage (Liu et al. 2025, "Understanding R1-Zero-Like Training", arXiv 2503.20783):
 * A_i = R_i - mean_G R, without GRPO's division by the group std, which up-weights prompts that
 * are nearly always or nearly never solved. Pair it with
 * {@code LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM}, the paper's length-unbiased aggregation.
 * Equivalent to {@code new GrpoAdvantage(1e-6, false)} (verl {@code norm_adv_by_std_in_grpo=False}).
 * All-equal groups and groups of one response get 0.
 */
public class DrGrpoAdvantage implements AdvantageEstimator {

    /** For OLCUT; this estimator has no parameters. */
    public DrGrpoAdvantage() {
    }

    @Override
    public double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup) {
        int groups = GroupedRewards.check("DrGrpoAdvantage", rewardsByGroup, responseLengthsByGroup, false);
        double[][] adv = new double[groups][];
        for (int g = 0; g < groups; g++) {
            double[] r = rewardsByGroup[g];
            adv[g] = new double[r.length];
            if (r.length == 1 || GroupedRewards.allEqual(r)) {
                continue;
            }
            double mean = GroupedRewards.mean(r);
            for (int i = 0; i < r.length; i++) {
                adv[g][i] = r[i] - mean;
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
        return "DrGrpoAdvantage()";
    }
}
