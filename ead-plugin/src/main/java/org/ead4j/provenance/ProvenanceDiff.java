package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two provenances value by value. Each is flattened to dotted paths, e.g.
 * {@code trainer.schedule.tauMax -> 1.2}, {@code trainer.evalK[1] -> 16}, {@code metrics.reward/mean -> 0.6};
 * the differences are the paths whose values differ or exist on one side only.
 */
public final class ProvenanceDiff {

    /** What a {@link Difference} concerns, in the order {@code ead diff} prints them. */
    public enum Section {
        /** A configured value of a component (under {@code trainer.}). */
        CONFIGURATION,
        /** The seed, dataset hash, git commit and versions. */
        RUN,
        /** Times, completed steps, metrics and run info: expected to differ between runs. */
        OUTCOME
    }

    /**
     * One differing value.
     *
     * @param section what it concerns
     * @param path the dotted path, e.g. {@code trainer.schedule.tauMax}
     * @param a the value in the first provenance, or null if absent there
     * @param b the value in the second provenance, or null if absent there
     */
    public record Difference(Section section, String path, String a, String b) {
    }

    private static final String HOST_SHORT_NAME = "host-short-name";

    private ProvenanceDiff() {
    }

    /**
     * Flattens provenance to path -&gt; value text, in iteration order. OLCUT's {@code host-short-name}
     * (a display label) is left out.
     *
     * @param provenance the provenance
     * @return the flat view
     */
    public static Map<String, String> flatten(ObjectProvenance provenance) {
        Map<String, String> out = new LinkedHashMap<>();
        flattenObject(provenance, "", out);
        return out;
    }

    /**
     * The differences between two experiments.
     *
     * @param a the first run's provenance
     * @param b the second run's provenance
     * @param includeOutcome whether to include the {@link Section#OUTCOME} values, which always differ
     * @return the differences, by section, then in path order of {@code a} (paths only in {@code b} last)
     */
    public static List<Difference> diff(ExperimentProvenance a, ExperimentProvenance b, boolean includeOutcome) {
        Map<String, String> fa = flatten(a);
        Map<String, String> fb = flatten(b);
        Set<String> paths = new LinkedHashSet<>(fa.keySet());
        paths.addAll(fb.keySet());
        List<Difference> out = new ArrayList<>();
        for (Section section : Section.values()) {
            if (section == Section.OUTCOME && !includeOutcome) {
                continue;
            }
            for (String p : paths) {
                if (sectionOf(p) == section && !Objects.equals(fa.get(p), fb.get(p))) {
                    out.add(new Difference(section, p, fa.get(p), fb.get(p)));
                }
            }
        }
        return out;
    }

    /**
     * The section a flattened experiment path belongs to.
     *
     * @param path a path from {@link #flatten} of an {@link ExperimentProvenance}
     * @return its section
     */
    public static Section sectionOf(String path) {
        String top = path.split("[.\\[]", 2)[0];
        if (top.equals(ExperimentProvenance.TRAINER)) {
            return Section.CONFIGURATION;
        }
        return switch (top) {
            case ExperimentProvenance.START_TIME, ExperimentProvenance.END_TIME, ExperimentProvenance.COMPLETED_STEPS,
                    ExperimentProvenance.METRICS, ExperimentProvenance.RUN_INFO -> Section.OUTCOME;
            default -> Section.RUN;
        };
    }

    private static void flattenObject(ObjectProvenance p, String prefix, Map<String, String> out) {
        for (Pair<String, Provenance> pair : p) {
            if (pair.getA().equals(HOST_SHORT_NAME)) {
                continue;
            }
            flattenValue(pair.getB(), prefix + pair.getA(), out);
        }
    }

    private static void flattenValue(Provenance v, String path, Map<String, String> out) {
        if (v instanceof ObjectProvenance o) {
            flattenObject(o, path + ".", out);
        } else if (v instanceof ListProvenance<?> l) {
            List<?> list = l.getList();
            if (list.isEmpty()) {
                out.put(path, "[]");
            }
            for (int i = 0; i < list.size(); i++) {
                flattenValue((Provenance) list.get(i), path + "[" + i + "]", out);
            }
        } else if (v instanceof MapProvenance<?> m) {
            if (m.getMap().isEmpty()) {
                out.put(path, "{}");
            }
            new java.util.TreeMap<>(m.getMap()).forEach((k, val) -> flattenValue(val, path + "." + k, out));
        } else if (v instanceof PrimitiveProvenance<?> prim) {
            out.put(path, String.valueOf(prim.getValue()));
        } else {
            out.put(path, String.valueOf(v));
        }
    }
}
