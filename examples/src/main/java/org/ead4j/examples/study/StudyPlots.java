package org.ead4j.examples.study;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.plot.MetricChart;
import org.ead4j.plot.PngWriter;
import org.ead4j.plot.RunMetrics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's plots (XChart PNGs under {@code plots/}): per loss, the seed-averaged evaluation
 * curves of each headline metric and the entropy curves, one line per method; the ablations'
 * pass@n curves and temperature schedules; and the inference-time maj@N / pass@N curves. A label
 * keeps its colour across all plots of a study.
 */
public final class StudyPlots {

    /** Distinguishable colours (Okabe-Ito, then a few more), assigned to labels in configuration order. */
    private static final Color[] PALETTE = {new Color(0, 114, 178), new Color(230, 159, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(213, 94, 0), new Color(86, 180, 233), new Color(0, 0, 0),
        new Color(240, 228, 66), new Color(128, 128, 128), new Color(140, 86, 75), new Color(148, 103, 189),
        new Color(23, 190, 207)};

    private StudyPlots() {
    }

    /**
     * Writes the training-curve plots.
     *
     * @param a the analysis
     * @param dir the plots directory
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writeCurves(StudyAnalysis a, Path dir) throws IOException {
        Map<String, Color> colors = colors(a.config());
        List<Path> out = new ArrayList<>();
        for (StudyLoss loss : a.config().losses()) {
            List<StudyAnalysis.Cell> cells = a.cells().stream().filter(c -> c.loss().equals(loss.label())).toList();
            for (String metric : a.metrics()) {
                out.add(chart(colors, cells, c -> c.eval(metric), shortName(metric) + " (" + loss.label() + ", mean over seeds)",
                        shortName(metric), dir.resolve(StudyPlan.slug(shortName(metric)) + "_" + StudyPlan.slug(loss.label())
                                + ".png")));
            }
            out.add(chart(colors, cells, c -> c.steps(MetricKeys.ACTOR_ENTROPY), "actor entropy (" + loss.label()
                    + ", learner's temperature, mean over seeds)", "entropy (nats/token)",
                    dir.resolve("actor-entropy_" + StudyPlan.slug(loss.label()) + ".png")));
            out.add(chart(colors, cells, c -> c.eval(MetricKeys.EVAL_ENTROPY), "evaluation entropy at tau = 1 (" + loss.label()
                    + ", mean over seeds)", "entropy (nats/token)",
                    dir.resolve("eval-entropy_" + StudyPlan.slug(loss.label()) + ".png")));
        }
        if (!a.ablationCells().isEmpty()) {
            List<StudyAnalysis.Cell> cells = new ArrayList<>();
            String ref = a.config().references().get(0);
            cells.add(a.cell(ref, a.config().ablationLoss().label()));
            cells.addAll(a.ablationCells());
            String pass = a.metrics().get(1);
            out.add(chart(colors, cells, c -> c.eval(pass), "ablations: " + shortName(pass) + " ("
                    + a.config().ablationLoss().label() + ", mean over seeds)", shortName(pass),
                    dir.resolve("ablation-" + StudyPlan.slug(shortName(pass)) + ".png")));
            out.add(chart(colors, cells, c -> c.steps(MetricKeys.ACTOR_ENTROPY), "ablations: actor entropy (mean over seeds)",
                    "entropy (nats/token)", dir.resolve("ablation-actor-entropy.png")));
            List<StudyArm> arms = new ArrayList<>();
            a.config().method(ref).ifPresent(arms::add);
            arms.addAll(a.config().ablations());
            int to = a.config().trainer().maxResponseTokens() - 1;
            out.add(schedules(colors, arms, 0, to, dir.resolve("ablation-schedules-step0.png")));
            out.add(schedules(colors, arms, a.config().trainer().steps(), to, dir.resolve("ablation-schedules-last.png")));
        }
        return out;
    }

    /**
     * Writes the inference-time plots: per checkpoint, maj@N and pass@N against N, one line per schedule.
     *
     * @param cfg the study (for the label colours)
     * @param cells the inference cells
     * @param dir the plots directory
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writeInference(StudyConfig cfg, List<InferenceComparison.Cell> cells, Path dir)
            throws IOException {
        Map<String, Color> colors = colors(cfg);
        List<Path> out = new ArrayList<>();
        Map<String, List<InferenceComparison.Cell>> byCk = new TreeMap<>();
        for (InferenceComparison.Cell c : cells) {
            byCk.computeIfAbsent(c.checkpoint(), k -> new ArrayList<>()).add(c);
        }
        for (Map.Entry<String, List<InferenceComparison.Cell>> e : byCk.entrySet()) {
            for (String what : List.of("maj", "pass")) {
                XYChart chart = new XYChartBuilder().width(800).height(500)
                        .title("inference-time " + what + "@N: " + e.getKey() + " (mean over seeds)")
                        .xAxisTitle("N").yAxisTitle(what + "@N").build();
                chart.getStyler().setXAxisLogarithmic(true);
                for (InferenceComparison.Cell c : e.getValue()) {
                    Map<Integer, Estimate> m = what.equals("maj") ? c.maj() : c.pass();
                    double[] x = m.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                    double[] y = m.values().stream().mapToDouble(Estimate::mean).toArray();
                    XYSeries line = chart.addSeries(c.schedule(), x, y);
                    line.setMarker(SeriesMarkers.CIRCLE);
                    paint(line, colors.get(c.schedule()));
                }
                Path png = dir.resolve("inference-" + what + "_" + StudyPlan.slug(e.getKey()) + ".png");
                PngWriter.write(chart, png);
                out.add(png);
            }
        }
        return out;
    }

    private static Path chart(Map<String, Color> colors, List<StudyAnalysis.Cell> cells, Function<RunCurves, RunMetrics.Series> series,
                              String title, String yTitle, Path png) throws IOException {
        List<RunMetrics.Series> lines = new ArrayList<>();
        for (StudyAnalysis.Cell c : cells) {
            RunMetrics.Series mean = meanOverRuns(c.method(), c.perRun().values().stream().map(series).toList());
            if (!mean.isEmpty()) {
                lines.add(mean);
            }
        }
        XYChart chart = MetricChart.overSteps(title, yTitle, lines);
        for (RunMetrics.Series l : lines) {
            paint(chart.getSeriesMap().get(l.key()), colors.get(l.key()));
        }
        PngWriter.write(chart, png);
        return png;
    }

    /**
     * The mean over runs at each step that any run logged (runs missing a step are left out there).
     *
     * @param name the series name
     * @param runs the runs' series
     * @return the mean series
     */
    static RunMetrics.Series meanOverRuns(String name, List<RunMetrics.Series> runs) {
        TreeMap<Double, double[]> acc = new TreeMap<>();
        for (RunMetrics.Series s : runs) {
            for (int i = 0; i < s.steps().length; i++) {
                double[] a = acc.computeIfAbsent(s.steps()[i], k -> new double[2]);
                a[0] += s.values()[i];
                a[1]++;
            }
        }
        double[] x = new double[acc.size()];
        double[] y = new double[acc.size()];
        int i = 0;
        for (Map.Entry<Double, double[]> e : acc.entrySet()) {
            x[i] = e.getKey();
            y[i] = e.getValue()[0] / e.getValue()[1];
            i++;
        }
        return new RunMetrics.Series(name, x, y);
    }

    private static Path schedules(Map<String, Color> colors, List<StudyArm> arms, long step, int to, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("rollout temperature at RL step " + step).xAxisTitle("response position t")
                .yAxisTitle("tau_t").build();
        double[] x = new double[to + 1];
        for (int t = 0; t <= to; t++) {
            x[t] = t;
        }
        for (StudyArm arm : arms) {
            float[] table = new float[to + 1];
            arm.schedule().temperatures(step, table);
            double[] y = new double[to + 1];
            for (int t = 0; t <= to; t++) {
                y[t] = table[t];
            }
            XYSeries s = chart.addSeries(arm.label(), x, y);
            s.setMarker(SeriesMarkers.NONE);
            paint(s, colors.get(arm.label()));
        }
        PngWriter.write(chart, png);
        return png;
    }

    /** Label colours: methods, then ablations, then inference schedules not named before. */
    static Map<String, Color> colors(StudyConfig cfg) {
        Map<String, Color> m = new LinkedHashMap<>();
        List<StudyArm> all = new ArrayList<>(cfg.methods());
        all.addAll(cfg.ablations());
        all.addAll(cfg.inferenceSchedules());
        for (StudyArm a : all) {
            m.putIfAbsent(a.label(), PALETTE[m.size() % PALETTE.length]);
        }
        return m;
    }

    private static void paint(XYSeries s, Color c) {
        if (s != null && c != null) {
            s.setLineColor(c);
            s.setMarkerColor(c);
        }
    }

    /** {@code eval/pass@16} to {@code pass@16}. */
    static String shortName(String key) {
        return key.startsWith(MetricKeys.EVAL_PREFIX) ? key.substring(MetricKeys.EVAL_PREFIX.length()) : key;
    }
}
