package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reverse annealing (RevEAD), the EAD paper's ablation (arXiv 2510.05251, Sec. 6): temperature
 * rises through the response instead of falling.
 * <pre>
 *   tau_t = 1                                              for t &lt; c
 *   tau_t = min(tau_min + exp(t / (k * d_s)) - 1, tau_max)   for t &gt;= c,   d_s = min(d0 + alpha*s, d_max)
 * </pre>
 * The paper writes min{tau_min + e^{t/d}, tau_max}, which starts at tau_min + 1; we subtract 1 so
 * that the anneal starts at tau_min and ends at tau_max, the mirror image of {@link ExploratoryAnnealing}
 * (the authors' fork reaches tau_max at the same point, t = k d_s ln(tau_max - tau_min + 1)).
 * The paper reports that RevEAD fails to beat fixed-temperature sampling.
 */
public class ReverseAnnealing implements TemperatureSchedule {

    private static final String NAME = "ReverseAnnealing";

    @Config(description = "tau_max: ceiling reached late in the response. Range [tau_min, inf). Paper: 1.2.")
    private double tauMax = 1.2;

    @Config(description = "tau_min: temperature at the start of the anneal. Range (0, tau_max]. Paper: 0.1.")
    private double tauMin = 0.1;

    @Config(description = "d0: decay at step 0, in units of k tokens. Range (0, d_max]. Paper: 25.")
    private double d0 = 25;

    @Config(description = "alpha: growth of the decay per global RL step. Range [0, inf). Paper: 5.")
    private double alpha = 5;

    @Config(description = "d_max: cap on the decay d_s. Range [d0, inf). Paper: 40000.")
    private double dMax = 40000;

    @Config(description = "c: warm-up length; positions t < c use tau = 1. Range [0, inf). Paper: 10.")
    private int warmup = 10;

    @Config(description = "k: position scale, tokens per unit of d. Range (0, inf). Paper formula: 1; released code: 20.")
    private double positionScale = 1;

    /** For OLCUT; the paper's defaults. */
    public ReverseAnnealing() {
    }

    /**
     * Creates a reverse schedule with every parameter given.
     *
     * @param tauMax tau_max
     * @param tauMin tau_min
     * @param d0 decay at step 0
     * @param alpha decay growth per step
     * @param dMax decay cap
     * @param warmup warm-up length c
     * @param positionScale position scale k
     */
    public ReverseAnnealing(double tauMax, double tauMin, double d0, double alpha, double dMax, int warmup,
                            double positionScale) {
        this.tauMax = tauMax;
        this.tauMin = tauMin;
        this.d0 = d0;
        this.alpha = alpha;
        this.dMax = dMax;
        this.warmup = warmup;
        this.positionScale = positionScale;
        postConfig();
    }

    @Override
    public void postConfig() {
        ScheduleChecks.positive(NAME, "tauMax", tauMax);
        ScheduleChecks.positive(NAME, "tauMin", tauMin);
        ScheduleChecks.atMost(NAME, "tauMin", tauMin, "tauMax", tauMax);
        ScheduleChecks.positive(NAME, "d0", d0);
        ScheduleChecks.nonNegative(NAME, "alpha", alpha);
        ScheduleChecks.finite(NAME, "dMax", dMax);
        ScheduleChecks.atLeast(NAME, "dMax", dMax, "d0", d0);
        ScheduleChecks.nonNegative(NAME, "warmup", warmup);
        ScheduleChecks.positive(NAME, "positionScale", positionScale);
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
    public double temperature(int position, long step) {
        if (position < warmup) {
            return 1.0;
        }
        return Math.min(tauMin + Math.exp(position / (positionScale * decay(step))) - 1.0, tauMax);
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
        return String.format("ReverseAnnealing(tauMax=%s, tauMin=%s, d0=%s, alpha=%s, dMax=%s, warmup=%d, k=%s)",
                tauMax, tauMin, d0, alpha, dMax, warmup, positionScale);
    }
}
