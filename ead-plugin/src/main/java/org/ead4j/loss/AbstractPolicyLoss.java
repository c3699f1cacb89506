package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.CustomOps;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.ops.loss.KlEstimator;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossOp;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The knobs every policy loss shares (aggregation, KL penalty, entropy bonus, importance sampling)
 * and the graph wiring; subclasses only supply their surrogate's settings ({@link #surrogate}).
 */
public abstract class AbstractPolicyLoss implements PolicyLoss {

    /** Aggregation of per-token terms. */
    @Config(description = "How per-token losses become a scalar (verl actor.loss_agg_mode): TOKEN_MEAN, "
            + "SEQ_MEAN_TOKEN_SUM, SEQ_MEAN_TOKEN_MEAN, SEQ_MEAN_TOKEN_SUM_NORM (Dr.GRPO). verl: TOKEN_MEAN.")
    protected LossAggregation lossAggMode = LossAggregation.TOKEN_MEAN;

    /** Divisor of seq-mean-token-sum-norm; 0 = the configured maximum response length. */
    @Config(description = "Divisor of SEQ_MEAN_TOKEN_SUM_NORM (verl loss_scale_factor, Dr.GRPO's constant); "
            + "0 = the trainer's maxResponseTokens (verl: the configured response length). Range [0, inf).")
    protected double lossScaleFactor = 0;

    /** Entropy-bonus coefficient. */
    @Config(description = "Entropy bonus: loss -= entropyCoeff * agg(entropy) (verl actor.entropy_coeff); the "
            + "trainer takes the entropy at the actor temperature when this is non-zero. verl and the EAD paper: 0.")
    protected double entropyCoeff = 0;

    /** KL-to-reference term, or null. */
    @Config(description = "KL-to-reference loss term (verl actor.use_kl_loss + kl_loss_type + kl_loss_coef); "
            + "unset = no KL term (EAD paper).")
    protected KlPenalty klPenalty;

    /** Off-policy correction, or null. */
    @Config(description = "Off-policy correction for EAD's annealed sampling; multiplies the policy-gradient term "
            + "of every loss. Unset = none (EAD paper's released recipe).")
    protected TruncatedImportanceSampling importanceSampling;

    /** For OLCUT and subclasses; verl's shared defaults. */
    protected AbstractPolicyLoss() {
    }

    /**
     * Sets the shared knobs (subclass constructors call {@link #postConfig()} afterwards).
     *
     * @param lossAggMode the aggregation
     * @param lossScaleFactor divisor of seq-mean-token-sum-norm, 0 = the configured maximum response length
     * @param entropyCoeff entropy-bonus coefficient
     * @param klPenalty KL-to-reference term, or null for none
     * @param importanceSampling off-policy correction, or null for none
     */
    protected AbstractPolicyLoss(LossAggregation lossAggMode, double lossScaleFactor, double entropyCoeff,
                                 KlPenalty klPenalty, TruncatedImportanceSampling importanceSampling) {
        this.lossAggMode = lossAggMode;
        this.lossScaleFactor = lossScaleFactor;
        this.entropyCoeff = entropyCoeff;
        this.klPenalty = klPenalty;
        this.importanceSampling = importanceSampling;
    }

    /** Validates the shared knobs and the surrogate's by building the spec. */
    @Override
    public void postConfig() {
        String name = getClass().getSimpleName();
        if (lossAggMode == null) {
            throw new PropertyException(name, "lossAggMode", "lossAggMode must be set");
        }
        if (!(lossScaleFactor >= 0 && Double.isFinite(lossScaleFactor))) {
            throw new PropertyException(name, "lossScaleFactor", "lossScaleFactor = " + lossScaleFactor
                    + " is invalid: must be a finite number >= 0 (0 = the maximum response length)");
        }
        if (!Double.isFinite(entropyCoeff)) {
            throw new PropertyException(name, "entropyCoeff", "entropyCoeff = " + entropyCoeff + " is not finite");
        }
        checkSurrogate(name);
    }

    /**
     * Validates the subclass's own fields.
     *
     * @param name the component name for messages
     * @throws PropertyException naming the field, its value and the allowed range
     */
    protected abstract void checkSurrogate(String name);

    /**
     * Sets the subclass's surrogate (mode, clip ranges, covariance settings) on a spec builder.
     *
     * @param b a builder holding the shared settings
     * @return the builder
     */
    protected abstract PolicyLossSpec.Builder surrogate(PolicyLossSpec.Builder b);

