package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * Clip-Cov (Cui et al. 2025, "The Entropy Mechanism of Reinforcement Learning for Reasoning
 * Language Models", arXiv 2505.22617; verl {@code loss_mode: clip_cov}). Entropy falls where
 * log-prob and advantage covary; Clip-Cov masks out (no gradient, no value) a random share r of the
 * tokens whose covariance Cov_i = (logp_i - mean logp)(A_i - mean A), over all valid tokens of the
 * batch, lies in (clipCovLb, clipCovUb), leaving tokens already clipped by PPO alone. At least one
 * token is masked when any qualifies (verl's max(floor(r N), 1)). The rest of the loss is the PPO
 * clip without dual clip. The random draw is keyed: pass {@link LossInputs#selectionKey()}, e.g.
 * {@link #selectionKey(long, long, long)}, so the same run seed reproduces the same tokens.
 *
 * <p>Defaults are verl's ({@code clip_cov_ratio} 2e-4, {@code clip_cov_lb} 1, {@code clip_cov_ub} 5,
 * {@code clip_ratio} 0.2); the paper's 7B/32B recipes set both clip ratios to 1, i.e. no PPO clipping.
 */
public class ClipCovLoss extends AbstractPolicyLoss {

    /** {@link RandomStreams#derive} purpose for Clip-Cov's selection key. */
    public static final long KEY_PURPOSE = 2;

    @Config(description = "eps_low: lower PPO clip range; range [0, 1]. verl clip_ratio: 0.2; paper recipes: 1.")
    private double clipRatioLow = 0.2;

    @Config(description = "eps_high: upper PPO clip range; range [0, inf). verl clip_ratio: 0.2; paper recipes: 1.")
    private double clipRatioHigh = 0.2;

    @Config(description = "r: share of valid tokens to mask; range (0, 1]. verl clip_cov_ratio: 2e-4.")
    private double clipCovRatio = 2e-4;

    @Config(description = "omega_low: tokens need Cov > clipCovLb. verl clip_cov_lb: 1.0.")
    private double clipCovLb = 1.0;

    @Config(description = "omega_high: tokens need Cov < clipCovUb. verl clip_cov_ub: 5.0.")
    private double clipCovUb = 5.0;

    /** For OLCUT; verl's defaults. */
    public ClipCovLoss() {
    }

    /**
     * Creates the loss with verl's shared defaults (token-mean, no KL, no entropy bonus, no TIS).
     *
     * @param clipRatioLow eps_low
     * @param clipRatioHigh eps_high
     * @param clipCovRatio share r of tokens to mask
     * @param clipCovLb lower covariance bound
     * @param clipCovUb upper covariance bound
     */
    public ClipCovLoss(double clipRatioLow, double clipRatioHigh, double clipCovRatio, double clipCovLb,
                       double clipCovUb) {
        this(clipRatioLow, clipRatioHigh, clipCovRatio, clipCovLb, clipCovUb, LossAggregation.TOKEN_MEAN, 0, 0,
                null, null);
    }

    /**
     * Creates the loss with every knob.
     *
     * @param clipRatioLow eps_low
     * @param clipRatioHigh eps_high
     * @param clipCovRatio share r of tokens to mask
     * @param clipCovLb lower covariance bound
     * @param clipCovUb upper covariance bound
     * @param lossAggMode the aggregation
     * @param lossScaleFactor divisor of seq-mean-token-sum-norm, 0 = the configured maximum response length
     * @param entropyCoeff entropy-bonus coefficient
     * @param klPenalty KL-to-reference term, or null
     * @param importanceSampling off-policy correction, or null
     */
    public ClipCovLoss(double clipRatioLow, double clipRatioHigh, double clipCovRatio, double clipCovLb,
                       double clipCovUb, LossAggregation lossAggMode, double lossScaleFactor, double entropyCoeff,
                       KlPenalty klPenalty, TruncatedImportanceSampling importanceSampling) {
        super(lossAggMode, lossScaleFactor, entropyCoeff, klPenalty, importanceSampling);
        this.clipRatioLow = clipRatioLow;
        this.clipRatioHigh = clipRatioHigh;
        this.clipCovRatio = clipCovRatio;
        this.clipCovLb = clipCovLb;
        this.clipCovUb = clipCovUb;
        postConfig();
    }

    /**
     * The selection key for one optimiser step, derived from the run seed.
     *
     * @param runSeed the run seed
     * @param step the global RL step
     * @param microBatch the index of the loss evaluation within the step (mini/micro batch, PPO epoch)
     * @return the key to feed to {@link LossInputs#selectionKey()}
     */
    public static long selectionKey(long runSeed, long step, long microBatch) {
        return RandomStreams.derive(RandomStreams.key(runSeed, step, microBatch, 0), KEY_PURPOSE);
    }

    @Override
    protected void checkSurrogate(String name) {
        checkRange(name, "clipRatioLow", clipRatioLow, 0, 1);
        checkRange(name, "clipRatioHigh", clipRatioHigh, 0, Double.MAX_VALUE);
        if (!(clipCovRatio > 0 && clipCovRatio <= 1)) {
            throw new PropertyException(name, "clipCovRatio", "clipCovRatio = " + clipCovRatio
                    + " is invalid: must be in (0, 1]");
        }
        if (!(Double.isFinite(clipCovLb) && Double.isFinite(clipCovUb) && clipCovLb < clipCovUb)) {
            throw new PropertyException(name, "clipCovLb", "clipCovLb = " + clipCovLb + " and clipCovUb = "
                    + clipCovUb + " are invalid: must be finite with clipCovLb < clipCovUb");
        }
    }

    @Override
    protected boolean needsSelectionKey() {
        return true;
    }

    @Override
    protected PolicyLossSpec.Builder surrogate(PolicyLossSpec.Builder b) {
        return b.mode(PolicyLossMode.CLIP_COV).clipRatio(clipRatioLow, clipRatioHigh)
                .clipCov(clipCovRatio, clipCovLb, clipCovUb);
    }
}
