package org.ead4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ead4j.plot.PlotOptions;
import org.ead4j.plot.RunPlots;
import org.ead4j.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ead plot RUN}: (re)draws a run's plots under {@code RUN/plots/}. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        header = "Draw a run's plots under RUN/plots/: reward, entropy, tau_t, pass@k/worst@k and the schedule.",
        description = {"Reads RUN/steps.jsonl, RUN/eval.jsonl and the temperature schedule recorded in "
                + "RUN/provenance.json. A plot whose data is missing is skipped with the reason and the keys found."})
public class PlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run folder, e.g. runs/NAME")
    Path run;

    @Option(names = "--reward-key", paramLabel = "KEY", defaultValue = PlotOptions.DEFAULT_REWARD,
            description = "reward key in steps.jsonl (default: ${DEFAULT-VALUE})")
    String rewardKey;

    @Option(names = "--entropy-key", paramLabel = "KEY", defaultValue = PlotOptions.DEFAULT_ENTROPY,
            description = "entropy key in steps.jsonl (default: ${DEFAULT-VALUE})")
    String entropyKey;

    @Option(names = "--tau-prefix", paramLabel = "PREFIX", defaultValue = PlotOptions.DEFAULT_TAU_PREFIX,
            description = "steps.jsonl keys starting with this form the tau_t summary plot (default: ${DEFAULT-VALUE})")
    String tauPrefix;

    @Option(names = "--pass-key", paramLabel = "KEY", defaultValue = PlotOptions.DEFAULT_PASS,
            description = "pass@k key in eval.jsonl (default: ${DEFAULT-VALUE})")
    String passKey;

    @Option(names = "--worst-key", paramLabel = "KEY", defaultValue = PlotOptions.DEFAULT_WORST,
            description = "worst@k key in eval.jsonl (default: ${DEFAULT-VALUE})")
    String worstKey;

    @Option(names = "--schedule-steps", paramLabel = "S", split = ",",
            description = "RL steps at which to draw the schedule (default: 0, S/4, S/2, S for the last step S)")
    List<Long> scheduleSteps = new ArrayList<>();

    @Option(names = "--positions", paramLabel = "A..B", defaultValue = "0..512", converter = PositionRange.Converter.class,
            description = "response positions of the schedule plot (default: ${DEFAULT-VALUE})")
    PositionRange positions;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = RunDirectory.open(run);
        if (!RunPlots.hasData(dir)) {
            throw new UserException(run + " has no " + RunDirectory.STEPS + ", " + RunDirectory.EVAL + " or "
                    + RunDirectory.PROVENANCE + ": not an ead4j run folder");
        }
        for (long s : scheduleSteps) {
            if (s < 0) {
                throw new UserException("--schedule-steps " + s + " is invalid: steps are >= 0");
            }
        }
        if (Files.exists(dir.plotsDir()) && !Files.isDirectory(dir.plotsDir())) {
            throw new UserException(dir.plotsDir() + " is a file, not a folder: move it away so that the plots can be "
                    + "written there");
        }
        PlotOptions options = new PlotOptions(rewardKey, entropyKey, tauPrefix, passKey, worstKey, scheduleSteps,
                positions.from(), positions.to());
        RunPlots.Result result;
        try {
            result = RunPlots.write(dir, options);
        } catch (java.nio.file.FileSystemException e) {
            throw new UserException("cannot write the plots under " + dir.plotsDir() + ": " + UserMessages.oneLine(
                    e.getReason() != null ? e.getFile() + ": " + e.getReason() : e.getMessage()), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path p : result.written()) {
            out.println("wrote " + p);
        }
        for (String s : result.skipped()) {
            out.println("skipped " + s);
        }
        out.flush();
        if (result.written().isEmpty()) {
            List<String> why = result.skipped();
            throw new UserException("nothing to plot in " + run + ": " + (why.isEmpty() ? "no data" : why.get(0)
                    + (why.size() > 1 ? " (and " + (why.size() - 1) + " more plots without data)" : "")));
        }
        return 0;
    }
}
