package org.ead4j.examples.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.ead4j.cli.UserException;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.run.JsonlLog;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.TrainingSession;

/**
 * Runs a whole study into one directory: writes {@code study-config.json}, the warm start, the grid
 * (and ablations), the inference-time comparison, then the analysis, plots, {@code study.json} and
 * {@code study.md}.
 */
public final class StudyRunner {

    /** The study configuration as run, written first. */
    public static final String CONFIG_FILE = "study-config.json";
    /** Plot folder. */
    public static final String PLOTS = "plots";

    /**
     * How to run.
     *
     * @param parallel most child JVMs at once
     * @param inProcess train in this JVM, sequentially, instead of child JVMs
     * @param ablations run the schedule ablations too
     * @param resume keep completed runs of an earlier, interrupted invocation with the same configuration
     * @param childHeap maximum heap of each child JVM (e.g. {@code 1g})
     */
    public record Options(int parallel, boolean inProcess, boolean ablations, boolean resume, String childHeap) {
    }

    private StudyRunner() {
    }

    /**
     * Runs the study.
     *
     * @param cfg the study
     * @param studyDir the study directory (new or empty, or an earlier one of the same study with --resume)
     * @param opt how to run
     * @param progress progress lines
     * @return the analysis
     * @throws IOException if files cannot be read or written
     * @throws InterruptedException if interrupted
     */
    public static StudyAnalysis run(StudyConfig cfg, Path studyDir, Options opt, PrintWriter progress)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        prepare(cfg, studyDir, opt.resume());
        RunExecutor exec = new RunExecutor(studyDir, opt.parallel(), opt.inProcess(), opt.childHeap(), progress);

        progress.println("study " + cfg.name() + " -> " + studyDir.toAbsolutePath());
        progress.println("warm start (one for the whole study)");
        progress.flush();
        RunExecutor.Outcome warm = exec.execute(List.of(StudyPlan.warmStart(cfg)), opt.resume()).get(0);
        if (!warm.ok()) {
            throw new UserException("the warm start failed: " + warm.error());
        }
        String warmPolicy = warm.dir().resolve(RunDirectory.CHECKPOINTS).resolve("step-0")
                .resolve(TrainingSession.POLICY_DIR).toAbsolutePath().toString();
        String warmSha = RunDirectory.open(warm.dir()).readProvenance().runInfo().get("final-weights-sha256");

        List<StudyPlan.Run> runs = StudyPlan.runs(cfg, warmPolicy, warmSha, opt.ablations());
        progress.printf("%d RL runs (%d methods x %d losses x %d seeds%s), %s%n", runs.size(), cfg.methods().size(),
                cfg.losses().size(), cfg.seeds().length,
                opt.ablations() ? " + " + cfg.ablations().size() + " ablations x " + cfg.seeds().length + " seeds" : "",
                opt.inProcess() ? "in this JVM" : "up to " + opt.parallel() + " child JVM(s) at a time");
        progress.flush();
        List<RunExecutor.Outcome> outcomes = exec.execute(runs, opt.resume());

        List<InferenceComparison.Cell> inference = List.of();
        if (!cfg.inferenceSchedules().isEmpty()) {
            Map<String, Path> cks = new LinkedHashMap<>();
            cks.put("warm start", warm.dir());
            String loss = cfg.ablationLoss().label();
            long seed = cfg.seeds()[0];
            for (String m : cfg.inferenceRuns()) {
                String id = StudyPlan.runId(m, loss, seed);
                outcomes.stream().filter(o -> o.run().id().equals(id) && o.ok()).findFirst()
                        .ifPresent(o -> cks.put(m + " / " + loss + " / s" + seed, o.dir()));
            }
            inference = InferenceComparison.run(cfg, cks, progress);
        }

        StudyAnalysis analysis = StudyAnalysis.of(cfg, outcomes);
        Path plotsDir = studyDir.resolve(PLOTS);
        List<Path> plotFiles = new ArrayList<>(StudyPlots.writeCurves(analysis, plotsDir));
        plotFiles.addAll(StudyPlots.writeInference(cfg, inference, plotsDir));
        List<String> plots = plotFiles.stream().map(p -> studyDir.relativize(p).toString().replace('\\', '/')).toList();
        double total = (System.nanoTime() - t0) / 1e9;
        double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<String> notes = new ArrayList<>();
        notes.add(opt.inProcess() ? "runs trained one after another in the study's JVM"
                : "runs trained in child JVMs, at most " + opt.parallel() + " at a time");
        notes.add(String.format(Locale.ROOT, "machine: %d available processors; 1-minute load average %.1f at the start, "
                        + "%.1f at the end (other work on the machine slows runs; results do not depend on it)",
                Runtime.getRuntime().availableProcessors(), loadStart, loadEnd));
        long reused = outcomes.stream().filter(RunExecutor.Outcome::reused).count() + (warm.reused() ? 1 : 0);
        if (reused > 0) {
            notes.add(reused + " run(s) were kept from an earlier invocation (--resume); their time is not counted");
        }
        StudyReport.write(analysis, new StudyReport.Inputs(lastEval(warm.dir()), outcomes, warm, inference, plots,
                total, notes), studyDir);
        progress.printf("study done in %.0f s: %s%n", total, studyDir.resolve(StudyReport.MARKDOWN).toAbsolutePath());
        progress.flush();
        return analysis;
    }

    /** Checks the study directory and writes (or, resuming, compares) the study configuration. */
    private static void prepare(StudyConfig cfg, Path studyDir, boolean resume) throws IOException {
        Path cfgFile = studyDir.resolve(CONFIG_FILE);
        boolean nonEmpty = Files.isDirectory(studyDir) && !isEmpty(studyDir);
        if (nonEmpty && !resume) {
            throw new UserException("--out " + studyDir + " already holds files; choose another directory, or add "
                    + "--resume to continue that study");
        }
        Files.createDirectories(studyDir);
        if (resume && Files.isRegularFile(cfgFile)) {
            Path tmp = Files.createTempFile(studyDir, ".study-config-", ".json");
            try {
                ExperimentConfigs.writeConfig(cfg, tmp);
                if (!Files.readString(tmp).equals(Files.readString(cfgFile))) {
                    throw new UserException("--resume: the study configuration differs from " + cfgFile
                            + "; resume with the same configuration, or start a new --out directory");
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } else {
            ExperimentConfigs.writeConfig(cfg, cfgFile);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** The numeric fields of a run's last evaluation record. */
    static Map<String, Double> lastEval(Path runDir) throws IOException {
        List<ObjectNode> lines = JsonlLog.read(runDir.resolve(RunDirectory.EVAL));
        Map<String, Double> m = new LinkedHashMap<>();
        if (lines.isEmpty()) {
            return m;
        }
        ObjectNode last = lines.get(lines.size() - 1);
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = last.fields(); it.hasNext();) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            if (e.getValue().isNumber()) {
                m.put(e.getKey(), e.getValue().asDouble());
            }
        }
        return m;
    }
}
