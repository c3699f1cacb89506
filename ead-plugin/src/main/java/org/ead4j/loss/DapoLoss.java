package org.ead4j.loss;

import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.LossAggregation;

/**
 * DAPO's policy loss (Yu et al. 2025, arXiv 2503.14476) as the EAD paper runs it: the PPO clip of
 * {@link PpoClipLoss} with clip-higher (eps_low 0.2, eps_high 0.28: low-probability tokens may grow
 * further, which counters entropy collapse) and token-level aggregation ({@code token-mean}: every
 * token weighs the same, so long responses are not down-weighted). The dual clip keeps verl's
 * default c = 3 (the EAD recipe leaves it; verl's DAPO recipe uses 10).
 *
 * <p>DAPO's dynamic sampling (drop groups whose rewards are all equal, refill) and overlong reward
 * shaping are trainer options, not part of the loss.
 */
public class DapoLoss extends PpoClipLoss {

    /** For OLCUT; DAPO's defaults (0.2 / 0.28, token-mean, dual clip 3). */
    public DapoLoss() {
        clipRatioHigh = 0.28;
        lossAggMode = LossAggregation.TOKEN_MEAN;
    }

    /**
     * Creates DAPO with every knob.
     *
     * @param clipRatioLow eps_low (DAPO 0.2)
     * @param clipRatioHigh eps_high (DAPO 0.28)
     * @param dualClip whether the dual clip applies
     * @param clipRatioC the dual-clip bound c
     * @param entropyCoeff entropy-bonus coefficient
     * @param klPenalty KL-to-reference term, or null (DAPO: none)
     * @param importanceSampling off-policy correction, or null
     */
    public DapoLoss(double clipRatioLow, double clipRatioHigh, boolean dualClip, double clipRatioC,
                    double entropyCoeff, KlPenalty klPenalty, TruncatedImportanceSampling importanceSampling) {
        super(clipRatioLow, clipRatioHigh, dualClip, clipRatioC, LossAggregation.TOKEN_MEAN, 0, entropyCoeff,
                klPenalty, importanceSampling);
    }
}
