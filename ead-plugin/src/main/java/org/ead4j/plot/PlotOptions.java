package org.ead4j.plot;

import java.util.List;
import org.ead4j.metrics.MetricKeys;

/**
 * What {@link RunPlots} draws: the metric keys to read from the run's logs and the schedule view.
 *
 * @param rewardKey the reward key in {@code steps.jsonl}
 * @param entropyKey the policy entropy key in {@code steps.jsonl}
 * @param tauPrefix every {@code steps.jsonl} key starting with this is drawn in the tau_t summary plot
 * @param passKey the pass@k key in {@code eval.jsonl}
 * @param worstKey the worst@k key in {@code eval.jsonl}
 * @param scheduleSteps the RL steps at which to draw tau_t over positions; empty = 0, S/4, S/2, S for the
 *                      run's last step S
 * @param scheduleFrom first response position of the schedule plot
 * @param scheduleTo last response position of the schedule plot (inclusive)
 */
public record PlotOptions(String rewardKey, String entropyKey, String tauPrefix, String passKey, String worstKey,
                          List<Long> scheduleSteps, int scheduleFrom, int scheduleTo) {

    /** Default reward key (verl's name for the mean sequence reward is similar). */
    public static final String DEFAULT_REWARD = MetricKeys.REWARD_MEAN;
    /** Default entropy key (verl: {@code actor/entropy}). */
    public static final String DEFAULT_ENTROPY = MetricKeys.ACTOR_ENTROPY;
    /** Default prefix of the tau_t summary keys (min, mean, max, values at fixed positions). */
    public static final String DEFAULT_TAU_PREFIX = MetricKeys.ROLLOUT_TAU_PREFIX;
    /** Default pass@k key. */
    public static final String DEFAULT_PASS = MetricKeys.EVAL_PREFIX + MetricKeys.PASS_AT + 16;
    /** Default worst@k key. */
    public static final String DEFAULT_WORST = MetricKeys.EVAL_PREFIX + MetricKeys.WORST_AT + 16;
    /** Default last position of the schedule plot. */
    public static final int DEFAULT_SCHEDULE_TO = 512;

    /**
     * Creates the options, checking the schedule positions and steps.
     *
     * @param rewardKey see the record component
     * @param entropyKey see the record component
     * @param tauPrefix see the record component
     * @param passKey see the record component
     * @param worstKey see the record component
     * @param scheduleSteps see the record component
     * @param scheduleFrom see the record component
     * @param scheduleTo see the record component
     */
    public PlotOptions {
        scheduleSteps = List.copyOf(scheduleSteps);
        if (scheduleFrom < 0 || scheduleTo < scheduleFrom) {
            throw new IllegalArgumentException("schedule positions " + scheduleFrom + ".." + scheduleTo
                    + " are invalid: need 0 <= from <= to");
        }
        for (long s : scheduleSteps) {
            if (s < 0) {
                throw new IllegalArgumentException("schedule step " + s + " is invalid: steps are >= 0");
            }
        }
    }

    /** @return the default options */
    public static PlotOptions defaults() {
        return new PlotOptions(DEFAULT_REWARD, DEFAULT_ENTROPY, DEFAULT_TAU_PREFIX, DEFAULT_PASS, DEFAULT_WORST,
                List.of(), 0, DEFAULT_SCHEDULE_TO);
    }
}
