package org.ead4j.examples.quickstart;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ead4j.cli.ProgressPrinter;
import org.ead4j.cli.UserException;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.plot.PlotOptions;
import org.ead4j.plot.RunPlots;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.train.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ead quickstart}, the main job: a supervised warm start on the bundled Countdown task,
 * then RLVR with EAD and with a fixed temperature (tau = 1) from the same warm-start checkpoint,
 * then evaluation with n = 16 samples per prompt, printed as one table.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        header = "Warm-start a small policy on Countdown, train it with EAD and with a fixed temperature, compare.",
        description = {"Runs three run directories under --out (warm-start, ead, fixed-tau-1.0), each with "
                + "provenance.json, steps.jsonl, eval.jsonl, checkpoints/ and plots/, and prints "
                + "mean@16, pass@1, pass@16, worst@16, maj@16 and entropy per method. Under 5 minutes on 2 cores; "
                + "--full trains longer."})
public class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "parent directory of the runs (default: runs/quickstart, or the first free runs/quickstart-N)")
    Path out;

    @Option(names = "--full", description = "a longer, better run (warm start 1000 steps, RL 150 steps)")
    boolean full;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "run seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path root = out != null ? out : firstFree(Path.of("runs", "quickstart"));
        if (Files.exists(root) && Files.list(root).findAny().isPresent()) {
            throw new UserException("--out " + root + " already holds files; choose another directory");
        }
        QuickstartExperiment.Size size = full ? QuickstartExperiment.Size.FULL : QuickstartExperiment.Size.DEFAULT;
        ProgressPrinter progress = ProgressPrinter.forStdout();
        long t0 = System.nanoTime();

        progress.onMessage("1/3 supervised warm start -> " + root.resolve("warm-start"));
        TrainingSession.Result warm = TrainingSession.start(QuickstartExperiment.warmStart(size, seed),
                root.resolve("warm-start"), progress);
        String warmCheckpoint = warm.runDir().resolve(RunDirectory.CHECKPOINTS).resolve("step-0")
                .resolve(TrainingSession.POLICY_DIR).toAbsolutePath().toString();

        progress.onMessage("2/3 RLVR with EAD -> " + root.resolve("ead"));
        TrainingSession.Result ead = TrainingSession.start(QuickstartExperiment.rl(size, seed,
                QuickstartExperiment.eadSchedule(), warmCheckpoint, warm.weightsSha256()), root.resolve("ead"), progress);

        progress.onMessage("3/3 RLVR with a fixed temperature 1.0 -> " + root.resolve("fixed-tau-1.0"));
        TrainingSession.Result fixed = TrainingSession.start(QuickstartExperiment.rl(size, seed,
                new ConstantTemperature(1.0), warmCheckpoint, warm.weightsSha256()), root.resolve("fixed-tau-1.0"), progress);

        for (TrainingSession.Result r : List.of(warm, ead, fixed)) {
            RunPlots.write(RunDirectory.open(r.runDir()), PlotOptions.defaults());
        }
        Map<String, ObjectNode> rows = new LinkedHashMap<>();
        rows.put("warm start (no RL)", lastEval(warm.runDir()));
        rows.put("RLVR + EAD", lastEval(ead.runDir()));
        rows.put("RLVR + fixed tau 1.0", lastEval(fixed.runDir()));
        PrintWriter pw = spec.commandLine().getOut();
        pw.println();
        pw.printf("Countdown (3 numbers in 1..9, targets <= 30), %d held-out prompts x 16 samples at tau = 1, "
                + "%d RL steps per method:%n", QuickstartExperiment.evaluation(size).maxPrompts(), size.rlSteps());
        pw.println(table(rows));
        pw.println("pass@k and worst@k are the unbiased estimators (worst@16 = all 16 correct); "
                + "entropy is the policy's mean token entropy at tau = 1 on its samples.");
        pw.printf("runs (provenance.json, steps.jsonl, eval.jsonl, checkpoints/, plots/): %s%n", root.toAbsolutePath());
        pw.printf("  replay one exactly:  ./ead replay %s --out %s%n", root.resolve("ead").resolve(RunDirectory.PROVENANCE),
                root.resolve("ead-replay"));
        pw.printf("total time %.0f s%n", (System.nanoTime() - t0) / 1e9);
        pw.flush();
        return 0;
    }

    static String table(Map<String, ObjectNode> rows) {
        String[] cols = {MetricKeys.mean(16), MetricKeys.pass(1), MetricKeys.pass(16), MetricKeys.worst(16),
            MetricKeys.maj(16), "entropy"};
        String[] keys = {MetricKeys.eval(cols[0]), MetricKeys.eval(cols[1]), MetricKeys.eval(cols[2]),
            MetricKeys.eval(cols[3]), MetricKeys.eval(cols[4]), MetricKeys.EVAL_ENTROPY};
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-22s", "method"));
        for (String c : cols) {
            sb.append(String.format("%10s", c));
        }
        sb.append('\n');
        for (Map.Entry<String, ObjectNode> r : rows.entrySet()) {
            sb.append(String.format("%-22s", r.getKey()));
            for (String k : keys) {
                sb.append(String.format("%10.3f", r.getValue().path(k).asDouble(Double.NaN)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static ObjectNode lastEval(Path run) throws java.io.IOException {
        List<ObjectNode> lines = JsonlLog.read(run.resolve(RunDirectory.EVAL));
        if (lines.isEmpty()) {
            throw new IllegalStateException("no evaluation in " + run);
        }
        return lines.get(lines.size() - 1);
    }

    private static Path firstFree(Path base) throws java.io.IOException {
        Path p = base;
        for (int i = 2; Files.exists(p) && Files.list(p).findAny().isPresent(); i++) {
            p = Path.of(base + "-" + i);
        }
        return p;
    }
}
