package org.ead4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.provenance.ProvenanceDiff;
import org.ead4j.provenance.ProvenanceJson;
import org.ead4j.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ead diff RUN_A RUN_B}: the configuration, seed and version differences between two runs. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        header = "Print the configuration differences between two runs' provenance.",
        description = {"Each line is PATH: VALUE_A vs VALUE_B, where PATH names the component and property "
                + "(e.g. trainer.schedule.tauMax). Sections: configuration (every @Config value), run (seed, "
                + "dataset hash, git commit, versions) and, with --all, outcome (times, steps, metrics).",
                "Exit code 0 whether or not the runs differ."})
public class DiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_A", description = "a run folder or its provenance.json")
    Path a;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "a run folder or its provenance.json")
    Path b;

    @Option(names = "--all", description = "also show the outcome: start/end times, completed steps, metrics")
    boolean all;

    @Override
    public Integer call() throws Exception {
        Path fa = provenanceFile(a);
        Path fb = provenanceFile(b);
        ExperimentProvenance pa = ProvenanceJson.readExperiment(fa);
        ExperimentProvenance pb = ProvenanceJson.readExperiment(fb);
        List<ProvenanceDiff.Difference> diffs = ProvenanceDiff.diff(pa, pb, all);
        PrintWriter out = spec.commandLine().getOut();
        out.println("A: " + fa);
        out.println("B: " + fb);
        for (ProvenanceDiff.Section section : ProvenanceDiff.Section.values()) {
            if (section == ProvenanceDiff.Section.OUTCOME && !all) {
                continue;
            }
            List<ProvenanceDiff.Difference> in = diffs.stream().filter(d -> d.section() == section).toList();
            String name = section.name().toLowerCase();
            if (in.isEmpty()) {
                out.println(name + ": identical");
                continue;
            }
            out.println(name + ": " + in.size() + (in.size() == 1 ? " difference" : " differences"));
            for (ProvenanceDiff.Difference d : in) {
                out.println("  " + d.path() + ": " + show(d.a()) + " vs " + show(d.b()));
            }
        }
        out.flush();
        return 0;
    }

    private static String show(String v) {
        return v == null ? "(absent)" : v;
    }

    /** A run folder's provenance.json, or the file itself. */
    private static Path provenanceFile(Path p) {
        if (Files.isDirectory(p)) {
            Path f = p.resolve(RunDirectory.PROVENANCE);
            if (!Files.isRegularFile(f)) {
                throw new UserException(p + " has no " + RunDirectory.PROVENANCE + ": not an ead4j run folder");
            }
            return f;
        }
        if (!Files.isRegularFile(p)) {
            throw new UserException("no such run folder or provenance file: " + p);
        }
        return p;
    }
}
