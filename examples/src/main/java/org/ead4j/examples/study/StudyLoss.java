package org.ead4j.examples.study;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.loss.PolicyLoss;

/** One policy loss of a study with its label (GRPO = PpoClipLoss, DAPO, Clip-Cov, KL-Cov). */
public class StudyLoss implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(mandatory = true, description = "Label used in tables, plots and run ids, e.g. 'GRPO'.")
    private String label;

    @Config(mandatory = true, description = "The policy loss.")
    private PolicyLoss loss;

    /** For OLCUT. */
    public StudyLoss() {
    }

    /**
     * Creates a labelled loss.
     *
     * @param label its label
     * @param loss the loss
     */
    public StudyLoss(String label, PolicyLoss loss) {
        this.label = label;
        this.loss = loss;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (label == null || label.isBlank()) {
            throw new PropertyException("StudyLoss", "label", "label is empty: give the loss a name, e.g. 'GRPO'");
        }
        if (loss == null) {
            throw new PropertyException("StudyLoss", "loss", "loss of '" + label + "' is missing");
        }
    }

    /** @return the label */
    public String label() {
        return label;
    }

    /** @return the loss */
    public PolicyLoss loss() {
        return loss;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StudyLoss");
    }

    @Override
    public String toString() {
        return label + " (" + loss + ")";
    }
}
