package org.ead4j.samediff.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Named EAD configurations.
 * <ul>
 *   <li>{@code paper}: the formula as printed in arXiv 2510.05251 Sec. 5.1 (tau_max 1.2, tau_min 0.1,
 *       d0 25, alpha 5, d_max 40000, c 10) with position scale k = 1;</li>
 *   <li>{@code released-code}: the same numbers with k = 20, as in the authors' released
 *       implementation (verl fork, {@code annealed_sampling.py}: {@code exp(len / (20 * d_s))}).</li>
 * </ul>
 */
public enum SchedulePreset {
    /** The paper's formula, k = 1. */
    PAPER("paper", 1.0),
    /** The authors' released code, k = 20. */
    RELEASED_CODE("released-code", 20.0);

    private final String cliName;
    private final double positionScale;

    SchedulePreset(String cliName, double positionScale) {
        this.cliName = cliName;
        this.positionScale = positionScale;
    }

    /** @return the name used on the command line and in files */
    public String cliName() {
        return cliName;
    }

    /** @return a new schedule with this preset's values */
    public ExploratoryAnnealing create() {
        return new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, 10, positionScale);
    }

    /**
     * Looks a preset up by its command-line name.
     *
     * @param name {@code paper} or {@code released-code}
     * @return the preset
     * @throws IllegalArgumentException naming the allowed values
     */
    public static SchedulePreset fromName(String name) {
        for (SchedulePreset p : values()) {
            if (p.cliName.equals(name.toLowerCase(Locale.ROOT)) || p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown schedule preset '" + name + "'; allowed: "
                + Arrays.stream(values()).map(SchedulePreset::cliName).collect(Collectors.joining(", ")));
    }
}
