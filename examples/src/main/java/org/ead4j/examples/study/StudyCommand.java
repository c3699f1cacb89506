package org.ead4j.examples.study;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ead4j.cli.UserException;
import org.ead4j.provenance.ExperimentConfigs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ead study}: the EAD paper's comparison at small scale, with statistics, from one
 * configuration file (or the bundled {@code --small} preset).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        header = "Run a study: methods (EAD, EAD+TIS, fixed tau) x losses x seeds from one warm start, with statistics.",
        description = {"Runs the grid of a study configuration (an OLCUT file whose root is "
                + "org.ead4j.examples.study.StudyConfig; see examples/configs/study-small.json) into --out: "
                + "warm-start/, runs/<method>__<loss>__s<seed>/ (each with provenance.json, steps.jsonl, eval.jsonl), "
                + "configs/, logs/, plots/, study.json and study.md (protocol, results table, paired differences, "
                + "entropy, ablations, inference-time EAD).",
                "--small runs the bundled preset (under 30 minutes on 2 cores); --ablations adds the schedule "
                + "ablations; --resume continues an interrupted study (completed runs are kept)."})
public class StudyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static class Source {
        @Option(names = "--config", paramLabel = "STUDY.json", description = "study configuration (JSON or XML)")
        Path config;

        @Option(names = "--small", description = "the bundled small study (= examples/configs/study-small.json)")
        boolean small;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the study directory (new or empty)")
    Path out;

    @Option(names = "--parallel", paramLabel = "P", defaultValue = "1",
            description = "child JVMs training at once (default: ${DEFAULT-VALUE}; 1 suits 2 cores)")
    int parallel;

    @Option(names = "--in-process", description = "train the runs one after another in this JVM instead of child JVMs")
    boolean inProcess;

    @Option(names = "--ablations", description = "also run the configuration's schedule ablations")
    boolean ablations;

    @Option(names = "--resume", description = "continue the study in --out: keep completed runs, rerun the rest")
    boolean resume;

    @Option(names = "--child-heap", paramLabel = "SIZE", defaultValue = "1g",
            description = "maximum Java heap of each child JVM (default: ${DEFAULT-VALUE})")
    String childHeap;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new UserException("--parallel " + parallel + " is invalid: must be >= 1");
        }
        if (!childHeap.matches("[0-9]+[kKmMgG]?")) {
            throw new UserException("--child-heap " + childHeap + " is invalid: give a size such as 768m or 1g");
        }
        if (out.toString().isBlank()) {
            throw new UserException("--out '" + out + "' is invalid: give the path of a new or empty folder for the study");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file, not a folder; give a new or empty folder for the study");
        }
        StudyConfig cfg;
        if (source.small) {
            cfg = StudyPresets.small();
        } else {
            if (!Files.exists(source.config)) {
                throw new UserException("--config " + source.config + ": no such file");
            }
            org.ead4j.run.MemoryBudget.requireFileSize(source.config, "--config", org.ead4j.run.MemoryBudget.MAX_CONFIG_BYTES);
            cfg = ExperimentConfigs.load(source.config, StudyConfig.class);
        }
        if (ablations && cfg.ablations().isEmpty()) {
            throw new UserException("--ablations: the study configuration lists no ablations");
        }
        PrintWriter pw = spec.commandLine().getOut();
        StudyRunner.run(cfg, out, new StudyRunner.Options(parallel, inProcess, ablations, resume, childHeap), pw);
        return 0;
    }
}
