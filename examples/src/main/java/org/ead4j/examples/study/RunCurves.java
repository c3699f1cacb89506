package org.ead4j.examples.study;

import java.io.IOException;
import java.nio.file.Path;
import org.ead4j.plot.RunMetrics;
import org.ead4j.run.RunDirectory;

/**
 * The logged curves of one finished run: evaluations ({@code eval.jsonl}) and training steps
 * ({@code steps.jsonl}), with the two summaries the study reports per metric: the value at the
 * final evaluation and the normalised area under the evaluation curve ({@link CurveArea}).
 */
public final class RunCurves {

    private final RunMetrics eval;
    private final RunMetrics steps;

    private RunCurves(RunMetrics eval, RunMetrics steps) {
        this.eval = eval;
        this.steps = steps;
    }

    /**
     * Reads a run directory.
     *
     * @param runDir the run directory
     * @return its curves
     * @throws IOException if the logs cannot be read
     */
    public static RunCurves read(Path runDir) throws IOException {
        return new RunCurves(RunMetrics.read(runDir.resolve(RunDirectory.EVAL)),
                RunMetrics.read(runDir.resolve(RunDirectory.STEPS)));
    }

    /**
     * An evaluation metric over steps.
     *
     * @param key e.g. {@code eval/pass@16}
     * @return the series (empty when never logged)
     */
    public RunMetrics.Series eval(String key) {
        return eval.series(key);
    }

    /**
     * A training metric over steps.
     *
     * @param key e.g. {@code actor/entropy}
     * @return the series (empty when never logged)
     */
    public RunMetrics.Series steps(String key) {
        return steps.series(key);
    }

    /**
     * The value at the last evaluation.
     *
     * @param key the evaluation metric
     * @return the value, or NaN when never logged
     */
    public double last(String key) {
        RunMetrics.Series s = eval.series(key);
        return s.isEmpty() ? Double.NaN : s.values()[s.values().length - 1];
    }

    /**
     * The normalised area under the evaluation curve (the curve's time-average).
     *
     * @param key the evaluation metric
     * @return the area, or NaN when never logged
     */
    public double area(String key) {
        RunMetrics.Series s = eval.series(key);
        return CurveArea.normalized(s.steps(), s.values());
    }

    /**
     * The mean of a training metric over all steps.
     *
     * @param key e.g. {@code rollout/tau_mean}
     * @return the mean, or NaN when never logged
     */
    public double stepMean(String key) {
        RunMetrics.Series s = steps.series(key);
        if (s.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : s.values()) {
            sum += v;
        }
        return sum / s.values().length;
    }

    /**
     * A training metric at its first logged step, its maximum and its last logged step.
     *
     * @param key e.g. {@code actor/entropy}
     * @return {first, max, last}, NaN when never logged
     */
    public double[] firstMaxLast(String key) {
        RunMetrics.Series s = steps.series(key);
        if (s.isEmpty()) {
            return new double[]{Double.NaN, Double.NaN, Double.NaN};
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s.values()) {
            max = Math.max(max, v);
        }
        return new double[]{s.values()[0], max, s.values()[s.values().length - 1]};
    }
}
