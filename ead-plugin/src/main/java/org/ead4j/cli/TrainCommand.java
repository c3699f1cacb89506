package org.ead4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.MemoryBudget;
import org.ead4j.run.ResumeCheck;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ead train}: runs an experiment from a configuration file, or resumes a run. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a policy with RLVR from an experiment configuration, or resume a run.",
        description = {"A configuration is an OLCUT file (JSON or XML) whose root component is an "
                + "org.ead4j.train.RlvrTrainer; see examples/configs/. Writes provenance.json, steps.jsonl, "
                + "eval.jsonl, checkpoints/ and plots/ under --out.",
                "With --resume RUN, continues RUN from its newest valid checkpoint, rebuilt from its provenance."})
public class TrainCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static class Mode {
        @Option(names = "--config", paramLabel = "EXP.json", description = "experiment configuration (JSON or XML)")
        Path config;

        @Option(names = "--resume", paramLabel = "RUN", description = "run directory to continue")
        Path resume;
    }

    @Option(names = "--out", paramLabel = "RUN", description = "new run directory (with --config)")
    Path out;

    @Option(names = "--restart", description = "with --resume: start the run over from step 1 when it has no valid "
            + "checkpoint (its old logs and checkpoints are kept as *.before-restart-*)")
    boolean restart;

    @Option(names = "--plots", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write plots/ at the end (default: ${DEFAULT-VALUE})")
    boolean plots;

    @Override
    public Integer call() throws Exception {
        ProgressPrinter progress = ProgressPrinter.forStdout();
        TrainingSession.Result result;
        Path runDir;
        if (mode.config != null) {
            if (out == null) {
                throw new UserException("--out RUN is required with --config: the directory for the new run");
            }
            if (restart) {
                throw new UserException("--restart is only used with --resume RUN (a run without a valid checkpoint)");
            }
            if (!Files.exists(mode.config)) {
                throw new UserException("--config " + mode.config + ": no such file");
            }
            MemoryBudget.requireFileSize(mode.config, "--config", MemoryBudget.MAX_CONFIG_BYTES);
            RunDirectory.checkNewRunFolder(out, "--out");
            RlvrTrainer trainer = ExperimentConfigs.load(mode.config, RlvrTrainer.class);
            runDir = out;
            result = TrainingSession.start(trainer, out, progress);
        } else {
            if (out != null) {
                throw new UserException("--out is not used with --resume: the run continues in " + mode.resume);
            }
            runDir = mode.resume;
            if (!Files.isRegularFile(runDir.resolve(RunDirectory.PROVENANCE))) {
                throw new UserException("--resume " + runDir + ": not a run directory (no "
                        + RunDirectory.PROVENANCE + " file)");
            }
            RunDirectory run = RunDirectory.open(runDir);
            ExperimentProvenance prov = run.readProvenance();
            RlvrTrainer trainer = ExperimentConfigs.fromProvenance(prov, RlvrTrainer.class);
            boolean startOver;
            try {
                startOver = ResumeCheck.check(run, trainer.checkpointEvery(), trainer.keepCheckpoints()).isEmpty();
            } catch (UserException e) {
                if (!restart) {
                    throw e;
                }
                startOver = true;
                progress.onMessage("--restart: " + e.getMessage().replaceFirst("; starting over would.*", ""));
                progress.onMessage("--restart: kept " + String.join(", ", ResumeCheck.setAside(run))
                        + "; starting over from step 1");
            }
            if (startOver && !restart) {
                progress.onMessage("the run never reached its first checkpoint; starting over from step 1");
            }
            for (java.nio.file.Path log : java.util.List.of(run.stepsFile(), run.evalFile())) {
                long partial = ResumeCheck.partialLastLine(log);
                if (partial > 0) {
                    progress.onMessage(log.getFileName() + ": its last line is incomplete (" + partial + " bytes, left "
                            + "by an interrupted write); it is dropped and rewritten by the resumed run");
                }
            }
            result = TrainingSession.resume(trainer, runDir, progress);
        }
        RunReport.print(progress, result, plots);
        return result.stoppedOnNonFinite() ? UserErrorHandler.EXIT_INTERNAL : 0;
    }
}
