package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.samediff.ops.loss.KlEstimator;

/**
 * KL divergence to a frozen reference policy as a loss term (verl {@code actor.use_kl_loss}):
 * loss += coef * agg(k(logp, ref_logp)), aggregated like the policy-gradient term, with one of
 * Schulman's estimators ({@link KlEstimator}). GRPO (DeepSeekMath) uses k3 with coef 0.04; verl's
 * default is k3 ({@code low_var_kl}) with {@code kl_loss_coef} 0.001. The EAD paper's runs use no KL.
 * A loss without a {@code KlPenalty} has no KL term.
 */
public class KlPenalty implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Per-token KL estimator: K1 (verl kl), ABS, K2 (verl mse), K3 (verl low_var_kl, "
            + "clamped to [-10, 10]). verl kl_loss_type: K3.")
    private KlEstimator estimator = KlEstimator.K3;

    @Config(description = "Coefficient of the KL term; range [0, inf). verl kl_loss_coef: 0.001; DeepSeekMath GRPO: 0.04.")
    private double coef = 0.001;

    /** For OLCUT; k3 with coefficient 0.001. */
    public KlPenalty() {
    }

    /**
     * Creates the penalty.
     *
     * @param estimator the per-token estimator
     * @param coef its coefficient (&gt;= 0)
     */
    public KlPenalty(KlEstimator estimator, double coef) {
        this.estimator = estimator;
        this.coef = coef;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (estimator == null) {
            throw new PropertyException("KlPenalty", "estimator", "estimator must be one of K1, ABS, K2, K3");
        }
        if (!(coef >= 0 && Double.isFinite(coef))) {
            throw new PropertyException("KlPenalty", "coef", "coef = " + coef + " is invalid: must be a finite number >= 0");
        }
    }

    /** @return the estimator */
    public KlEstimator estimator() {
        return estimator;
    }

    /** @return the coefficient */
    public double coef() {
        return coef;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "KlPenalty");
    }

    @Override
    public String toString() {
        return "KlPenalty(" + estimator.shortName() + ", coef=" + coef + ")";
    }
}
