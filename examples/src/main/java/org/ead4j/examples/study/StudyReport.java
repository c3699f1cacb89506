package org.ead4j.examples.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.run.AtomicFiles;

/**
 * Writes a study's {@code study.json} (every number) and {@code study.md} (the protocol and the
 * tables: results per loss, paired differences, training dynamics, ablations, inference-time EAD).
 */
public final class StudyReport {

    /** The JSON file name. */
    public static final String JSON = "study.json";
    /** The Markdown file name. */
    public static final String MARKDOWN = "study.md";

    /**
     * What the report needs besides the analysis.
     *
     * @param warmStart the warm start's final evaluation metrics
     * @param outcomes every RL run's outcome
     * @param warmOutcome the warm start's outcome
     * @param inference the inference-time cells (may be empty)
     * @param plots plot files, relative to the study directory
     * @param totalSeconds wall-clock seconds of the whole study command
     * @param notes lines about how it was run (parallelism, machine)
     */
    public record Inputs(Map<String, Double> warmStart, List<RunExecutor.Outcome> outcomes,
                         RunExecutor.Outcome warmOutcome, List<InferenceComparison.Cell> inference, List<String> plots,
                         double totalSeconds, List<String> notes) {
    }

    private StudyReport() {
    }

    /**
     * Writes both files.
     *
     * @param a the analysis
     * @param in the other inputs
     * @param studyDir the study directory
     * @throws IOException if a file cannot be written
     */
    public static void write(StudyAnalysis a, Inputs in, Path studyDir) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(studyDir.resolve(JSON), om.writeValueAsBytes(json(a, in)));
        AtomicFiles.write(studyDir.resolve(MARKDOWN), markdown(a, in).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> json(StudyAnalysis a, Inputs in) {
        StudyConfig cfg = a.config();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", cfg.name());
        root.put("protocol", cfg.protocol());
        root.put("config", StudyRunner.CONFIG_FILE);
        root.put("metrics", a.metrics());
        root.put("references", cfg.references());
        root.put("seeds", cfg.seeds());
        root.put("level", cfg.level());
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("total_s", in.totalSeconds());
        timing.put("warm_start_s", in.warmOutcome().wallSeconds());
        timing.put("warm_start_cpu_s", in.warmOutcome().cpuSeconds());
        timing.put("rl_runs_s", in.outcomes().stream().mapToDouble(RunExecutor.Outcome::wallSeconds).sum());
        timing.put("rl_runs_cpu_s", in.outcomes().stream().mapToDouble(RunExecutor.Outcome::cpuSeconds).sum());
        timing.put("notes", in.notes());
        root.put("timing", timing);
        Map<String, Object> warm = new LinkedHashMap<>();
        warm.put("run", StudyPlan.WARM_START_ID);
        warm.put("eval", in.warmStart());
        root.put("warm_start", warm);
        List<Object> runs = new ArrayList<>();
        for (RunExecutor.Outcome o : in.outcomes()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", o.run().id());
            r.put("kind", o.run().kind().name().toLowerCase(Locale.ROOT));
            r.put("method", o.run().method());
            r.put("loss", o.run().loss());
            r.put("seed", o.run().seed());
            r.put("ok", o.ok());
            r.put("reused", o.reused());
            r.put("wall_s", o.wallSeconds());
            r.put("cpu_s", o.cpuSeconds());
            if (!o.ok()) {
                r.put("error", o.error());
            }
            runs.add(r);
        }
        root.put("runs", runs);
        root.put("cells", a.cells().stream().map(StudyReport::cellJson).toList());
        root.put("comparisons", a.comparisons().stream().map(StudyReport::comparisonJson).toList());
        root.put("identical_across_losses", a.identicalAcrossLosses());
        Map<String, Object> abl = new LinkedHashMap<>();
        abl.put("loss", cfg.ablationLoss().label());
        abl.put("reference", cfg.references().get(0));
        abl.put("cells", a.ablationCells().stream().map(StudyReport::cellJson).toList());
        abl.put("comparisons", a.ablationComparisons().stream().map(StudyReport::comparisonJson).toList());
        root.put("ablations", abl);
        List<Object> inf = new ArrayList<>();
        for (InferenceComparison.Cell c : in.inference()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", c.checkpoint());
            m.put("schedule", c.schedule());
            m.put("mean", c.mean().toMap());
            m.put("maj", estimates(c.maj()));
            m.put("pass", estimates(c.pass()));
            m.put("per_seed", c.perSeed());
            inf.add(m);
        }
        root.put("inference", inf);
        root.put("plots", in.plots());
        return root;
    }

    private static Map<String, Object> estimates(Map<?, Estimate> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.toString(), v.toMap()));
        return out;
    }

    private static Map<String, Object> cellJson(StudyAnalysis.Cell c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", c.method());
        m.put("loss", c.loss());
        m.put("runs", c.runIds());
        m.put("final", estimates(c.last()));
        m.put("area", estimates(c.area()));
        m.put("dynamics", estimates(c.dynamics()));
        return m;
    }

    private static Map<String, Object> comparisonJson(StudyAnalysis.Comparison c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reference", c.reference());
        m.put("other", c.other());
        m.put("scope", c.scope());
        m.put("metric", c.metric());
        m.put("summary", c.summary());
        m.putAll(c.result().toMap());
        return m;
    }

    static String markdown(StudyAnalysis a, Inputs in) {
        StudyConfig cfg = a.config();
        StringBuilder md = new StringBuilder();
        md.append("# Study: ").append(cfg.name()).append("\n\n");
        md.append("## Protocol (fixed before the run)\n\n");
        for (String line : cfg.protocol().strip().split("\n")) {
            md.append("> ").append(line.strip()).append('\n');
        }
        md.append('\n');
        int n = cfg.trainer().evaluation().samples();
        md.append(String.format(Locale.ROOT, "Seeds %s; %d RL steps per run; evaluation: n = %d samples per prompt "
                        + "on %s evaluation prompts at steps %s; intervals: %.0f%% (t over seeds for cells, percentile "
                        + "bootstrap with %d draws for paired differences).%n%n",
                java.util.Arrays.toString(cfg.seeds()), cfg.trainer().steps(), n,
                cfg.trainer().evaluation().maxPrompts() == 0 ? "all" : Integer.toString(cfg.trainer().evaluation().maxPrompts()),
                evalSteps(a), 100 * cfg.level(), cfg.bootstrapDraws()));
        md.append(String.format(Locale.ROOT, "Warm start (shared by every run): mean@%d %.3f, pass@%d %.3f, "
                        + "worst@%d %.3f, entropy %.3f.%n%n", n, in.warmStart().getOrDefault(MetricKeys.eval(MetricKeys.mean(n)), Double.NaN),
                n, in.warmStart().getOrDefault(MetricKeys.eval(MetricKeys.pass(n)), Double.NaN), n,
                in.warmStart().getOrDefault(MetricKeys.eval(MetricKeys.worst(n)), Double.NaN),
                in.warmStart().getOrDefault(MetricKeys.EVAL_ENTROPY, Double.NaN)));
        md.append(String.format(Locale.ROOT, "Time: %.0f s in all (warm start %.0f s, RL runs %.0f s summed; CPU "
                        + "time: warm start %.0f s, RL runs %.0f s).%n",
                in.totalSeconds(), in.warmOutcome().wallSeconds(),
                in.outcomes().stream().mapToDouble(RunExecutor.Outcome::wallSeconds).sum(),
                in.warmOutcome().cpuSeconds(), in.outcomes().stream().mapToDouble(RunExecutor.Outcome::cpuSeconds).sum()));
        for (String note : in.notes()) {
            md.append("- ").append(note).append('\n');
        }
        md.append('\n');

        md.append("## Results at the final step and area under the curve (mean over seeds [").append(pct(cfg))
                .append(" t-interval])\n\n");
        md.append("Area = the evaluation curve's time-average (trapezoid over the evaluation steps, divided by the span).\n\n");
        for (StudyLoss loss : cfg.losses()) {
            md.append("### ").append(loss.label()).append("\n\n");
            StringBuilder head = new StringBuilder("| method |");
            StringBuilder rule = new StringBuilder("|---|");
            for (String m : a.metrics()) {
                head.append(' ').append(StudyPlots.shortName(m)).append(" final |");
                rule.append("---|");
            }
            for (String m : a.metrics()) {
                head.append(' ').append(StudyPlots.shortName(m)).append(" area |");
                rule.append("---|");
            }
            md.append(head).append('\n').append(rule).append('\n');
            for (StudyAnalysis.Cell c : a.cells()) {
                if (!c.loss().equals(loss.label())) {
                    continue;
                }
                md.append("| ").append(c.method()).append(" |");
                for (String m : a.metrics()) {
                    md.append(' ').append(c.last().get(m).format(3)).append(" |");
                }
                for (String m : a.metrics()) {
                    md.append(' ').append(c.area().get(m).format(3)).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        md.append("## Paired differences (reference minus other; pairs = same loss and seed)\n\n");
        if (!a.identicalAcrossLosses().isEmpty()) {
            md.append("Note: these (method, seed) runs ended with bit-identical weights under every loss, so their "
                    + "pairs pooled over losses are copies rather than independent replicates: ")
                    .append(String.join(", ", a.identicalAcrossLosses())).append(".\n\n");
        }
        md.append("Each cell: mean difference [").append(pct(cfg)).append(" bootstrap interval]; W-T-L = pairs where "
                + "the reference is higher / equal / lower; p = exact two-sided sign test. Verdict: **win** when the "
                + "interval lies above 0, **loss** when below, tie otherwise.\n\n");
        for (String ref : cfg.references()) {
            md.append("### ").append(ref).append(" minus each method, pooled over losses\n\n");
            comparisonTable(md, a.comparisons(), ref, StudyAnalysis.ALL_LOSSES, a.metrics());
            if (cfg.losses().size() > 1) {
                md.append("Per-seed means over losses (pairs = seeds; does not count runs twice when losses gave "
                        + "identical runs):\n\n");
                comparisonTable(md, a.comparisons(), ref, StudyAnalysis.SEED_MEANS, a.metrics());
            }
            if (cfg.losses().size() > 1) {
                md.append("Per loss (final step):\n\n");
                md.append("| other | loss |");
                for (String m : a.metrics()) {
                    md.append(' ').append(StudyPlots.shortName(m)).append(" |");
                }
                md.append('\n').append("|---|---|").append("---|".repeat(a.metrics().size())).append('\n');
                for (StudyArm other : cfg.methods()) {
                    if (other.label().equals(ref)) {
                        continue;
                    }
                    for (StudyLoss l : cfg.losses()) {
                        md.append("| ").append(other.label()).append(" | ").append(l.label()).append(" |");
                        for (String m : a.metrics()) {
                            PairedComparison p = find(a.comparisons(), ref, other.label(), l.label(), m,
                                    StudyAnalysis.FINAL);
                            md.append(' ').append(p == null ? "-" : compact(p)).append(" |");
                        }
                        md.append('\n');
                    }
                }
                md.append('\n');
            }
        }

        md.append("## Training dynamics (mean over seeds [").append(pct(cfg)).append(" t-interval])\n\n");
        md.append("Actor entropy is the learner's token entropy on its batch (at the fixed-tau arms' own tau, at tau = 1 "
                + "for annealed schedules, as in verl); evaluation entropy is at tau = 1 on the evaluation samples; "
                + "rollout tau is the mean sampling temperature over all generated tokens and steps.\n\n");
        dynamicsTable(md, a.cells());

        if (!a.ablationCells().isEmpty()) {
            String ref = cfg.references().get(0);
            md.append("## Schedule ablations (").append(cfg.ablationLoss().label()).append(", every seed)\n\n");
            for (StudyArm arm : cfg.ablations()) {
                md.append("- **").append(arm.label()).append("**: ").append(arm.schedule()).append('\n');
            }
            md.append('\n');
            md.append("| schedule |");
            for (String m : a.metrics()) {
                md.append(' ').append(StudyPlots.shortName(m)).append(" final |");
            }
            md.append(" ").append(StudyPlots.shortName(a.metrics().get(1))).append(" area | mean rollout tau |\n");
            md.append("|---|").append("---|".repeat(a.metrics().size() + 2)).append('\n');
            List<StudyAnalysis.Cell> rows = new ArrayList<>();
            rows.add(a.cell(ref, cfg.ablationLoss().label()));
            rows.addAll(a.ablationCells());
            for (StudyAnalysis.Cell c : rows) {
                md.append("| ").append(c.method()).append(c.method().equals(ref) ? " (default)" : "").append(" |");
                for (String m : a.metrics()) {
                    md.append(' ').append(c.last().get(m).format(3)).append(" |");
                }
                md.append(' ').append(c.area().get(a.metrics().get(1)).format(3)).append(" |");
                md.append(' ').append(c.dynamics().get(MetricKeys.ROLLOUT_TAU_MEAN).format(3)).append(" |\n");
            }
            md.append("\n").append(ref).append(" (default) minus each ablation (pairs = seeds):\n\n");
            comparisonTable(md, a.ablationComparisons(), ref, cfg.ablationLoss().label(), a.metrics());
        }

        if (!in.inference().isEmpty()) {
            md.append("## Inference-time EAD (evaluation schedule only; mean over seeds [").append(pct(cfg))
                    .append(" t-interval])\n\n");
            md.append(String.format(Locale.ROOT, "n = %d samples per prompt; maj@N = expected majority-vote accuracy "
                    + "of N samples, pass@N = unbiased pass@N; schedules at global step %d.%n%n",
                    cfg.inferenceSamples(), cfg.inferenceStep()));
            String current = null;
            for (InferenceComparison.Cell c : in.inference()) {
                if (!c.checkpoint().equals(current)) {
                    current = c.checkpoint();
                    md.append("### ").append(current).append("\n\n| schedule |");
                    for (int k : cfg.inferenceKs()) {
                        md.append(" maj@").append(k).append(" |");
                    }
                    for (int k : cfg.inferenceKs()) {
                        md.append(" pass@").append(k).append(" |");
                    }
                    md.append('\n').append("|---|").append("---|".repeat(2 * cfg.inferenceKs().size())).append('\n');
                }
                md.append("| ").append(c.schedule()).append(" |");
                for (int k : cfg.inferenceKs()) {
                    md.append(' ').append(String.format(Locale.ROOT, "%.3f", c.maj().get(k).mean())).append(" |");
                }
                for (int k : cfg.inferenceKs()) {
                    md.append(' ').append(String.format(Locale.ROOT, "%.3f", c.pass().get(k).mean())).append(" |");
                }
                md.append('\n');
                if (in.inference().indexOf(c) == in.inference().size() - 1
                        || !in.inference().get(in.inference().indexOf(c) + 1).checkpoint().equals(current)) {
                    md.append('\n');
                }
            }
            md.append("Intervals over seeds are in study.json.\n\n");
        }

        md.append("## Plots\n\n");
        for (String p : in.plots()) {
            md.append("- [").append(p).append("](").append(p).append(")\n");
        }
        md.append('\n');
        List<RunExecutor.Outcome> failed = a.failures();
        if (!failed.isEmpty()) {
            md.append("## Failed runs (left out of every table)\n\n");
            for (RunExecutor.Outcome o : failed) {
                md.append("- ").append(o.run().id()).append(": ").append(o.error()).append('\n');
            }
            md.append('\n');
        }
        md.append("Every run directory (runs/, warm-start/) holds its provenance.json, steps.jsonl and eval.jsonl; "
                + "configs/ holds the exact configuration each run was trained from.\n");
        return md.toString();
    }

    /** The evaluation steps of the first finished run, e.g. {@code 0, 10, 20, 30}. */
    private static String evalSteps(StudyAnalysis a) {
        for (StudyAnalysis.Cell c : a.cells()) {
            for (RunCurves r : c.perRun().values()) {
                double[] steps = r.eval(a.metrics().get(0)).steps();
                StringBuilder sb = new StringBuilder();
                for (double s : steps) {
                    sb.append(sb.length() == 0 ? "" : ", ").append((long) s);
                }
                return sb.toString();
            }
        }
        return "(none)";
    }

    private static String pct(StudyConfig cfg) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * cfg.level());
    }

    private static void comparisonTable(StringBuilder md, List<StudyAnalysis.Comparison> all, String ref, String scope,
                                        List<String> metrics) {
        md.append("| other | metric | final: difference | W-T-L | p | verdict | area: difference | W-T-L | p | verdict |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> others = new ArrayList<>();
        for (StudyAnalysis.Comparison c : all) {
            if (c.reference().equals(ref) && c.scope().equals(scope) && !others.contains(c.other())) {
                others.add(c.other());
            }
        }
        for (String other : others) {
            for (String m : metrics) {
                PairedComparison f = find(all, ref, other, scope, m, StudyAnalysis.FINAL);
                PairedComparison ar = find(all, ref, other, scope, m, StudyAnalysis.AREA);
                md.append("| ").append(other).append(" | ").append(StudyPlots.shortName(m)).append(" | ");
                cells(md, f);
                md.append(" | ");
                cells(md, ar);
                md.append(" |\n");
            }
        }
        md.append('\n');
    }

    private static void cells(StringBuilder md, PairedComparison p) {
        if (p == null || p.pairs().isEmpty()) {
            md.append("- | - | - | -");
            return;
        }
        md.append(signed(p.mean())).append(" | ").append(p.wins()).append('-').append(p.ties()).append('-')
                .append(p.losses()).append(" | ").append(String.format(Locale.ROOT, "%.3f", p.signTestP()))
                .append(" | ").append(verdictText(p.verdict()));
    }

    private static String compact(PairedComparison p) {
        if (p.pairs().isEmpty()) {
            return "-";
        }
        return signed(p.mean()) + " " + p.wins() + "-" + p.ties() + "-" + p.losses() + " "
                + verdictText(p.verdict());
    }

    private static String signed(Estimate e) {
        if (Double.isNaN(e.lo())) {
            return String.format(Locale.ROOT, "%+.3f", e.mean());
        }
        return String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", e.mean(), e.lo(), e.hi());
    }

    private static String verdictText(PairedComparison.Verdict v) {
        switch (v) {
            case WIN:
                return "**win**";
            case LOSS:
                return "**loss**";
            default:
                return "tie";
        }
    }

    private static PairedComparison find(List<StudyAnalysis.Comparison> all, String ref, String other, String scope,
                                         String metric, String summary) {
        for (StudyAnalysis.Comparison c : all) {
            if (c.reference().equals(ref) && c.other().equals(other) && c.scope().equals(scope)
                    && c.metric().equals(metric) && c.summary().equals(summary)) {
                return c.result();
            }
        }
        return null;
    }

    private static void dynamicsTable(StringBuilder md, List<StudyAnalysis.Cell> cells) {
        md.append("| method | loss | actor entropy step 1 | max | last | eval entropy last | mean rollout tau "
                + "| train reward last step |\n|---|---|---|---|---|---|---|---|\n");
        for (StudyAnalysis.Cell c : cells) {
            md.append("| ").append(c.method()).append(" | ").append(c.loss()).append(" |");
            for (String d : StudyAnalysis.DYNAMICS) {
                md.append(' ').append(c.dynamics().get(d).format(3)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }
}
