package org.ead4j.advantage;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * REINFORCE++-baseline (Hu et al. 2025, arXiv 2501.03262; verl
 * {@code compute_reinforce_plus_plus_baseline_outcome_advantage}): subtract the group-mean reward,
 * then whiten over the whole batch.
 * <pre>
 *   c_i = R_i - mean_G R
 *   A_i = (c_i - mu) / sqrt(sigma^2 + epsilon)
 *   mu = sum_i L_i c_i / N,  sigma^2 = sum_i L_i (c_i - mu)^2 / (N - 1),  N = sum_i L_i
 * </pre>
 * verl whitens the advantage broadcast over the response tokens ({@code masked_whiten} with an
 * unbiased variance), so every response counts with its length L_i: long responses dominate the
 * batch statistics. This class reproduces that token weighting from the response lengths.
 *
 * <p>Groups: all-equal groups and groups of one response have c_i = 0 (verl uses a baseline of 0
 * for a lone response, i.e. c = R); after whitening they get (0 - mu) / sigma like any other
 * response with c = 0, which is verl's behaviour. The batch needs at least 2 response tokens.
 */
public class ReinforcePlusPlusBaselineAdvantage implements AdvantageEstimator {

    @Config(description = "Added to the batch variance before the square root; range (0, inf). "
            + "verl masked_whiten: 1e-8.")
    private double epsilon = 1e-8;

    /** For OLCUT; verl's defaults. */
    public ReinforcePlusPlusBaselineAdvantage() {
    }

    /**
     * Creates the estimator.
     *
     * @param epsilon added to the variance (verl 1e-8)
     */
    public ReinforcePlusPlusBaselineAdvantage(double epsilon) {
        this.epsilon = epsilon;
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
    public boolean needsResponseLengths() {
        return true;
    }

    @Override
    public double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup) {
        String name = "ReinforcePlusPlusBaselineAdvantage";
        int groups = GroupedRewards.check(name, rewardsByGroup, responseLengthsByGroup, true);
        double[][] centred = new double[groups][];
        double tokens = 0;
        double weighted = 0;
        for (int g = 0; g < groups; g++) {
            double[] r = rewardsByGroup[g];
            centred[g] = new double[r.length];
            if (r.length > 1 && !GroupedRewards.allEqual(r)) {
                double mean = GroupedRewards.mean(r);
                for (int i = 0; i < r.length; i++) {
                    centred[g][i] = r[i] - mean;
                }
            }
            for (int i = 0; i < r.length; i++) {
                tokens += responseLengthsByGroup[g][i];
                weighted += responseLengthsByGroup[g][i] * centred[g][i];
            }
        }
        if (tokens < 2) {
            throw new IllegalArgumentException(name + " whitens over response tokens and needs at least 2 in the "
                    + "batch; got " + (long) tokens);
        }
        double mu = weighted / tokens;
        double ss = 0;
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < centred[g].length; i++) {
                double dev = centred[g][i] - mu;
                ss += responseLengthsByGroup[g][i] * dev * dev;
            }
        }
        double invSd = 1.0 / Math.sqrt(ss / (tokens - 1) + epsilon);
        double[][] adv = new double[groups][];
        for (int g = 0; g < groups; g++) {
            adv[g] = new double[centred[g].length];
            for (int i = 0; i < centred[g].length; i++) {
                adv[g][i] = (centred[g][i] - mu) * invSd;
            }
        }
        return adv;
    }

    /** @return epsilon */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "AdvantageEstimator");
    }

    @Override
    public String toString() {
        return "ReinforcePlusPlusBaselineAdvantage(epsilon=" + epsilon + ")";
    }
}
