package org.ead4j.samediff.schedule;

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
public class ExploratoryAnnealing extends AnnealingSchedule {

    /** For OLCUT; the paper's defaults (tau_max 1.2, tau_min 0.1, d0 25, alpha 5, d_max 40000, c 10, k 1). */
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
        super(tauMax, tauMin, d0, alpha, dMax, warmup, positionScale);
        postConfig();
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
        Map<String, Double> m = super.stepParameters(step);
        double unit = positionScale * decay(step);
        // first position where tau_t <= 1 and where it reaches tau_min (the warm-up aside)
        m.put("t_tau_below_1", Math.max(warmup, unit * Math.log(tauMax)));
        m.put("t_tau_min", Math.max(warmup, unit * Math.log(1.0 + tauMax - tauMin)));
        return m;
    }
}
