package org.ead4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.train.TrainingListener;

/**
 * Shows training progress: a one-line progress bar redrawn in place on a terminal, plain log lines
 * (one per step) when the output is not a terminal, e.g. in CI logs.
 */
public final class ProgressPrinter implements TrainingListener {

    private static final String PASS_PREFIX = MetricKeys.EVAL_PREFIX + MetricKeys.PASS_AT;

    private static final int BAR = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private String phase = "";
    private long total;
    private long lastPlainLine;
    private boolean lineOpen;

    /**
     * Creates a printer.
     *
     * @param out where to print
     * @param terminal true to redraw one line in place (a console), false for plain lines
     */
    public ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** @return a printer on standard output that draws a bar only when attached to a console */
    public static ProgressPrinter forStdout() {
        return new ProgressPrinter(new PrintWriter(System.out, true), System.console() != null);
    }

    @Override
    public synchronized void onPhase(String name, long totalSteps) {
        endLine();
        this.phase = name;
        this.total = totalSteps;
        this.lastPlainLine = 0;
        out.println("== " + name + " (" + totalSteps + " steps)");
        out.flush();
    }

    @Override
    public synchronized void onStep(String name, long step, Map<String, Object> rec) {
        String summary = summary(rec);
        if (terminal) {
            int filled = total > 0 ? (int) Math.min(BAR, step * BAR / total) : BAR;
            out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + phase + " " + step + "/" + total
                    + " " + summary + "   ");
            lineOpen = true;
            if (step == total) {
                endLine();
            }
        } else if (!"warm start".equals(name) || step == total || step - lastPlainLine >= Math.max(1, total / 10)) {
            out.println(phase + " step " + step + "/" + total + " " + summary);
            lastPlainLine = step;
        }
        out.flush();
    }

    @Override
    public synchronized void onEval(long step, Map<String, Object> rec) {
        endLine();
        int k = largestK(rec);
        out.printf("eval @ step %d: mean@n %s  pass@%d %s  worst@%d %s  entropy %s%n", step,
                fmt(rec.get(MetricKeys.EVAL_MEAN)), k, fmt(rec.get(MetricKeys.eval(MetricKeys.pass(k)))), k,
                fmt(rec.get(MetricKeys.eval(MetricKeys.worst(k)))),
                fmt(rec.get(MetricKeys.EVAL_ENTROPY)));
        out.flush();
    }

    @Override
    public synchronized void onMessage(String message) {
        endLine();
        out.println(message);
        out.flush();
    }

    /** The largest k with an {@code eval/pass@k} entry (1 when there is none). */
    private static int largestK(Map<String, Object> rec) {
        int k = 1;
        for (String key : rec.keySet()) {
            if (key.startsWith(PASS_PREFIX)) {
                try {
                    k = Math.max(k, Integer.parseInt(key.substring(PASS_PREFIX.length())));
                } catch (NumberFormatException e) {
                    // a per-source or derived key
                }
            }
        }
        return k;
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    private static String summary(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        if (r.containsKey(MetricKeys.SFT_LOSS)) {
            sb.append("loss ").append(fmt(r.get(MetricKeys.SFT_LOSS)));
        }
        if (r.containsKey(MetricKeys.REWARD_MEAN)) {
            sb.append("reward ").append(fmt(r.get(MetricKeys.REWARD_MEAN)));
        }
        if (r.containsKey(MetricKeys.ACTOR_ENTROPY)) {
            sb.append("  entropy ").append(fmt(r.get(MetricKeys.ACTOR_ENTROPY)));
        }
        if (r.containsKey(MetricKeys.ROLLOUT_TAU_MIN)) {
            sb.append("  tau ").append(fmt(r.get(MetricKeys.ROLLOUT_TAU_MIN))).append("..").append(fmt(r.get(MetricKeys.ROLLOUT_TAU_MAX)));
        }
        if (r.containsKey(MetricKeys.TIME_STEP_S)) {
            sb.append("  ").append(fmt(r.get(MetricKeys.TIME_STEP_S))).append("s");
        }
        return sb.toString();
    }

    private static String fmt(Object o) {
        if (o instanceof Number) {
            double d = ((Number) o).doubleValue();
            return Double.isNaN(d) ? "nan" : String.format("%.3f", d);
        }
        return String.valueOf(o);
    }
}
