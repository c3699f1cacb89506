package org.ead4j.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.advantage.GrpoAdvantage;
import org.ead4j.cli.ProgressPrinter;
import org.ead4j.eval.Evaluation;
import org.ead4j.loss.PpoClipLoss;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.CountdownTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.SupervisedWarmStart;
import org.ead4j.train.TrainingSession;

/**
 * GRPO + EAD with the public API, in about sixty lines: a Countdown task, a small character-level
 * transformer, a short supervised warm start, a few RL steps whose rollouts are sampled with
 * Exploratory Annealed Decoding, the PPO clipped loss with clip-higher (0.2 / 0.28) and GRPO's
 * group-normalised advantages, then an n = 16 evaluation before and after RL, printed as a table.
 * Everything is written to a run directory (provenance.json, steps.jsonl, eval.jsonl, checkpoints/),
 * so {@code ./ead replay RUN/provenance.json --out ...} re-runs it bit for bit.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package -pl examples -am}):
 * <pre>
 *   java -cp examples/target/examples-0.1.0-SNAPSHOT-cli.jar org.ead4j.examples.TrainGrpoEadExample [RUN_DIR]
 * </pre>
 */
public final class TrainGrpoEadExample {

    private TrainGrpoEadExample() {
    }

    /**
     * Trains into {@code args[0]} (default: a new temporary directory) and prints the evaluation table.
     *
     * @param args optional: the run directory (must not exist or be empty)
     * @throws IOException if the run directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path runDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("ead4j-grpo-ead-").resolve("run");
        long t0 = System.nanoTime();
        run(runDir, 150, 8, 32, System.out);
        System.out.printf("done in %.0f s; run directory: %s%n", (System.nanoTime() - t0) / 1e9, runDir.toAbsolutePath());
    }

    /**
     * Warm-starts, trains with GRPO + EAD and evaluates.
     *
     * @param runDir the run directory (must not hold a run)
     * @param warmStartSteps supervised warm-start steps
     * @param rlSteps RL steps
     * @param evalPrompts held-out prompts evaluated (16 samples each)
     * @param out where progress and the table go
     * @return the training result and the evaluations before ({@code evals.get(0)}) and after RL
     * @throws IOException if the run directory cannot be written
     */
    public static Summary run(Path runDir, int warmStartSteps, int rlSteps, int evalPrompts, PrintStream out)
            throws IOException {
        // --- the ~60 lines a user writes start here ---------------------------------------------
        // Task: Countdown with 3 numbers in 1..9 and targets <= 30, e.g. prompt "3 8 4>20:" -> "(8-3)*4=20".
        CountdownTask task = new CountdownTask(7, 1200, 128, 3, 3, 9, 30);
        // Policy: a 2-layer, d = 64 character-level transformer (~110k parameters), init seed 42.
        PolicyConfig policy = new PolicyConfig(new CharTokenizer().vocabSize(), 64, 4, 2, 256, 48,
                NormKind.LAYER_NORM, PositionKind.LEARNED, false, 42);
        // EAD: tau_max 1.2, tau_min 0.1, d0 16, alpha 0.2, d_max 40000, warm-up c = 1, position scale k = 1,
        // scaled to ~10-token responses (the paper's c = 10 would keep every token here at tau = 1).
        ExploratoryAnnealing ead = new ExploratoryAnnealing(1.2, 0.1, 16, 0.2, 40000, 1, 1);
        RlvrTrainer trainer = new RlvrTrainer(policy, task)
                .withWarmStart(new SupervisedWarmStart(warmStartSteps, 32, 3e-3))  // teacher forcing first
                .withSchedule(ead)                                                  // rollouts sampled with EAD
                .withAdvantage(new GrpoAdvantage())                                 // (r - mean) / std per group
                .withLoss(new PpoClipLoss(0.2, 0.28, true, 3.0))                    // clip-higher, dual clip c = 3
                .withOptimizer(new AdamW(3e-4))
                .withSteps(rlSteps, 16, 8, 24)              // 16 prompts x 8 samples, <= 24 tokens per step
                .withEvaluation(new Evaluation(16, evalPrompts, new ConstantTemperature(1.0), List.of(1, 4, 16)),
                        0, true)                            // evaluate before RL (step 0) and after the last step
                .withSeed(42);
        TrainingSession.Result result = TrainingSession.start(trainer, runDir,
                new ProgressPrinter(new PrintWriter(out, true), false));

        List<ObjectNode> evals = JsonlLog.read(runDir.resolve(RunDirectory.EVAL));
        out.printf("%n%-26s%10s%10s%10s%10s%10s%n", "Countdown, n = 16", "mean@16", "pass@1", "pass@16", "maj@16",
                "entropy");
        for (ObjectNode e : evals) {
            String label = e.get("step").asLong() == 0 ? "warm start (step 0)" : "GRPO + EAD (step " + e.get("step") + ")";
            out.printf("%-26s%10.3f%10.3f%10.3f%10.3f%10.3f%n", label, e.get(MetricKeys.eval(MetricKeys.mean(16))).asDouble(),
                    e.get(MetricKeys.eval(MetricKeys.pass(1))).asDouble(), e.get(MetricKeys.eval(MetricKeys.pass(16))).asDouble(),
                    e.get(MetricKeys.eval(MetricKeys.maj(16))).asDouble(),
                    e.get(MetricKeys.EVAL_ENTROPY).asDouble());
        }
        out.println("final weights sha256 " + result.weightsSha256());
        // --- end of the user code -----------------------------------------------------------------
        return new Summary(result, evals);
    }

    /**
     * What {@link #run} produced.
     *
     * @param result the training session's result (run directory, steps, weights hash)
     * @param evals the eval.jsonl records, step 0 first
     */
    public record Summary(TrainingSession.Result result, List<ObjectNode> evals) {
    }
}
