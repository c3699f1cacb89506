package org.ead4j.it.reliability;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.loss.DapoLoss;
import org.ead4j.loss.LossInputs;
import org.ead4j.loss.LossOutputs;
import org.ead4j.loss.PolicyLoss;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Test-only fault injector for the numerical guards: the base loss, except on batches whose advantages
 * carry {@link PoisonedAdvantage#MARKER}. There the base loss sees zero advantages, and
 * <ul>
 *   <li>{@code tensor = loss}: the loss becomes -inf ({@code log(0)} is added);</li>
 *   <li>{@code tensor = gradient}: the loss stays finite (a term {@code 0 * sum(sqrt(0 * logp))} adds 0)
 *       but every parameter gradient becomes NaN (the derivative of sqrt at 0 is inf, times 0).</li>
 * </ul>
 */
public class PoisonedLoss implements PolicyLoss {

    @Config(description = "Which tensor turns non-finite on a marked batch: loss or gradient.")
    private String tensor = "loss";

    @Config(description = "The real loss.")
    private PolicyLoss base = new DapoLoss();

    /** For OLCUT. */
    public PoisonedLoss() {
    }

    @Override
    public void postConfig() {
        if (!tensor.equals("loss") && !tensor.equals("gradient")) {
            throw new PropertyException("PoisonedLoss", "tensor", "tensor = " + tensor + ": use loss or gradient");
        }
    }

    @Override
    public LossOutputs build(SameDiff sd, LossInputs in) {
        SDVariable adv = in.advantages();
        // 1 on a marked batch, else 0; depends on placeholders only, so nothing is differentiated through it
        SDVariable gate = sd.math().abs(adv).max().gte(PoisonedAdvantage.MARKER / 2).castTo(adv.dataType());
        SDVariable keep = gate.rsub(1.0);
        LossInputs.Builder b = LossInputs.builder(in.logProbs(), in.oldLogProbs(), adv.mul(keep), in.responseMask());
        if (in.behaviourLogProbs() != null) {
            b.behaviourLogProbs(in.behaviourLogProbs());
        }
        if (in.referenceLogProbs() != null) {
            b.referenceLogProbs(in.referenceLogProbs());
        }
        if (in.entropy() != null) {
            b.entropy(in.entropy());
        }
        if (in.selectionKey() != null) {
            b.selectionKey(in.selectionKey());
        }
        if (in.maxResponseLength() > 0) {
            b.maxResponseLength(in.maxResponseLength());
        }
        LossOutputs out = base.build(sd, b.build());
        SDVariable loss;
        if (tensor.equals("loss")) {
            loss = out.loss().add(sd.math().log(keep));
        } else {
            SDVariable u = in.logProbs().mul(in.responseMask()).mul(0.0).add(keep);
            loss = out.loss().add(sd.math().sqrt(u).sum().mul(0.0));
        }
        return new LossOutputs(loss, out.diagnostics());
    }

    @Override
    public PolicyLossSpec spec() {
        return base.spec();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "PolicyLoss");
    }
}
