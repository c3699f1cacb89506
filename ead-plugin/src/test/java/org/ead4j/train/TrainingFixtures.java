package org.ead4j.train;

import java.util.List;
import org.ead4j.eval.Evaluation;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.ArithmeticTask;

/** Small experiments shared by the trainer tests. */
final class TrainingFixtures {

    private TrainingFixtures() {
    }

    /** One-digit addition and subtraction: 90 training and 64 evaluation problems. */
    static ArithmeticTask arithmetic() {
        return new ArithmeticTask(7, 90, 64, 1, 1, "+-");
    }

    static PolicyConfig policy(int d) {
        return new PolicyConfig(26, d, 2, 2, 4 * d, 24, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 3L);
    }

    /** A few-second experiment: micro policy, 4 RL steps, EAD, checkpoints every 2 steps. */
    static RlvrTrainer tiny(int steps) {
        return new RlvrTrainer(policy(16), arithmetic())
                .withSchedule(new ExploratoryAnnealing(1.2, 0.1, 2, 0.5, 40000, 0, 1))
                .withWarmStart(new SupervisedWarmStart(20, 16, 3e-3))
                .withOptimizer(new AdamW(1e-3))
                .withSteps(steps, 4, 4, 6)
                .withUpdates(1, 2)
                .withEvaluation(new Evaluation(4, 8, new ConstantTemperature(1.0), List.of(1, 4)), 2, true)
                .withCheckpoints(2, 5)
                .withSeed(11);
    }
}
