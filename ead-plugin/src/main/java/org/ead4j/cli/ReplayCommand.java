package org.ead4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.provenance.ProvenanceJson;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ead replay}: re-runs an experiment from its provenance alone and checks bit-identity. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Re-run an experiment from its provenance.json and compare with the original run.",
        description = {"Every component is rebuilt from the provenance (OLCUT extractConfiguration + "
                + "ConfigurationManager, classes checked against the allowlist first). When the original run "
                + "directory is next to the provenance file, the replay's steps.jsonl/eval.jsonl (wall-time fields "
                + "excluded) and final weights hash are compared with it. Exit 0 when identical (or nothing to "
                + "compare), 1 when they differ."})
public class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PROVENANCE", description = "a run's provenance.json")
    Path provenanceFile;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "new run directory for the replay")
    Path out;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write plots/ for the replay (default: ${DEFAULT-VALUE})")
    boolean plots;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(provenanceFile)) {
            throw new UserException("no such provenance file: " + provenanceFile);
        }
        org.ead4j.run.MemoryBudget.requireFileSize(provenanceFile, "PROVENANCE", org.ead4j.run.MemoryBudget.MAX_CONFIG_BYTES);
        RunDirectory.checkNewRunFolder(out, "--out");
        ExperimentProvenance original = ProvenanceJson.readExperiment(provenanceFile);
        RlvrTrainer trainer = ExperimentConfigs.load(provenanceFile, RlvrTrainer.class);
        ProgressPrinter progress = ProgressPrinter.forStdout();
        TrainingSession.Result result = TrainingSession.start(trainer, out, progress);
        RunReport.print(progress, result, plots);
        Path originalRun = provenanceFile.toAbsolutePath().getParent();
        List<String> diffs = new ArrayList<>();
        String expectedSha = original.runInfo().get("final-weights-sha256");
        if (expectedSha != null && original.completedSteps() == result.completedSteps()) {
            if (!expectedSha.equals(result.weightsSha256())) {
                diffs.add("final weights sha256: " + expectedSha + " vs " + result.weightsSha256());
            }
        }
        for (String log : List.of(RunDirectory.STEPS, RunDirectory.EVAL)) {
            Path a = originalRun.resolve(log);
            if (Files.isRegularFile(a)) {
                diffs.addAll(RunComparison.differences(a, out.resolve(log), 20));
            }
        }
        if (diffs.isEmpty()) {
            progress.onMessage("replay is bit-identical to the original (weights " + result.weightsSha256()
                    + "; metrics of every step and evaluation equal, wall-time fields excluded)");
            return 0;
        }
        progress.onMessage("replay differs from the original:");
        for (String d : diffs) {
            progress.onMessage("  " + d);
        }
        return UserErrorHandler.EXIT_INTERNAL;
    }
}
