package org.ead4j.examples.study;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.metrics.MetricKeys;

/**
 * The numbers of a study, computed from its finished runs by the protocol fixed in the
 * {@link StudyConfig}: per (method, loss) the mean over seeds and t-interval of each metric at the
 * final evaluation and of its area under the evaluation curve; entropy summaries; paired
 * differences reference minus each other method, paired by (loss, seed), pooled over losses and
 * per loss, with the sign test and a bootstrap interval; and the same for the schedule ablations
 * (reference minus ablation, ablation loss only). Failed runs are left out and listed.
 */
public final class StudyAnalysis {

    /** Summary labels. */
    public static final String FINAL = "final";
    /** Area under the evaluation curve. */
    public static final String AREA = "area";
    /** Scope label of comparisons pooled over losses. */
    public static final String ALL_LOSSES = "all losses";
    /**
     * Scope label of comparisons of per-seed means over losses (pairs = seeds): the conservative
     * pooled comparison when runs of different losses are not independent (e.g. identical).
     */
    public static final String SEED_MEANS = "mean over losses";

    /** Dynamics: the actor's entropy at the first step. */
    public static final String ENTROPY_FIRST = MetricKeys.ACTOR_ENTROPY + "@first";
    /** Dynamics: the actor's largest entropy over the steps. */
    public static final String ENTROPY_MAX = MetricKeys.ACTOR_ENTROPY + "@max";
    /** Dynamics: the actor's entropy at the last step. */
    public static final String ENTROPY_LAST = MetricKeys.ACTOR_ENTROPY + "@last";
    /** Dynamics: the evaluation entropy at the last evaluation. */
    public static final String EVAL_ENTROPY_LAST = MetricKeys.EVAL_ENTROPY + "@last";
    /** Dynamics: the training reward at the last step. */
    public static final String REWARD_LAST = MetricKeys.REWARD_MEAN + "@last";

    /** Training-dynamics summaries reported per cell. */
    public static final List<String> DYNAMICS = List.of(ENTROPY_FIRST, ENTROPY_MAX, ENTROPY_LAST, EVAL_ENTROPY_LAST,
            MetricKeys.ROLLOUT_TAU_MEAN, REWARD_LAST);

    /**
     * The runs of one (method, loss) cell summarised over seeds.
     *
     * @param method method (or ablation) label
     * @param loss loss label
     * @param runIds the runs that completed
     * @param last per metric key, the value at the final evaluation over seeds
     * @param area per metric key, the normalised area under the evaluation curve over seeds
     * @param dynamics per {@link #DYNAMICS} key, over seeds
     * @param perRun run id to its curves
     */
    public record Cell(String method, String loss, List<String> runIds, Map<String, Estimate> last,
                       Map<String, Estimate> area, Map<String, Estimate> dynamics, Map<String, RunCurves> perRun) {
    }

    /**
     * One paired comparison.
     *
     * @param reference the reference method
     * @param other the method (or ablation) compared against
     * @param scope {@link #ALL_LOSSES} or one loss label
     * @param metric the metric key
     * @param summary {@link #FINAL} or {@link #AREA}
     * @param result the paired differences reference minus other
     */
    public record Comparison(String reference, String other, String scope, String metric, String summary,
                             PairedComparison result) {
    }

    private final StudyConfig cfg;
    private final List<String> metrics;
    private final List<String> extraMetrics;
    private final List<Cell> cells = new ArrayList<>();
    private final List<Cell> ablationCells = new ArrayList<>();
    private final List<Comparison> comparisons = new ArrayList<>();
    private final List<Comparison> ablationComparisons = new ArrayList<>();
    private final List<RunExecutor.Outcome> failures = new ArrayList<>();
    private final List<String> identicalAcrossLosses = new ArrayList<>();

    private StudyAnalysis(StudyConfig cfg) {
        this.cfg = cfg;
        int n = cfg.trainer().evaluation().samples();
        this.metrics = List.of(MetricKeys.eval(MetricKeys.mean(n)), MetricKeys.eval(MetricKeys.pass(n)),
                MetricKeys.eval(MetricKeys.worst(n)));
        this.extraMetrics = List.of(MetricKeys.eval(MetricKeys.maj(n)),
                MetricKeys.eval(MetricKeys.bootstrap(MetricKeys.best(n))),
                MetricKeys.eval(MetricKeys.bootstrap(MetricKeys.worst(n))), MetricKeys.EVAL_ENTROPY);
    }

