package org.ead4j.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.schedule.TemperatureSchedule;

/**
 * Writes a run's plots under {@code plots/} from its logs and provenance:
 * <ul>
 *   <li>{@code reward.png}, {@code entropy.png}: the reward and entropy keys of {@code steps.jsonl} over steps;</li>
 *   <li>{@code tau.png}: every {@code steps.jsonl} key with the tau prefix (the tau_t summary) over steps;</li>
 *   <li>{@code pass_at_k.png}: the pass@k and worst@k keys of {@code eval.jsonl} over steps;</li>
 *   <li>{@code schedule.png}: the temperature schedule recorded in {@code provenance.json}, tau_t over
 *       positions at several steps ({@link SchedulePlot}).</li>
 * </ul>
 * A plot whose data is missing is skipped, with the reason (and the keys that do exist) in the result.
 */
public final class RunPlots {

    /** Reward plot file name. */
    public static final String REWARD_PNG = "reward.png";
    /** Entropy plot file name. */
    public static final String ENTROPY_PNG = "entropy.png";
    /** tau_t summary plot file name. */
    public static final String TAU_PNG = "tau.png";
    /** pass@k / worst@k plot file name. */
    public static final String PASS_PNG = "pass_at_k.png";
    /** Schedule plot file name. */
    public static final String SCHEDULE_PNG = "schedule.png";

    /**
     * What was written and what was skipped.
     *
     * @param written the PNG files written
     * @param skipped one line per plot not written, with the reason
     */
    public record Result(List<Path> written, List<String> skipped) {
    }

    private RunPlots() {
    }

    /**
     * Writes every plot the run's data allows.
     *
     * @param run the run directory
     * @param options keys and schedule view
     * @return the files written and the plots skipped
     * @throws IOException if a log cannot be read or a PNG written
     */
    public static Result write(RunDirectory run, PlotOptions options) throws IOException {
        List<Path> written = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        RunMetrics steps = RunMetrics.read(run.stepsFile());
        RunMetrics eval = RunMetrics.read(run.evalFile());
        Path plots = run.plotsDir();

        single(steps, options.rewardKey(), "Reward", plots.resolve(REWARD_PNG), RunDirectory.STEPS, written, skipped);
        single(steps, options.entropyKey(), "Policy entropy", plots.resolve(ENTROPY_PNG), RunDirectory.STEPS,
                written, skipped);

        List<RunMetrics.Series> tau = new ArrayList<>();
        for (String k : steps.keysWithPrefix(options.tauPrefix())) {
            RunMetrics.Series s = steps.series(k);
            if (!s.isEmpty()) {
                tau.add(s);
            }
        }
        if (tau.isEmpty()) {
            skipped.add(TAU_PNG + ": no keys starting with '" + options.tauPrefix() + "' in " + RunDirectory.STEPS
                    + keysHint(steps));
        } else {
            Path f = plots.resolve(TAU_PNG);
            PngWriter.write(MetricChart.overSteps("Sampling temperature tau_t over steps", "tau_t", tau), f);
            written.add(f);
        }

        List<RunMetrics.Series> pass = new ArrayList<>();
        for (String k : new LinkedHashSet<>(List.of(options.passKey(), options.worstKey()))) {
            RunMetrics.Series s = eval.series(k);
            if (s.isEmpty()) {
                s = steps.series(k); // some trainers log evaluation into the step log
            }
            if (!s.isEmpty()) {
                pass.add(s);
            }
        }
        if (pass.isEmpty()) {
            skipped.add(PASS_PNG + ": no '" + options.passKey() + "' or '" + options.worstKey() + "' values in "
                    + RunDirectory.EVAL + keysHint(eval));
        } else {
            Path f = plots.resolve(PASS_PNG);
            PngWriter.write(MetricChart.overSteps("pass@k and worst@k over steps", "fraction of prompts", pass), f);
            written.add(f);
        }

        schedule(run, steps, options, written, skipped);
        return new Result(written, skipped);
    }

    private static void single(RunMetrics m, String key, String title, Path png, String logName, List<Path> written,
                               List<String> skipped) throws IOException {
        RunMetrics.Series s = m.series(key);
        if (s.isEmpty()) {
            skipped.add(png.getFileName() + ": no '" + key + "' values in " + logName + keysHint(m));
            return;
        }
        PngWriter.write(MetricChart.overSteps(title + " over steps", key, List.of(s)), png);
        written.add(png);
    }

    private static void schedule(RunDirectory run, RunMetrics steps, PlotOptions options, List<Path> written,
                                 List<String> skipped) throws IOException {
        Optional<ExperimentProvenance> prov = run.readProvenanceIfPresent();
        if (prov.isEmpty()) {
            skipped.add(SCHEDULE_PNG + ": no " + RunDirectory.PROVENANCE + " to read the schedule from");
            return;
        }
        Optional<TemperatureSchedule> schedule =
                ExperimentConfigs.nestedComponent(prov.get(), TemperatureSchedule.class, "schedule");
        if (schedule.isEmpty()) {
            skipped.add(SCHEDULE_PNG + ": the provenance records no TemperatureSchedule component");
            return;
        }
        List<Long> at = options.scheduleSteps();
        if (at.isEmpty()) {
            long last = Math.max(steps.maxStep(), prov.get().completedSteps());
            at = last <= 0 ? List.of(0L) : new ArrayList<>(new LinkedHashSet<>(List.of(0L, last / 4, last / 2, last)));
        }
        Path f = run.plotsDir().resolve(SCHEDULE_PNG);
        SchedulePlot.write(schedule.get(), at, options.scheduleFrom(), options.scheduleTo(), f);
        written.add(f);
    }

    private static String keysHint(RunMetrics m) {
        if (m.size() == 0) {
            return " (the log is empty or missing)";
        }
        List<String> keys = new ArrayList<>(m.keys());
        keys.remove("step");
        return " (keys present: " + (keys.size() > 12 ? keys.subList(0, 12) + "..." : keys) + ")";
    }

    /**
     * Whether a run folder has anything to plot from.
     *
     * @param run the run directory
     * @return true if it has a step log, an eval log or a provenance file
     */
    public static boolean hasData(RunDirectory run) {
        return Files.exists(run.stepsFile()) || Files.exists(run.evalFile()) || Files.exists(run.provenanceFile());
    }
}
