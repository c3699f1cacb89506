package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import java.util.List;
import org.ead4j.data.Problem;
import org.ead4j.reward.Verifier;

/**
 * A source of problems with verifiable answers: a train split and an eval split, disjoint and fixed by
 * the task's configuration (seed included), and the verifier that scores responses to them. Problem
 * ids are unique across both splits.
 */
public interface Task extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** Which part of a task. */
    enum Split {
        /** Problems used for RL training (and the supervised warm start). */
        TRAIN,
        /** Held-out problems for evaluation. */
        EVAL
    }

    /** @return the task's name, also the default {@code dataSource} of its problems */
    String name();

    /**
     * The problems of one split, in a fixed order.
     *
     * @param split the split
     * @return an unmodifiable list (empty when the task has no such split)
     */
    List<Problem> problems(Split split);

    /** @return the training problems */
    default List<Problem> train() {
        return problems(Split.TRAIN);
    }

    /** @return the evaluation problems */
    default List<Problem> eval() {
        return problems(Split.EVAL);
    }

    /** @return the verifier that scores responses to this task's problems */
    Verifier verifier();
}
