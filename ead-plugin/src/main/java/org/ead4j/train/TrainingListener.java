package org.ead4j.train;

import java.util.Map;

/** Receives progress from a training or evaluation run (the CLI draws a progress bar or log lines). */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * A phase began (e.g. "warm start", "rl").
     *
     * @param phase the phase name
     * @param totalSteps its number of steps
     */
    default void onPhase(String phase, long totalSteps) {
    }

    /**
     * A step ended.
     *
     * @param phase the phase
     * @param step the step number (1-based)
     * @param record the step's metrics
     */
    default void onStep(String phase, long step, Map<String, Object> record) {
    }

    /**
     * An evaluation ended.
     *
     * @param step the RL step it evaluated
     * @param record the evaluation metrics
     */
    default void onEval(long step, Map<String, Object> record) {
    }

    /**
     * A notable event (checkpoint written, resume point, skipped step).
     *
     * @param message what happened
     */
    default void onMessage(String message) {
    }
}
