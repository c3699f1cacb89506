package org.ead4j.offpolicy;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;

/**
 * Truncated importance sampling (TIS) for EAD: responses are sampled at the annealed temperature
 * tau_t (behaviour policy pi_EAD) while the loss optimises pi_theta at tau = 1, so each token's
 * surrogate is multiplied by a detached, truncated weight (Yao et al. 2025, "Your efficient RL
 * framework secretly brings you off-policy RL training"; EAD paper arXiv 2510.05251, App. B):
 * <pre>
 *   TOKEN     w_t = min(exp(old_t - behaviour_t), cap)                    (EAD-TIS as coded; verl imp_ratio_cap)
 *   SEQUENCE  w   = min(exp(sum_t (old_t - behaviour_t)), cap), all tokens  (the paper's App. B formula)
 *   OFF       w   = 1                                                     (the paper's released recipe)
 * </pre>
 * old = log pi_theta_old(y_t; tau = 1), behaviour = the sampler's log-prob at tau_t. The weight
 * has no gradient. Token level bounds each token's weight and keeps variance low; sequence level is
 * the unbiased correction for the whole response but a product of T ratios, so long responses hit
 * the cap often (the EAD authors report &lt; 1% truncated at cap 2; watch
 * {@code loss/is_truncated_frac}). Token level is the default because it is what the authors ran.
 *
 * <p>ead4j applies the weight to every policy loss (vanilla/GRPO/DAPO, Clip-Cov, KL-Cov); the
 * authors' code applied it to verl's vanilla loss only. It multiplies the policy-gradient term,
 * not the KL-to-reference or entropy terms.
 */
public class TruncatedImportanceSampling implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Where the weight is computed: TOKEN, SEQUENCE or OFF. EAD authors' code: TOKEN.")
    private ImportanceSamplingLevel level = ImportanceSamplingLevel.TOKEN;

    @Config(description = "Truncation cap on the importance weight; range (0, inf). EAD paper / verl imp_ratio_cap: 2.0.")
    private double cap = 2.0;

    /** For OLCUT; token level, cap 2. */
    public TruncatedImportanceSampling() {
    }

    /**
     * Creates the correction.
     *
     * @param level token, sequence or off
     * @param cap the truncation cap (&gt; 0)
     */
    public TruncatedImportanceSampling(ImportanceSamplingLevel level, double cap) {
        this.level = level;
        this.cap = cap;
        postConfig();
    }

    /** @return no correction (weight 1) */
    public static TruncatedImportanceSampling off() {
        return new TruncatedImportanceSampling(ImportanceSamplingLevel.OFF, 2.0);
    }

    @Override
    public void postConfig() {
        if (level == null) {
            throw new PropertyException("TruncatedImportanceSampling", "level", "level must be TOKEN, SEQUENCE or OFF");
        }
        if (!(cap > 0 && Double.isFinite(cap))) {
            throw new PropertyException("TruncatedImportanceSampling", "cap",
                    "cap = " + cap + " is invalid: must be a finite number > 0");
        }
    }

    /** @return the level */
    public ImportanceSamplingLevel level() {
        return level;
    }

    /** @return the cap */
    public double cap() {
        return cap;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "TruncatedImportanceSampling");
    }

    @Override
    public String toString() {
        return "TruncatedImportanceSampling(level=" + level + ", cap=" + cap + ")";
    }
}
