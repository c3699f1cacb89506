package org.ead4j.samediff.schedule;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import java.util.Map;

/**
 * A sampling temperature per response position and RL step.
 *
 * <p>Positions are 0-based indices among the generated (response) tokens: the first generated
 * token is {@code t = 0}; the prompt is not counted. The step {@code s} is the global RL step
 * (0 before training, as in the authors' validation-before-training).
 */
public interface TemperatureSchedule extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The temperature for one response token.
     *
     * @param position 0-based response position t (t &gt;= 0)
     * @param step global RL step s (s &gt;= 0)
     * @return tau_t, &gt;= 0 (0 means greedy)
     */
    double temperature(int position, long step);

    /**
     * Fills {@code out[t]} with tau_t for positions {@code [0, out.length)} at step {@code step}.
     * Implementations hoist per-step work (such as the decay d_s) out of the loop, so a decoder can
     * fill one table per step and look temperatures up per token.
     *
     * @param step global RL step s
     * @param out the table to fill, one entry per position
     */
    default void temperatures(long step, float[] out) {
        for (int t = 0; t < out.length; t++) {
            out[t] = (float) temperature(t, step);
        }
    }

    /**
     * The schedule's effective parameters at a step, for the run's step log
     * (e.g. the decay d_s of exploratory annealing). Empty when nothing depends on the step.
     *
     * @param step global RL step s
     * @return parameter name to value, in a stable order
     */
    default Map<String, Double> stepParameters(long step) {
        return Map.of();
    }

    /**
     * Whether sampling at this schedule differs from sampling at tau = 1 for some position,
     * i.e. whether the behaviour policy is off the target policy pi_theta(.; tau = 1).
     *
     * @return true when the schedule is not identically 1
     */
    boolean isOffPolicy();
}
