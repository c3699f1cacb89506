package org.ead4j.examples.study;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.schedule.TemperatureSchedule;

/**
 * One sampling method of a study: a label, the rollout temperature schedule and, optionally,
 * truncated importance sampling added to every loss it is crossed with (EAD + TIS). The same type
 * names the schedules of the inference-time comparison and the schedule ablations.
 */
public class StudyArm implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(mandatory = true, description = "Label used in tables, plots and run ids, e.g. 'EAD' or 'tau=1.0'.")
    private String label;

    @Config(mandatory = true, description = "The rollout (or evaluation) temperature schedule.")
    private TemperatureSchedule schedule;

    @Config(description = "Truncated importance sampling added to the loss (EAD + TIS: TOKEN level, cap 2). "
            + "Unset = none, as in the EAD paper's released recipe.")
    private TruncatedImportanceSampling importanceSampling;

    /** For OLCUT. */
    public StudyArm() {
    }

    /**
     * Creates an arm.
     *
     * @param label its label
     * @param schedule its schedule
     * @param importanceSampling TIS to add to the loss, or null for none
     */
    public StudyArm(String label, TemperatureSchedule schedule, TruncatedImportanceSampling importanceSampling) {
        this.label = label;
        this.schedule = schedule;
        this.importanceSampling = importanceSampling;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (label == null || label.isBlank()) {
            throw new PropertyException("StudyArm", "label", "label is empty: give the arm a name, e.g. 'EAD'");
        }
        if (schedule == null) {
            throw new PropertyException("StudyArm", "schedule", "schedule of arm '" + label + "' is missing");
        }
    }

    /** @return the label */
    public String label() {
        return label;
    }

    /** @return the schedule */
    public TemperatureSchedule schedule() {
        return schedule;
    }

    /** @return the TIS to add to the loss, or null */
    public TruncatedImportanceSampling importanceSampling() {
        return importanceSampling;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StudyArm");
    }

    @Override
    public String toString() {
        return label + " (" + schedule + (importanceSampling != null ? ", TIS" : "") + ")";
    }
}
