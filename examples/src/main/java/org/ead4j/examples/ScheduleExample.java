package org.ead4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.plot.PngWriter;
import org.ead4j.plot.SchedulePlot;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.SchedulePreset;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.knowm.xchart.XYChart;

/**
 * Configures Exploratory Annealed Decoding schedules, prints tau_t at chosen response positions t
 * and RL steps s, and draws each as a PNG. EAD (arXiv 2510.05251) samples token t at step s with
 * <pre>
 *   tau_t = 1                                              for t &lt; c (warm-up)
 *   tau_t = max(1 + tau_max - exp(t / (k * d_s)), tau_min)  for t &gt;= c,   d_s = min(d0 + alpha * s, d_max)
 * </pre>
 * Three schedules: the paper's formula ({@code paper}, k = 1), the authors' released code
 * ({@code released-code}, k = 20), and one scaled to a task whose responses are about 12 tokens long
 * (the quickstart's Countdown), where the paper's warm-up c = 10 would leave nothing to anneal.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package -pl examples -am}):
 * <pre>
 *   java -cp examples/target/examples-0.1.0-SNAPSHOT-cli.jar org.ead4j.examples.ScheduleExample [OUT_DIR]
 * </pre>
 * OUT_DIR defaults to {@code runs/examples/schedule}.
 */
public final class ScheduleExample {

    /** Response positions printed. */
    static final int[] POSITIONS = {0, 1, 5, 9, 10, 12, 20, 50, 100, 200, 400, 800};
    /** RL steps printed and drawn. */
    static final List<Long> STEPS = List.of(0L, 10L, 100L, 1000L);

    private ScheduleExample() {
    }

    /**
     * Prints the tables and writes the plots.
     *
     * @param args optional: the output directory for the PNGs
     * @throws IOException if a PNG cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "runs/examples/schedule");
        List<Path> pngs = run(out, System.out);
        System.out.println("plots: " + pngs.stream().map(p -> p.toAbsolutePath().toString()).toList());
    }

    /**
     * The three schedules of this example, by name.
     *
     * @return paper, released-code and task-scaled (12-token responses)
     */
    public static Map<String, ExploratoryAnnealing> schedules() {
        Map<String, ExploratoryAnnealing> m = new LinkedHashMap<>();
        m.put("paper", SchedulePreset.PAPER.create());                  // tau_max 1.2, tau_min 0.1, d0 25, alpha 5, c 10, k 1
        m.put("released-code", SchedulePreset.RELEASED_CODE.create());  // the same with k = 20
        m.put("task-scaled", taskScaled(12));
        return m;
    }

    /**
     * EAD scaled to short responses: warm-up c = 1, k = 1, and d0 chosen so that at step 0 tau falls
     * from tau_max + 1 - e^(1/d0) ~ 1.14 to tau_min exactly at the last token:
     * {@code 1 + tau_max - exp(L / d0) = tau_min}, i.e. {@code d0 = L / ln(1 + tau_max - tau_min)}
     * (L = 12 gives d0 = 16.2; the quickstart rounds it to 16). alpha = 0.2 lets the hot prefix grow
     * by about one token every 25 RL steps.
     *
     * @param responseTokens typical response length L in tokens
     * @return the schedule
     */
    public static ExploratoryAnnealing taskScaled(int responseTokens) {
        double tauMax = 1.2;
        double tauMin = 0.1;
        double d0 = responseTokens / Math.log(1 + tauMax - tauMin);
        return new ExploratoryAnnealing(tauMax, tauMin, d0, 0.2, 40000, 1, 1);
    }

    /**
     * tau_t for each step (rows) and position (columns).
     *
     * @param schedule the schedule
     * @param steps RL steps
     * @param positions response positions
     * @return {@code [steps.size()][positions.length]}
     */
    public static double[][] table(TemperatureSchedule schedule, List<Long> steps, int[] positions) {
        double[][] t = new double[steps.size()][positions.length];
        for (int i = 0; i < steps.size(); i++) {
            for (int j = 0; j < positions.length; j++) {
                t[i][j] = schedule.temperature(positions[j], steps.get(i));
            }
        }
        return t;
    }

    /**
     * Prints each schedule's table and writes one PNG per schedule.
     *
     * @param outDir where the PNGs go (created if missing)
     * @param out where the tables go
     * @return the PNG files written
     * @throws IOException if a PNG cannot be written
     */
    public static List<Path> run(Path outDir, PrintStream out) throws IOException {
        Files.createDirectories(outDir);
        List<Path> pngs = new ArrayList<>();
        for (Map.Entry<String, ExploratoryAnnealing> e : schedules().entrySet()) {
            ExploratoryAnnealing s = e.getValue();
            out.println(e.getKey() + ": " + s);
            StringBuilder head = new StringBuilder(String.format("%9s", "s \\ t"));
            for (int t : POSITIONS) {
                head.append(String.format("%7d", t));
            }
            out.println(head);
            double[][] tau = table(s, STEPS, POSITIONS);
            for (int i = 0; i < STEPS.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("%9d", STEPS.get(i)));
                for (double v : tau[i]) {
                    row.append(String.format("%7.3f", v));
                }
                out.println(row);
            }
            // d_s, the decay in tokens (k * d_s), and where tau drops below 1 and reaches tau_min
            out.println("  at step 0: " + s.stepParameters(0));
            out.println();
            // one line per RL step over the response positions; the short-response schedule over 64 tokens
            XYChart chart = SchedulePlot.chart(s, STEPS, 0, e.getKey().equals("task-scaled") ? 64 : 1024);
            chart.setTitle("EAD, " + e.getKey() + " (k = " + s.positionScale() + ", c = " + s.warmup() + ")");
            Path png = outDir.resolve("schedule-" + e.getKey() + ".png");
            PngWriter.write(chart, png);
            pngs.add(png);
        }
        return pngs;
    }
}
