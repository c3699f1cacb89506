package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exploratory Annealed Decoding (EAD): Yang et al. 2025, "Let it Calm: Exploratory Annealed
 * Decoding for Verifiable Reinforcement Learning", arXiv 2510.05251, Sec. 4.
 * <pre>
 *   tau_t = 1                                                  for t &lt; c        (warm-up)
 *   tau_t = max(1 + tau_max - exp(t / (k * d_s)), tau_min)     for t &gt;= c
 *   d_s   = min(d0 + alpha * s, d_max)                         s = global RL step
 * </pre>
 * Temperature starts above 1 (explore) and anneals below 1 (exploit); the decay grows with the
 * step, so later steps explore longer responses.
 *
 * <p><b>The position scale k.</b> The paper's formula has k = 1 (our default). The authors'
 * released code divides by {@code 20 * d_s} (k = 20), so the paper's d values are in units of 20
 * tokens. With k = 1, d0 = 25 and c = 10, tau crosses 1 at t = 25 ln 1.2 = 4.6 &lt; c, so at step 0
 * the warm-up hides all exploration: tau(10) = 0.708 and tau = tau_min from t = 19 on. With k = 20
 * (preset {@code released-code}) tau stays above 1 for about 91 tokens at step 0 and reaches
 * tau_min at about t = 371. See {@link SchedulePreset}.
 */
public class ExploratoryAnnealing implements TemperatureSchedule {

    private static final String NAME = "ExploratoryAnnealing";

    @Config(description = "tau_max: temperature at the start of the anneal (1 + tau_max - exp(0) = tau_max). "
            + "Range (0, inf). Paper: 1.2.")
    private double tauMax = 1.2;

    @Config(description = "tau_min: floor of the annealed temperature. Range (0, tau_max]. "
            + "Paper: 0.1 (1B/1.5B models), 0.8 (7B).")
    private double tauMin = 0.1;

    @Config(description = "d0: decay at step 0, in units of k tokens. Range (0, d_max]. Paper: 25.")
    private double d0 = 25;

    @Config(description = "alpha: growth of the decay per global RL step. Range [0, inf). Paper: 5.")
    private double alpha = 5;

    @Config(description = "d_max: cap on the decay d_s. Range [d0, inf). Paper: 40000.")
    private double dMax = 40000;

    @Config(description = "c: warm-up length; response positions t < c are sampled at tau = 1 (template tokens). "
            + "Range [0, inf). Paper: 10.")
    private int warmup = 10;

    @Config(description = "k: position scale, tokens per unit of d (tau uses exp(t / (k * d_s))). Range (0, inf). "
            + "Paper formula: 1; the authors' released code: 20.")
    private double positionScale = 1;

    /** For OLCUT; the paper's defaults. */
    public ExploratoryAnnealing() {
    }

    /**
     * Creates a schedule with every parameter given.
     *
     * @param tauMax tau_max
     * @param tauMin tau_min
     * @param d0 decay at step 0
     * @param alpha decay growth per step
     * @param dMax decay cap
     * @param warmup warm-up length c
     * @param positionScale position scale k
     */
    public ExploratoryAnnealing(double tauMax, double tauMin, double d0, double alpha, double dMax, int warmup,
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
        return Math.max(1.0 + tauMax - Math.exp(position / (positionScale * decay(step))), tauMin);
    }

    @Override
    public void temperatures(long step, float[] out) {
        double unit = positionScale * decay(step); // same expression as temperature(): bit-identical values
        int c = Math.min(warmup, out.length);
        for (int t = 0; t < c; t++) {
            out[t] = 1f;
        }
        int t = c;
        for (; t < out.length; t++) {
            double tau = 1.0 + tauMax - Math.exp(t / unit);
            if (tau <= tauMin) {
                break; // monotone in t: the floor holds from here on
            }
            out[t] = (float) tau;
        }
        for (; t < out.length; t++) {
            out[t] = (float) tauMin;
        }
    }

    @Override
    public Map<String, Double> stepParameters(long step) {
        double ds = decay(step);
        double unit = positionScale * ds;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("d_s", ds);
        m.put("d_eff_tokens", unit);
        // first position where tau_t <= 1 and where it reaches tau_min (ignoring the warm-up)
        m.put("t_tau_below_1", Math.max(warmup, unit * Math.log(tauMax)));
        m.put("t_tau_min", Math.max(warmup, unit * Math.log(1.0 + tauMax - tauMin)));
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
        return String.format("ExploratoryAnnealing(tauMax=%s, tauMin=%s, d0=%s, alpha=%s, dMax=%s, warmup=%d, k=%s)",
                tauMax, tauMin, d0, alpha, dMax, warmup, positionScale);
    }
}
