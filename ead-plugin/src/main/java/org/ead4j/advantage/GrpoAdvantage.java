package org.ead4j.advantage;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * GRPO's group-normalised advantage (Shao et al. 2024, DeepSeekMath, arXiv 2402.03300; verl
 * {@code compute_grpo_outcome_advantage}):
 * <pre>
 *   A_i = (R_i - mean_G R) / (std_G R + epsilon)     std: unbiased (n - 1), as torch.std
 *   A_i =  R_i - mean_G R                             with normAdvByStd = false (Dr.GRPO)
 * </pre>
 * A group whose rewards are all equal gets exactly 0. A group of one response also gets 0: it has
 * no group baseline. (verl instead uses mean 0 and std 1 there, i.e. A = R / (1 + epsilon), a
 * baseline-free REINFORCE term; ead4j treats a lone response as carrying no group-relative signal.)
 */
public class GrpoAdvantage implements AdvantageEstimator {

    @Config(description = "Added to the group std before dividing; range (0, inf). verl: 1e-6.")
    private double epsilon = 1e-6;

    @Config(description = "Divide by the group std (GRPO) or not (Dr.GRPO, arXiv 2503.20783). "
            + "verl: algorithm.norm_adv_by_std_in_grpo = true.")
    private boolean normAdvByStd = true;

    /** For OLCUT; verl's defaults. */
    public GrpoAdvantage() {
    }

    /**
     * Creates the estimator.
     *
     * @param epsilon added to the std (verl 1e-6)
     * @param normAdvByStd whether to divide by the group std
     */
    public GrpoAdvantage(double epsilon, boolean normAdvByStd) {
        this.epsilon = epsilon;
        this.normAdvByStd = normAdvByStd;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new PropertyException(getClass().getSimpleName(), "epsilon",
                    "epsilon = " + epsilon + " is invalid: must be a finite number > 0");
        }
    }

    @Override
    public double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup) {
        int groups = GroupedRewards.check("GrpoAdvantage", rewardsByGroup, responseLengthsByGroup, false);
        double[][] adv = new double[groups][];
        for (int g = 0; g < groups; g++) {
            double[] r = rewardsByGroup[g];
            adv[g] = new double[r.length];
            if (r.length == 1 || GroupedRewards.allEqual(r)) {
                continue;                                  // no group-relative signal
            }
            double mean = GroupedRewards.mean(r);
            double scale = normAdvByStd ? GroupedRewards.unbiasedStd(r, mean) + epsilon : 1.0;
            for (int i = 0; i < r.length; i++) {
                adv[g][i] = (r[i] - mean) / scale;
            }
        }
        return adv;
    }

    /** @return epsilon */
    public double epsilon() {
        return epsilon;
    }

    /** @return whether advantages are divided by the group std */
    public boolean normAdvByStd() {
        return normAdvByStd;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "AdvantageEstimator");
    }

    @Override
    public String toString() {
        return "GrpoAdvantage(epsilon=" + epsilon + ", normAdvByStd=" + normAdvByStd + ")";
    }
}