    @Override
    public PolicyLossSpec spec() {
        PolicyLossSpec.Builder b = PolicyLossSpec.builder().aggregation(lossAggMode)
                .lossScaleFactor(lossScaleFactor).entropyCoeff(entropyCoeff);
        if (klPenalty != null) {
            b.klPenalty(klPenalty.estimator(), klPenalty.coef());
        } else {
            b.klPenalty(KlEstimator.K3, 0);
        }
        if (importanceSampling != null) {
            b.importanceSampling(importanceSampling.level(), importanceSampling.cap());
        }
        return surrogate(b).build();
    }

    /**
     * Whether {@link #build} needs a selection key input.
     *
     * @return true for losses with a random token selection
     */
    protected boolean needsSelectionKey() {
        return false;
    }

    @Override
    public LossOutputs build(SameDiff sd, LossInputs in) {
        CustomOps.ensureRegistered();
        String name = getClass().getSimpleName();
        PolicyLossSpec spec = resolvedSpec(spec(), in, name);
        if (spec.isLevel() != ImportanceSamplingLevel.OFF && in.behaviourLogProbs() == null) {
            throw new IllegalArgumentException(name + " has importance sampling " + spec.isLevel()
                    + " but LossInputs.behaviourLogProbs is not set (the sampler's log-probs at tau_t)");
        }
        if (spec.klCoef() > 0 && in.referenceLogProbs() == null) {
            throw new IllegalArgumentException(name + " has a KL penalty (coef " + spec.klCoef()
                    + ") but LossInputs.referenceLogProbs is not set");
        }
        if (spec.entropyCoeff() != 0 && in.entropy() == null) {
            throw new IllegalArgumentException(name + " has entropyCoeff " + spec.entropyCoeff()
                    + " but LossInputs.entropy is not set");
        }
        if (needsSelectionKey() && in.selectionKey() == null) {
            throw new IllegalArgumentException(name + " draws tokens at random and needs LossInputs.selectionKey "
                    + "(an INT64 scalar that changes every step, e.g. ClipCovLoss.selectionKey(seed, step, microBatch))");
        }
        SDVariable logp = in.logProbs();
        SDVariable old = in.oldLogProbs();
        // absent optional inputs: behaviour = old (weight 1), reference = old (kl_ref_mean then reports KL to old)
        SDVariable behaviour = in.behaviourLogProbs() != null ? in.behaviourLogProbs() : old;
        SDVariable ref = in.referenceLogProbs() != null ? in.referenceLogProbs() : old;
        SDVariable entropy = in.entropy() != null ? in.entropy() : sd.zerosLike(old);
        SDVariable key = in.selectionKey() != null ? in.selectionKey() : sd.constant(Nd4j.scalar(0L));
        SDVariable[] out = new PolicyLossOp(sd, new SDVariable[]{logp, old, behaviour, ref, entropy,
                in.advantages(), in.responseMask(), key}, spec).outputVariables();
        return new LossOutputs(out[0], out[1]);
    }

    /**
     * The spec with Dr.GRPO's divisor resolved: {@code SEQ_MEAN_TOKEN_SUM_NORM} without a
     * {@code lossScaleFactor} divides by the configured maximum response length, a constant, never by
     * the width of the padded batch (which changes with each batch's longest prompt and response).
     */
    static PolicyLossSpec resolvedSpec(PolicyLossSpec spec, LossInputs in, String name) {
        if (spec.aggregation() != LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM || spec.lossScaleFactor() > 0) {
            return spec;
        }
        if (in.maxResponseLength() < 1) {
            throw new IllegalArgumentException(name + " aggregates with SEQ_MEAN_TOKEN_SUM_NORM and lossScaleFactor 0, "
                    + "which divides by the maximum response length, but LossInputs.maxResponseLength is not set "
                    + "(set it, or set lossScaleFactor > 0)");
        }
        return spec.toBuilder().lossScaleFactor(in.maxResponseLength()).build();
    }

    /** @return the aggregation */
    public LossAggregation lossAggMode() {
        return lossAggMode;
    }

    /** @return the entropy-bonus coefficient */
    public double entropyCoeff() {
        return entropyCoeff;
    }

    /** @return the KL penalty, or null */
    public KlPenalty klPenalty() {
        return klPenalty;
    }

    /** @return the importance-sampling correction, or null */
    public TruncatedImportanceSampling importanceSampling() {
        return importanceSampling;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "PolicyLoss");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + spec() + ")";
    }

    /**
     * Range check for subclasses.
     *
     * @param component the component name
     * @param field the field name
     * @param value its value
     * @param lo the lowest allowed value
     * @param hi the highest allowed value
     * @throws PropertyException when the value is outside [lo, hi] or not finite
     */
    protected static void checkRange(String component, String field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi) || !Double.isFinite(value)) {
            throw new PropertyException(component, field, field + " = " + value + " is invalid: must be in ["
                    + lo + ", " + (hi == Double.MAX_VALUE ? "inf" : String.valueOf(hi)) + "]");
        }
    }
}
