package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/** A stand-in for a policy loss with one validated knob. */
public class FakeLoss implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "PPO clip ratio epsilon. verl default: 0.2.")
    private double clipRatio = 0.2;

    /** For OLCUT. */
    public FakeLoss() {
    }

    /**
     * Creates the loss.
     *
     * @param clipRatio clip ratio
     */
    public FakeLoss(double clipRatio) {
        this.clipRatio = clipRatio;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(clipRatio > 0 && clipRatio < 1)) {
            throw new PropertyException("FakeLoss", "clipRatio", "clipRatio = " + clipRatio
                    + " is invalid: must be in (0, 1)");
        }
    }

    /** @return the clip ratio */
    public double clipRatio() {
        return clipRatio;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "PolicyLoss");
    }
}