    /**
     * Analyses finished runs.
     *
     * @param cfg the study
     * @param outcomes the RL runs' outcomes (main and ablation)
     * @return the analysis
     * @throws IOException if a run's logs cannot be read
     */
    public static StudyAnalysis of(StudyConfig cfg, List<RunExecutor.Outcome> outcomes) throws IOException {
        StudyAnalysis a = new StudyAnalysis(cfg);
        Map<String, RunCurves> curves = new LinkedHashMap<>();
        for (RunExecutor.Outcome o : outcomes) {
            if (o.ok()) {
                curves.put(o.run().id(), RunCurves.read(o.dir()));
            } else {
                a.failures.add(o);
            }
        }
        // cells: the main grid, then the ablations
        for (StudyLoss loss : cfg.losses()) {
            for (StudyArm m : cfg.methods()) {
                a.cells.add(a.cell(m.label(), loss.label(), StudyPlan.Kind.MAIN, outcomes, curves));
            }
        }
        for (StudyArm m : cfg.ablations()) {
            Cell c = a.cell(m.label(), cfg.ablationLoss().label(), StudyPlan.Kind.ABLATION, outcomes, curves);
            if (!c.runIds().isEmpty()) {
                a.ablationCells.add(c);
            }
        }
        // paired comparisons
        List<String> scopes = new ArrayList<>();
        scopes.add(ALL_LOSSES);
        if (cfg.losses().size() > 1) {
            scopes.add(SEED_MEANS);
            cfg.losses().forEach(l -> scopes.add(l.label()));
        }
        for (String ref : cfg.references()) {
            for (StudyArm other : cfg.methods()) {
                if (other.label().equals(ref)) {
                    continue;
                }
                for (String scope : scopes) {
                    a.compare(a.comparisons, ref, StudyPlan.Kind.MAIN, other.label(), StudyPlan.Kind.MAIN, scope,
                            outcomes, curves);
                }
            }
        }
        a.findIdenticalAcrossLosses(outcomes);
        String ref = cfg.references().get(0);
        for (Cell c : a.ablationCells) {
            a.compare(a.ablationComparisons, ref, StudyPlan.Kind.MAIN, c.method(), StudyPlan.Kind.ABLATION,
                    cfg.ablationLoss().label(), outcomes, curves);
        }
        return a;
    }

    private Cell cell(String method, String loss, StudyPlan.Kind kind, List<RunExecutor.Outcome> outcomes,
                      Map<String, RunCurves> curves) {
        Map<String, RunCurves> per = new LinkedHashMap<>();
        for (RunExecutor.Outcome o : outcomes) {
            StudyPlan.Run r = o.run();
            if (r.kind() == kind && r.method().equals(method) && r.loss().equals(loss) && curves.containsKey(r.id())) {
                per.put(r.id(), curves.get(r.id()));
            }
        }
        Map<String, Estimate> last = new LinkedHashMap<>();
        Map<String, Estimate> area = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(metrics);
        keys.addAll(extraMetrics);
        for (String k : keys) {
            last.put(k, StudentT.meanInterval(per.values().stream().mapToDouble(c -> c.last(k)).toArray(), cfg.level()));
            area.put(k, StudentT.meanInterval(per.values().stream().mapToDouble(c -> c.area(k)).toArray(), cfg.level()));
        }
        Map<String, Estimate> dyn = new LinkedHashMap<>();
        for (String d : DYNAMICS) {
            dyn.put(d, StudentT.meanInterval(per.values().stream().mapToDouble(c -> dynamic(c, d)).toArray(),
                    cfg.level()));
        }
        return new Cell(method, loss, List.copyOf(per.keySet()), last, area, dyn, per);
    }

    private static double dynamic(RunCurves c, String key) {
        switch (key) {
            case ENTROPY_FIRST:
                return c.firstMaxLast(MetricKeys.ACTOR_ENTROPY)[0];
            case ENTROPY_MAX:
                return c.firstMaxLast(MetricKeys.ACTOR_ENTROPY)[1];
            case ENTROPY_LAST:
                return c.firstMaxLast(MetricKeys.ACTOR_ENTROPY)[2];
            case EVAL_ENTROPY_LAST:
                return c.last(MetricKeys.EVAL_ENTROPY);
            case MetricKeys.ROLLOUT_TAU_MEAN:
                return c.stepMean(MetricKeys.ROLLOUT_TAU_MEAN);
            case REWARD_LAST:
                return c.firstMaxLast(MetricKeys.REWARD_MEAN)[2];
            default:
                throw new IllegalArgumentException("unknown dynamics key " + key);
        }
    }

