package org.ead4j.loss;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * An RLVR policy loss (verl {@code actor.policy_loss}): adds the loss op on top of a policy graph.
 * The trainer then differentiates {@link LossOutputs#loss()} with respect to the policy parameters;
 * gradients reach the parameters through {@link LossInputs#logProbs()} and {@link LossInputs#entropy()}.
 */
public interface PolicyLoss extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Adds the loss to a graph.
     *
     * @param sd the graph holding the policy
     * @param inputs the per-token inputs
     * @return the scalar loss and the diagnostics vector
     * @throws IllegalArgumentException if an input this configuration needs is missing (e.g. the
     *         reference log-probs for a KL penalty)
     */
    LossOutputs build(SameDiff sd, LossInputs inputs);

    /**
     * The op configuration this loss encodes (what {@link #build} puts in the op's arguments).
     *
     * @return the spec
     */
    PolicyLossSpec spec();
}
