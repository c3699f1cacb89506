package org.ead4j.samediff.schedule;


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
public class ReverseAnnealing extends AnnealingSchedule {

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
        super(tauMax, tauMin, d0, alpha, dMax, warmup, positionScale);
        postConfig();
    }

    @Override
    public double temperature(int position, long step) {
        if (position < warmup) {
            return 1.0;
        }
        return Math.min(tauMin + Math.exp(position / (positionScale * decay(step))) - 1.0, tauMax);
    }
}
