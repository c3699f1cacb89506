package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * A fixed sampling temperature: the baseline the EAD paper compares against (tau in {0.6, 1.0, 1.2}).
 * tau = 0 means greedy decoding. As in verl, a fixed-temperature run trains the policy at that same
 * temperature, so it is on-policy for pi(.; tau).
 */
public class ConstantTemperature implements TemperatureSchedule {

    @Config(description = "tau: the sampling temperature for every position. Range [0, inf); 0 = greedy. Default 1.")
    private double tau = 1.0;

    /** For OLCUT; tau = 1. */
    public ConstantTemperature() {
    }

    /**
     * Creates a fixed temperature.
     *
     * @param tau the temperature (0 = greedy)
     */
    public ConstantTemperature(double tau) {
        this.tau = tau;
        postConfig();
    }

    @Override
    public void postConfig() {
        ScheduleChecks.nonNegative("ConstantTemperature", "tau", tau);
    }

    @Override
    public double temperature(int position, long step) {
        return tau;
    }

    @Override
    public void temperatures(long step, float[] out) {
        java.util.Arrays.fill(out, (float) tau);
    }

    @Override
    public boolean isOffPolicy() {
        return tau != 1.0;
    }

    /** @return the temperature */
    public double tau() {
        return tau;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "TemperatureSchedule");
    }

    @Override
    public String toString() {
        return "ConstantTemperature(tau=" + tau + ")";
    }
}
