package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters EAD and its reverse share (arXiv 2510.05251, Sec. 4): temperatures tau_max and
 * tau_min, a step-dependent decay d_s = min(d0 + alpha * s, d_max) in units of k tokens, and a
 * warm-up of c positions sampled at tau = 1. Subclasses define the shape of tau_t.
 */
public abstract class AnnealingSchedule implements TemperatureSchedule {

    @Config(description = "tau_max: the hot end of the anneal. Range (0, inf). Paper: 1.2.")
    protected double tauMax = 1.2;

    @Config(description = "tau_min: the cold end of the anneal. Range (0, tau_max]. "
            + "Paper: 0.1 (1B/1.5B models), 0.8 (7B).")
    protected double tauMin = 0.1;

    @Config(description = "d0: decay at step 0, in units of k tokens. Range (0, d_max]. Paper: 25.")
    protected double d0 = 25;

    @Config(description = "alpha: growth of the decay per global RL step. Range [0, inf). Paper: 5.")
    protected double alpha = 5;

    @Config(description = "d_max: cap on the decay d_s. Range [d0, inf). Paper: 40000.")
    protected double dMax = 40000;

    @Config(description = "c: warm-up length; response positions t < c are sampled at tau = 1 (template tokens). "
            + "Range [0, inf). Paper: 10.")
    protected int warmup = 10;

    @Config(description = "k: position scale, tokens per unit of d (tau uses exp(t / (k * d_s))). Range (0, inf). "
            + "Paper formula: 1; the authors' released code: 20.")
    protected double positionScale = 1;

    /** For OLCUT; the paper's defaults. */
    protected AnnealingSchedule() {
    }

    /**
     * Sets every parameter (subclass constructors then call {@link #postConfig()}).
     *
     * @param tauMax tau_max
     * @param tauMin tau_min
     * @param d0 decay at step 0
     * @param alpha decay growth per step
     * @param dMax decay cap
     * @param warmup warm-up length c
     * @param positionScale position scale k
     */
    protected AnnealingSchedule(double tauMax, double tauMin, double d0, double alpha, double dMax, int warmup,
                                double positionScale) {
        this.tauMax = tauMax;
        this.tauMin = tauMin;
        this.d0 = d0;
        this.alpha = alpha;
        this.dMax = dMax;
        this.warmup = warmup;
        this.positionScale = positionScale;
    }

    @Override
    public void postConfig() {
        String name = getClass().getSimpleName();
        ScheduleChecks.positive(name, "tauMax", tauMax);
        ScheduleChecks.positive(name, "tauMin", tauMin);
        ScheduleChecks.atMost(name, "tauMin", tauMin, "tauMax", tauMax);
        ScheduleChecks.positive(name, "d0", d0);
        ScheduleChecks.nonNegative(name, "alpha", alpha);
        ScheduleChecks.finite(name, "dMax", dMax);
        ScheduleChecks.atLeast(name, "dMax", dMax, "d0", d0);
        ScheduleChecks.nonNegative(name, "warmup", warmup);
        ScheduleChecks.positive(name, "positionScale", positionScale);
    }

    /**
     * The decay at a step: d_s = min(d0 + alpha * s, d_max).
     *
     * @param step global RL step s
     * @return d_s
     */
    public double decay(long step) {
        return Math.min(d0 + alpha * step, dMax);
    }

    @Override
    public Map<String, Double> stepParameters(long step) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("d_s", decay(step));
        m.put("d_eff_tokens", positionScale * decay(step));
        return m;
    }

    @Override
    public boolean isOffPolicy() {
        return true;
    }

    /** @return tau_max */
    public double tauMax() {
        return tauMax;
    }

    /** @return tau_min */
    public double tauMin() {
        return tauMin;
    }

    /** @return d0 */
    public double d0() {
        return d0;
    }

    /** @return alpha */
    public double alpha() {
        return alpha;
    }

    /** @return d_max */
    public double dMax() {
        return dMax;
    }

    /** @return the warm-up length c */
    public int warmup() {
        return warmup;
    }

    /** @return the position scale k */
    public double positionScale() {
        return positionScale;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "TemperatureSchedule");
    }

    @Override
    public String toString() {
        return String.format("%s(tauMax=%s, tauMin=%s, d0=%s, alpha=%s, dMax=%s, warmup=%d, k=%s)",
                getClass().getSimpleName(), tauMax, tauMin, d0, alpha, dMax, warmup, positionScale);
    }
}
