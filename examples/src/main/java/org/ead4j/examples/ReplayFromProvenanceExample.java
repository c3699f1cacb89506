package org.ead4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ead4j.cli.ProgressPrinter;
import org.ead4j.eval.Evaluation;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.task.ArithmeticTask;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.SupervisedWarmStart;
import org.ead4j.train.TrainingListener;
import org.ead4j.train.TrainingSession;

/**
 * Re-runs an experiment from its {@code provenance.json} alone and checks that the replay is
 * bit-identical: every component (task, policy, schedule, loss, optimiser, seed ...) is rebuilt with
 * {@code ExperimentConfigs.load(file, RlvrTrainer.class)} (OLCUT's extractConfiguration +
 * ConfigurationManager), trained into a new run directory, and compared with the original: the final
 * weights' SHA-256 and every line of steps.jsonl and eval.jsonl (wall-time fields excluded), with
 * {@link RunComparison}. Prints {@code IDENTICAL} or the differences.
 *
 * <p>Without an argument it first makes a tiny run (a few seconds of warm start and RL) to replay.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package -pl examples -am}):
 * <pre>
 *   java -cp examples/target/examples-0.1.0-SNAPSHOT-cli.jar org.ead4j.examples.ReplayFromProvenanceExample \
 *       [RUN/provenance.json [REPLAY_DIR]]
 * </pre>
 * Exit code 0 when identical, 1 when the replay differs.
 */
public final class ReplayFromProvenanceExample {

    private ReplayFromProvenanceExample() {
    }

    /**
     * Replays a run (or a fresh tiny one) and prints the verdict.
     *
     * @param args optional: a run's provenance.json, then optionally the replay's run directory
     * @throws IOException if a run directory cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("ead4j-replay-");
        Path provenance;
        if (args.length > 0) {
            provenance = Path.of(args[0]);
        } else {
            System.out.println("no provenance.json given: making a tiny run in " + work.resolve("original"));
            TrainingSession.Result original = TrainingSession.start(tinyExperiment(42, 1.2), work.resolve("original"),
                    progress(System.out));
            provenance = original.runDir().resolve(RunDirectory.PROVENANCE);
        }
        Path replayDir = args.length > 1 ? Path.of(args[1]) : work.resolve("replay");
        Outcome o = replay(provenance, replayDir, System.out);
        System.out.println(o.identical() ? "IDENTICAL: weights " + o.replaySha() + ", " + o.replaySteps()
                + " steps, every logged metric equal" : "DIFFERENT:\n  " + String.join("\n  ", o.differences()));
        System.exit(o.identical() ? 0 : 1);
    }

    /**
     * A tiny but complete experiment (warm start, EAD rollouts, GRPO, evaluation, checkpoints) on one-digit
     * addition and subtraction that runs in a few seconds; the provenance notebook uses it too.
     *
     * @param seed the run seed
     * @param tauMax EAD's tau_max (change it to see a configuration difference)
     * @return the experiment
     */
    public static RlvrTrainer tinyExperiment(long seed, double tauMax) {
        PolicyConfig policy = new PolicyConfig(new CharTokenizer().vocabSize(), 32, 2, 1, 64, 40, NormKind.LAYER_NORM,
                PositionKind.LEARNED, false, seed);
        return new RlvrTrainer(policy, new ArithmeticTask(7, 120, 16, 1, 1, "+-"))   // "7+5=" -> "12"
                .withWarmStart(new SupervisedWarmStart(30, 16, 3e-3))
                .withSchedule(new ExploratoryAnnealing(tauMax, 0.1, 16, 0.2, 40000, 1, 1))
                .withOptimizer(new AdamW(1e-3))
                .withSteps(4, 8, 4, 8)
                .withEvaluation(new Evaluation(16, 8, new ConstantTemperature(1.0), List.of(1, 4, 16)), 2, true)
                .withCheckpoints(2, 2)
                .withSeed(seed);
    }

    /**
     * Rebuilds the experiment from a provenance file, runs it into {@code replayDir} and compares.
     *
     * @param provenanceFile the original run's provenance.json (its run directory next to it is compared)
     * @param replayDir a new run directory for the replay
     * @param out where progress goes
     * @return the comparison
     * @throws IOException if a run directory cannot be read or written
     */
    public static Outcome replay(Path provenanceFile, Path replayDir, PrintStream out) throws IOException {
        RlvrTrainer trainer = ExperimentConfigs.load(provenanceFile, RlvrTrainer.class);
        out.println("rebuilt from " + provenanceFile + ": schedule " + trainer.schedule() + ", seed " + trainer.seed()
                + ", " + trainer.steps() + " RL steps");
        TrainingSession.start(trainer, replayDir, progress(out));
        return compare(provenanceFile.toAbsolutePath().getParent(), replayDir);
    }

    /**
     * Compares two finished runs: final weights hash, completed steps, steps.jsonl and eval.jsonl.
     *
     * @param originalRun the first run directory
     * @param replayRun the second run directory
     * @return the comparison
     * @throws IOException if a run cannot be read
     */
    public static Outcome compare(Path originalRun, Path replayRun) throws IOException {
        ExperimentProvenance a = RunDirectory.open(originalRun).readProvenance();
        ExperimentProvenance b = RunDirectory.open(replayRun).readProvenance();
        String shaA = a.runInfo().get("final-weights-sha256");
        String shaB = b.runInfo().get("final-weights-sha256");
        List<String> diffs = new ArrayList<>();
        if (shaA == null || !shaA.equals(shaB)) {
            diffs.add("final weights sha256: " + shaA + " vs " + shaB);
        }
        if (a.completedSteps() != b.completedSteps()) {
            diffs.add("completed steps: " + a.completedSteps() + " vs " + b.completedSteps());
        }
        for (String log : List.of(RunDirectory.STEPS, RunDirectory.EVAL)) {
            diffs.addAll(RunComparison.differences(originalRun.resolve(log), replayRun.resolve(log), 20));
        }
        return new Outcome(shaA, shaB, a.completedSteps(), b.completedSteps(), diffs);
    }

    private static TrainingListener progress(PrintStream out) {
        return new ProgressPrinter(new PrintWriter(out, true), false);
    }

    /**
     * The verdict of a replay.
     *
     * @param originalSha the original run's final weights SHA-256
     * @param replaySha the replay's
     * @param originalSteps the original's completed RL steps
     * @param replaySteps the replay's
     * @param differences human-readable differences, empty when bit-identical
     */
    public record Outcome(String originalSha, String replaySha, long originalSteps, long replaySteps,
                          List<String> differences) {

        /** @return true when weights, steps and every logged metric are equal */
        public boolean identical() {
            return differences.isEmpty();
        }
    }
}
