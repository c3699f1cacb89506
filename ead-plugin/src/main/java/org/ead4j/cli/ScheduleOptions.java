package org.ead4j.cli;

import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.ReverseAnnealing;
import org.ead4j.samediff.schedule.SchedulePreset;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import picocli.CommandLine.Option;

/** Sampling-schedule flags shared by {@code eval} and {@code sample}. */
public class ScheduleOptions {

    /** The schedule families a flag can name. */
    public enum Kind {
        /** A fixed temperature (--tau; 0 = greedy). */
        constant,
        /** Greedy decoding (tau = 0). */
        greedy,
        /** Exploratory annealed decoding. */
        ead,
        /** Reverse annealing (the paper's ablation). */
        reverse
    }

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "constant",
            description = "constant, greedy, ead or reverse (default: ${DEFAULT-VALUE})")
    Kind kind;

    @Option(names = "--tau", paramLabel = "X", defaultValue = "1.0",
            description = "temperature for --schedule constant (default: ${DEFAULT-VALUE}; 0 = greedy)")
    double tau;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "released-code",
            description = "EAD preset: paper (k = 1) or released-code (k = 20) (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--tau-max", paramLabel = "X", description = "EAD tau_max (preset: 1.2)")
    Double tauMax;

    @Option(names = "--tau-min", paramLabel = "X", description = "EAD tau_min (preset: 0.1)")
    Double tauMin;

    @Option(names = "--d0", paramLabel = "X", description = "EAD d0 (preset: 25)")
    Double d0;

    @Option(names = "--alpha", paramLabel = "X", description = "EAD alpha (preset: 5)")
    Double alpha;

    @Option(names = "--d-max", paramLabel = "X", description = "EAD d_max (preset: 40000)")
    Double dMax;

    @Option(names = "--warmup", paramLabel = "C", description = "EAD warm-up c (preset: 10)")
    Integer warmup;

    @Option(names = "--scale", paramLabel = "K", description = "EAD position scale k (preset: paper 1, released-code 20)")
    Double scale;

    @Option(names = "--step", paramLabel = "S", defaultValue = "0",
            description = "global RL step s for the EAD decay d_s (default: ${DEFAULT-VALUE})")
    long step;

    /**
     * Builds the schedule the flags describe.
     *
     * @return the schedule
     * @throws UserException for invalid values (naming the flag)
     */
    public TemperatureSchedule schedule() {
        if (step < 0) {
            throw new UserException("--step " + step + " is invalid: must be >= 0");
        }
        try {
            switch (kind) {
                case greedy:
                    return new ConstantTemperature(0);
                case constant:
                    return new ConstantTemperature(tau);
                case reverse: {
                    ExploratoryAnnealing p = SchedulePreset.fromName(preset).create();
                    return new ReverseAnnealing(or(tauMax, p.tauMax()), or(tauMin, p.tauMin()), or(d0, p.d0()),
                            or(alpha, p.alpha()), or(dMax, p.dMax()), warmup != null ? warmup : p.warmup(),
                            or(scale, p.positionScale()));
                }
                case ead:
                default: {
                    ExploratoryAnnealing p = SchedulePreset.fromName(preset).create();
                    return new ExploratoryAnnealing(or(tauMax, p.tauMax()), or(tauMin, p.tauMin()), or(d0, p.d0()),
                            or(alpha, p.alpha()), or(dMax, p.dMax()), warmup != null ? warmup : p.warmup(),
                            or(scale, p.positionScale()));
                }
            }
        } catch (com.oracle.labs.mlrg.olcut.config.PropertyException e) {
            throw new UserException("schedule flags: " + e.getMessage(), e);
        }
    }

    /** @return the global step for the schedule */
    public long step() {
        return step;
    }

    private static double or(Double v, double d) {
        return v != null ? v : d;
    }
}
