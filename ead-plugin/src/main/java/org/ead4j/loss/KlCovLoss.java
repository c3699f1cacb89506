package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;

/**
 * KL-Cov (Cui et al. 2025, arXiv 2505.22617; verl {@code loss_mode: kl_cov}): the unclipped
 * surrogate -A r on every token, plus beta |logp - old| on the top share k of valid tokens by
 * covariance Cov_i = (logp_i - mean logp)(A_i - mean A) over the batch, which restrains the tokens
 * that drive entropy down the most. At least one token is penalised (verl's max(floor(k N), 1));
 * ties in Cov go to the earlier token. As in verl there is no PPO ratio clipping.
 *
 * <p>Defaults are verl's ({@code kl_cov_ratio} 2e-4, the paper's 32B recipe; its 7B recipe uses 2e-3;
 * {@code ppo_kl_coef} 1).
 */
public class KlCovLoss extends AbstractPolicyLoss {

    @Config(description = "k: share of valid tokens to penalise; range (0, 1]. verl kl_cov_ratio: 2e-4 "
            + "(paper: 2e-3 for 7B, 2e-4 for 32B).")
    private double klCovRatio = 2e-4;

    @Config(description = "beta: coefficient of |logp - old| on the selected tokens; range [0, inf). verl ppo_kl_coef: 1.")
    private double ppoKlCoef = 1.0;

    /** For OLCUT; verl's defaults. */
    public KlCovLoss() {
    }

    /**
     * Creates the loss with verl's shared defaults (token-mean, no KL, no entropy bonus, no TIS).
     *
     * @param klCovRatio share k of tokens to penalise
     * @param ppoKlCoef penalty coefficient beta
     */
    public KlCovLoss(double klCovRatio, double ppoKlCoef) {
        this(klCovRatio, ppoKlCoef, LossAggregation.TOKEN_MEAN, 0, 0, null, null);
    }

    /**
     * Creates the loss with every knob.
     *
     * @param klCovRatio share k of tokens to penalise
     * @param ppoKlCoef penalty coefficient beta
     * @param lossAggMode the aggregation
     * @param lossScaleFactor divisor of seq-mean-token-sum-norm, 0 = the configured maximum response length
     * @param entropyCoeff entropy-bonus coefficient
     * @param klPenalty KL-to-reference term, or null
     * @param importanceSampling off-policy correction, or null
     */
    public KlCovLoss(double klCovRatio, double ppoKlCoef, LossAggregation lossAggMode, double lossScaleFactor,
                     double entropyCoeff, KlPenalty klPenalty, TruncatedImportanceSampling importanceSampling) {
        super(lossAggMode, lossScaleFactor, entropyCoeff, klPenalty, importanceSampling);
        this.klCovRatio = klCovRatio;
        this.ppoKlCoef = ppoKlCoef;
        postConfig();
    }

    @Override
    protected void checkSurrogate(String name) {
        if (!(klCovRatio > 0 && klCovRatio <= 1)) {
            throw new PropertyException(name, "klCovRatio", "klCovRatio = " + klCovRatio + " is invalid: must be in (0, 1]");
        }
        checkRange(name, "ppoKlCoef", ppoKlCoef, 0, Double.MAX_VALUE);
    }

    @Override
    protected PolicyLossSpec.Builder surrogate(PolicyLossSpec.Builder b) {
        return b.mode(PolicyLossMode.KL_COV).klCov(klCovRatio, ppoKlCoef);
    }
}