    private void compare(List<Comparison> into, String ref, StudyPlan.Kind refKind, String other,
                         StudyPlan.Kind otherKind, String scope, List<RunExecutor.Outcome> outcomes,
                         Map<String, RunCurves> curves) {
        List<String> keys = new ArrayList<>(metrics);
        keys.addAll(extraMetrics);
        for (String metric : keys) {
            for (String summary : List.of(FINAL, AREA)) {
                Map<String, Double> a = values(ref, refKind, scope, metric, summary, outcomes, curves);
                Map<String, Double> b = values(other, otherKind, scope, metric, summary, outcomes, curves);
                long seed = cfg.bootstrapSeed() ^ (metric + summary + scope + other).hashCode();
                into.add(new Comparison(ref, other, scope, metric, summary,
                        PairedComparison.of(a, b, cfg.level(), cfg.bootstrapDraws(), seed)));
            }
        }
    }

    private Map<String, Double> values(String method, StudyPlan.Kind kind, String scope, String metric,
                                              String summary, List<RunExecutor.Outcome> outcomes,
                                              Map<String, RunCurves> curves) {
        int lossCount = cfg.losses().size();
        Map<String, Double> m = new LinkedHashMap<>();
        Map<String, double[]> seedSums = new LinkedHashMap<>();
        boolean pooled = scope.equals(ALL_LOSSES) || scope.equals(SEED_MEANS);
        for (RunExecutor.Outcome o : outcomes) {
            StudyPlan.Run r = o.run();
            RunCurves c = curves.get(r.id());
            if (c == null || r.kind() != kind || !r.method().equals(method) || (!pooled && !scope.equals(r.loss()))) {
                continue;
            }
            double v = FINAL.equals(summary) ? c.last(metric) : c.area(metric);
            if (scope.equals(SEED_MEANS)) {
                double[] acc = seedSums.computeIfAbsent("s" + r.seed(), k -> new double[2]);
                acc[0] += v;
                acc[1]++;
            } else {
                m.put(StudyPlan.pairKey(r.loss(), r.seed()), v);
            }
        }
        // a seed whose runs are not complete for every loss has no comparable mean
        seedSums.forEach((k, acc) -> m.put(k, acc[1] == lossCount ? acc[0] / acc[1] : Double.NaN));
        return m;
    }

    /** Groups each method's runs by seed and records seeds whose runs ended with the same weights for every loss. */
    private void findIdenticalAcrossLosses(List<RunExecutor.Outcome> outcomes) throws IOException {
        if (cfg.losses().size() < 2) {
            return;
        }
        Map<String, List<String>> shas = new LinkedHashMap<>();
        for (RunExecutor.Outcome o : outcomes) {
            if (o.ok() && o.run().kind() == StudyPlan.Kind.MAIN) {
                String sha = org.ead4j.run.RunDirectory.open(o.dir()).readProvenanceIfPresent()
                        .map(p -> p.runInfo().get("final-weights-sha256")).orElse(null);
                if (sha == null) {
                    continue;
                }
                shas.computeIfAbsent(o.run().method() + " / s" + o.run().seed(), k -> new ArrayList<>()).add(sha);
            }
        }
        shas.forEach((k, v) -> {
            if (v.size() == cfg.losses().size() && v.stream().distinct().count() == 1) {
                identicalAcrossLosses.add(k);
            }
        });
    }

    /**
     * (method, seed) groups whose runs under every loss ended with bit-identical weights (e.g. when the
     * losses differ only in a clip range that no token reached): their pairs pooled over losses are
     * copies, not independent replicates; the {@link #SEED_MEANS} comparisons do not double-count them.
     *
     * @return labels like {@code EAD / s1}
     */
    public List<String> identicalAcrossLosses() {
        return List.copyOf(identicalAcrossLosses);
    }

    /** @return the study */
    public StudyConfig config() {
        return cfg;
    }

    /** @return the headline metric keys (mean@n, pass@n, worst@n) */
    public List<String> metrics() {
        return metrics;
    }

    /** @return further metric keys kept in study.json (maj@n, verl's bootstrap best/worst@n, eval entropy) */
    public List<String> extraMetrics() {
        return extraMetrics;
    }

    /** @return the main grid's cells, loss by loss */
    public List<Cell> cells() {
        return List.copyOf(cells);
    }

    /** @return the ablation cells (ablation loss) */
    public List<Cell> ablationCells() {
        return List.copyOf(ablationCells);
    }

    /** @return reference-minus-other comparisons of the main grid */
    public List<Comparison> comparisons() {
        return List.copyOf(comparisons);
    }

    /** @return reference-minus-ablation comparisons */
    public List<Comparison> ablationComparisons() {
        return List.copyOf(ablationComparisons);
    }

    /** @return runs that failed */
    public List<RunExecutor.Outcome> failures() {
        return List.copyOf(failures);
    }

    /**
     * Finds a main-grid cell.
     *
     * @param method method label
     * @param loss loss label
     * @return the cell
     */
    public Cell cell(String method, String loss) {
        return cells.stream().filter(c -> c.method().equals(method) && c.loss().equals(loss)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cell " + method + " / " + loss));
    }
}
