package org.ead4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ead4j.plot.SchedulePlot;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.SchedulePreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ead schedule}: prints (and optionally plots) the EAD temperature tau_t at a step. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        header = "Print the EAD temperature schedule tau_t for a range of response positions.",
        description = {"tau_t = 1 for t < c, else max(1 + tau_max - exp(t / (k * d_s)), tau_min), "
                + "d_s = min(d0 + alpha * s, d_max).",
                "Presets: paper (k = 1, the formula as printed), released-code (k = 20, the authors' code)."})
public class ScheduleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "paper",
            description = "paper or released-code (default: ${DEFAULT-VALUE}); flags below override single values.")
    String preset;

    @Option(names = "--tau-max", paramLabel = "X", description = "tau_max (preset: 1.2)")
    Double tauMax;

    @Option(names = "--tau-min", paramLabel = "X", description = "tau_min (preset: 0.1)")
    Double tauMin;

    @Option(names = "--d0", paramLabel = "X", description = "d0, the decay at step 0 (preset: 25)")
    Double d0;

    @Option(names = "--alpha", paramLabel = "X", description = "alpha, decay growth per step (preset: 5)")
    Double alpha;

    @Option(names = "--d-max", paramLabel = "X", description = "d_max, the decay cap (preset: 40000)")
    Double dMax;

    @Option(names = "--warmup", paramLabel = "C", description = "c, positions sampled at tau = 1 (preset: 10)")
    Integer warmup;

    @Option(names = "--scale", paramLabel = "K", description = "k, the position scale (paper: 1, released-code: 20)")
    Double scale;

    @Option(names = "--step", paramLabel = "S", defaultValue = "0", description = "global RL step s (default: 0)")
    long step;

    @Option(names = "--positions", paramLabel = "A..B", defaultValue = "0..100", converter = PositionRange.Converter.class,
            description = "inclusive 0-based response positions (default: ${DEFAULT-VALUE})")
    PositionRange positions;

    @Option(names = "--json", description = "print {\"step\":S,\"d_s\":...,\"positions\":[...],\"tau\":[...]}")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "also draw tau_t over the positions at steps 0, S/4, S/2 and S (or 0, 50, 100, 200 when S = 0)")
    Path plot;

    @Override
    public Integer call() throws Exception {
        if (step < 0) {
            throw new UserException("--step " + step + " is invalid: the global step must be >= 0");
        }
        if (plot != null) {
            checkPlotFile(plot);
        }
        ExploratoryAnnealing s = build();
        PrintWriter out = spec.commandLine().getOut();
        float[] tau = new float[positions.to() + 1];
        s.temperatures(step, tau);
        double ds = s.decay(step);
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode root = om.createObjectNode();
            root.put("step", step);
            root.put("d_s", ds);
            ArrayNode pos = root.putArray("positions");
            ArrayNode vals = root.putArray("tau");
            for (int t = positions.from(); t <= positions.to(); t++) {
                pos.add(t);
                vals.add(Double.parseDouble(Float.toString(tau[t])));
            }
            out.println(om.writeValueAsString(root));
        } else {
            out.printf("%s%nstep %d: d_s = %s", s, step, fmt(ds));
            for (Map.Entry<String, Double> e : s.stepParameters(step).entrySet()) {
                if (!e.getKey().equals("d_s")) {
                    out.printf(", %s = %s", e.getKey(), fmt(e.getValue()));
                }
            }
            out.println();
            out.println("position\ttau");
            for (int t = positions.from(); t <= positions.to(); t++) {
                out.println(t + "\t" + fmt(tau[t]));
            }
        }
        if (plot != null) {
            List<Long> steps = step == 0 ? List.of(0L, 50L, 100L, 200L) : List.of(0L, step / 4, step / 2, step);
            try {
                SchedulePlot.write(s, steps, positions.from(), positions.to(), plot);
            } catch (java.io.IOException e) {
                throw new UserException("--plot " + plot + " cannot be written: " + UserMessages.oneLine(e.getMessage()), e);
            }
            if (!json) {
                out.println("plot written to " + plot);
            }
        }
        out.flush();
        return 0;
    }

    /** --plot must name a file in an existing folder (checked before anything is computed or written). */
    static void checkPlotFile(java.nio.file.Path plot) {
        if (plot.toString().isBlank()) {
            throw new UserException("--plot '" + plot + "' is invalid: give a file name such as tau.png");
        }
        if (java.nio.file.Files.isDirectory(plot)) {
            throw new UserException("--plot " + plot + " is a folder; give a file name such as " + plot.resolve("tau.png"));
        }
        java.nio.file.Path parent = plot.toAbsolutePath().getParent();
        if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
            throw new UserException("--plot " + plot + ": " + parent + (java.nio.file.Files.exists(parent)
                    ? " is a file, not a folder" : " does not exist; create the folder first"));
        }
    }

    private ExploratoryAnnealing build() {
        ExploratoryAnnealing p = SchedulePreset.fromName(preset).create();
        return new ExploratoryAnnealing(
                tauMax != null ? tauMax : p.tauMax(),
                tauMin != null ? tauMin : p.tauMin(),
                d0 != null ? d0 : p.d0(),
                alpha != null ? alpha : p.alpha(),
                dMax != null ? dMax : p.dMax(),
                warmup != null ? warmup : p.warmup(),
                scale != null ? scale : p.positionScale());
    }

    private static String fmt(double v) {
        return String.format("%.6g", v);
    }
}
