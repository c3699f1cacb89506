package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;

/**
 * The PPO clipped surrogate as used by GRPO (verl {@code loss_mode: vanilla}; Schulman et al. 2017,
 * arXiv 1707.06347; Shao et al. 2024, arXiv 2402.03300), per token with r = exp(logp - old):
 * <pre>
 *   pg = max(-A r, -A clip(r, 1 - eps_low, 1 + eps_high))
 *   pg = min(pg, -A c)          for A &lt; 0 when dualClip (Ye et al. 2019, arXiv 1912.09729)
 * </pre>
 * Defaults are verl's: eps 0.2 / 0.2, c = 3, token-mean. (GRPO's paper averages per sequence:
 * set {@code lossAggMode = SEQ_MEAN_TOKEN_MEAN}.) {@link DapoLoss} is this loss with clip-higher.
 */
public class PpoClipLoss extends AbstractPolicyLoss {

    /** eps_low. */
    @Config(description = "eps_low: lower clip range, ratio floor 1 - eps_low; range [0, 1]. verl clip_ratio_low: 0.2.")
    protected double clipRatioLow = 0.2;

    /** eps_high. */
    @Config(description = "eps_high: upper clip range, ratio ceiling 1 + eps_high; range [0, inf). "
            + "verl clip_ratio_high: 0.2; DAPO: 0.28.")
    protected double clipRatioHigh = 0.2;

    /** Whether the dual clip applies. */
    @Config(description = "Dual-clip on: bound the loss of negative-advantage tokens by -A * clipRatioC. verl: on.")
    protected boolean dualClip = true;

    /** Dual-clip bound c. */
    @Config(description = "c: dual-clip bound, > 1. verl clip_ratio_c: 3.0; verl's DAPO recipe: 10.")
    protected double clipRatioC = 3.0;

    /** For OLCUT; verl's defaults. */
    public PpoClipLoss() {
    }

    /**
     * Creates the loss with verl's shared defaults (token-mean, no KL, no entropy bonus, no TIS).
     *
     * @param clipRatioLow eps_low
     * @param clipRatioHigh eps_high
     * @param dualClip whether the dual clip applies
     * @param clipRatioC the dual-clip bound c
     */
    public PpoClipLoss(double clipRatioLow, double clipRatioHigh, boolean dualClip, double clipRatioC) {
        this(clipRatioLow, clipRatioHigh, dualClip, clipRatioC, LossAggregation.TOKEN_MEAN, 0, 0, null, null);
    }

    /**
     * Creates the loss with every knob.
     *
     * @param clipRatioLow eps_low
     * @param clipRatioHigh eps_high
     * @param dualClip whether the dual clip applies
     * @param clipRatioC the dual-clip bound c
     * @param lossAggMode the aggregation
     * @param lossScaleFactor divisor of seq-mean-token-sum-norm, 0 = the configured maximum response length
     * @param entropyCoeff entropy-bonus coefficient
     * @param klPenalty KL-to-reference term, or null
     * @param importanceSampling off-policy correction, or null
     */
    public PpoClipLoss(double clipRatioLow, double clipRatioHigh, boolean dualClip, double clipRatioC,
                       LossAggregation lossAggMode, double lossScaleFactor, double entropyCoeff,
                       KlPenalty klPenalty, TruncatedImportanceSampling importanceSampling) {
        super(lossAggMode, lossScaleFactor, entropyCoeff, klPenalty, importanceSampling);
        this.clipRatioLow = clipRatioLow;
        this.clipRatioHigh = clipRatioHigh;
        this.dualClip = dualClip;
        this.clipRatioC = clipRatioC;
        postConfig();
    }

    @Override
    protected void checkSurrogate(String name) {
        checkRange(name, "clipRatioLow", clipRatioLow, 0, 1);
        checkRange(name, "clipRatioHigh", clipRatioHigh, 0, Double.MAX_VALUE);
        if (dualClip && !(clipRatioC > 1 && Double.isFinite(clipRatioC))) {
            throw new PropertyException(name, "clipRatioC", "clipRatioC = " + clipRatioC
                    + " is invalid: the dual-clip bound must be > 1 (or set dualClip = false)");
        }
    }

    @Override
    protected PolicyLossSpec.Builder surrogate(PolicyLossSpec.Builder b) {
        return b.mode(PolicyLossMode.VANILLA).clipRatio(clipRatioLow, clipRatioHigh).dualClip(dualClip, clipRatioC);
    }

    /** @return eps_low */
    public double clipRatioLow() {
        return clipRatioLow;
    }

    /** @return eps_high */
    public double clipRatioHigh() {
        return clipRatioHigh;
    }
}
