package org.ead4j.examples.quickstart;

import java.util.List;
import org.ead4j.eval.Evaluation;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.ead4j.task.CountdownTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.SupervisedWarmStart;

/**
 * The quickstart's experiment, in one place so the quickstart, the notebooks and the tests agree.
 *
 * <p>Task: Countdown with three numbers from 1..9 and targets up to 30 (prompt {@code "3 8 4>20:"},
 * a response such as {@code "(8-3)*4=20"}; many expressions are correct, so exploration matters).
 * Policy: a 2-layer, d = 64 character-level transformer (~110k parameters). The EAD schedule is
 * scaled to this task's ~10-token responses: k = 1, d0 = 16 (tau >= 1 for the first ~3 tokens at
 * step 0, tau_min from token 12), alpha = 0.2 (the hot prefix grows by one token every ~25 steps),
 * warm-up c = 1. The paper's released values (c = 10, k = 20, d0 = 25) would keep every token of
 * a 10-token response at tau = 1, i.e. no EAD at all.
 */
public final class QuickstartExperiment {

    /** Run sizes: the default (under 5 minutes on 2 cores) and {@code --full}. */
    public enum Size {
        /** Warm start 400 steps, RL 40 steps, evaluation on 128 prompts. */
        DEFAULT(400, 40, 128),
        /** Warm start 1000 steps, RL 150 steps, evaluation on 128 prompts. */
        FULL(1000, 150, 128);

        final int warmStartSteps;
        final int rlSteps;
        final int evalPrompts;

        Size(int warmStartSteps, int rlSteps, int evalPrompts) {
            this.warmStartSteps = warmStartSteps;
            this.rlSteps = rlSteps;
            this.evalPrompts = evalPrompts;
        }

        /** @return RL steps */
        public int rlSteps() {
            return rlSteps;
        }
    }

    private QuickstartExperiment() {
    }

    /** @return the task: Countdown, 3 numbers in 1..9, targets 1..30, 1200 training and 128 evaluation puzzles */
    public static CountdownTask task() {
        return new CountdownTask(7, 1200, 128, 3, 3, 9, 30);
    }

    /**
     * The policy architecture.
     *
     * @param seed init seed
     * @return d 64, 4 heads, 2 layers, FFN 256, context 48
     */
    public static PolicyConfig policy(long seed) {
        return new PolicyConfig(new CharTokenizer().vocabSize(), 64, 4, 2, 256, 48, NormKind.LAYER_NORM,
                PositionKind.LEARNED, false, seed);
    }

    /** @return EAD scaled to ~10-token responses (see the class comment) */
    public static ExploratoryAnnealing eadSchedule() {
        return new ExploratoryAnnealing(1.2, 0.1, 16, 0.2, 40000, 1, 1);
    }

    /**
     * The evaluation every arm shares: n = 16 at tau = 1.
     *
     * @param size run size
     * @return the evaluation setting
     */
    public static Evaluation evaluation(Size size) {
        return new Evaluation(16, size.evalPrompts, new ConstantTemperature(1.0), List.of(1, 4, 16));
    }

    /**
     * The warm-start run: supervised teacher forcing only (0 RL steps), evaluated at step 0.
     *
     * @param size run size
     * @param seed run seed
     * @return the experiment
     */
    public static RlvrTrainer warmStart(Size size, long seed) {
        return new RlvrTrainer(policy(seed), task())
                .withWarmStart(new SupervisedWarmStart(size.warmStartSteps, 32, 3e-3))
                .withSteps(0, 16, 8, 24)
                .withEvaluation(evaluation(size), 0, true)
                .withSeed(seed);
    }

    /**
     * An RL arm starting from the warm-start checkpoint.
     *
     * @param size run size
     * @param seed run seed
     * @param schedule the rollout schedule (EAD or a fixed temperature)
     * @param initialCheckpoint the warm start's policy checkpoint directory
     * @param initialSha its weights hash
     * @return the experiment
     */
    public static RlvrTrainer rl(Size size, long seed, TemperatureSchedule schedule, String initialCheckpoint,
                                 String initialSha) {
        int every = Math.max(10, size.rlSteps / 4);
        return new RlvrTrainer(policy(seed), task())
                .withSchedule(schedule)
                .withInitialCheckpoint(initialCheckpoint, initialSha)
                .withOptimizer(new AdamW(3e-4))
                .withSteps(size.rlSteps, 16, 8, 24)
                .withUpdates(1, 2)
                .withEvaluation(evaluation(size), every, false)
                .withCheckpoints(every, 2)
                .withSeed(seed);
    }
}
