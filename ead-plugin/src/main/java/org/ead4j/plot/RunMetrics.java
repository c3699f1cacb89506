package org.ead4j.plot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ead4j.run.JsonlLog;

/**
 * Numeric series read from a run's {@code steps.jsonl} or {@code eval.jsonl}, tolerant of what a log
 * may hold: nested objects are flattened with '/' ({@code {"reward": {"mean": 1}}} reads as
 * {@code reward/mean}), numbers written as strings ("0.5", "NaN") are read, other values are ignored,
 * the step comes from {@code step} (or {@code global_step}, else the line's position), and records are
 * sorted by step.
 */
public final class RunMetrics {

    /**
     * The values of one metric over steps.
     *
     * @param key the metric key
     * @param steps the steps that have a finite value, ascending
     * @param values the values at those steps
     */
    public record Series(String key, double[] steps, double[] values) {
        /** @return true if no step has a value */
        public boolean isEmpty() {
            return steps.length == 0;
        }
    }

    private final List<Long> steps;
    private final List<Map<String, Double>> rows;

    private RunMetrics(List<Long> steps, List<Map<String, Double>> rows) {
        this.steps = steps;
        this.rows = rows;
    }

    /**
     * Reads a JSON-lines log (a missing file reads as empty; malformed lines are skipped with a warning).
     *
     * @param jsonl the log
     * @return the metrics
     * @throws IOException if the file cannot be read
     */
    public static RunMetrics read(Path jsonl) throws IOException {
        return of(JsonlLog.read(jsonl));
    }

    /**
     * Builds the metrics from parsed records.
     *
     * @param records JSON objects, one per step
     * @return the metrics
     */
    public static RunMetrics of(List<? extends JsonNode> records) {
        List<long[]> order = new ArrayList<>();
        List<Map<String, Double>> flat = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            if (!(r instanceof ObjectNode)) {
                continue;
            }
            Map<String, Double> m = new LinkedHashMap<>();
            flatten(r, "", m);
            Double s = m.containsKey("step") ? m.get("step") : m.get("global_step");
            long step = s != null && Double.isFinite(s) ? s.longValue() : i;
            order.add(new long[]{step, flat.size()});
            flat.add(m);
        }
        order.sort((x, y) -> Long.compare(x[0], y[0])); // stable: equal steps keep file order
        List<Long> steps = new ArrayList<>();
        List<Map<String, Double>> rows = new ArrayList<>();
        for (long[] o : order) {
            steps.add(o[0]);
            rows.add(flat.get((int) o[1]));
        }
        return new RunMetrics(steps, rows);
    }

    /**
     * One metric over steps; records without it, or with a non-finite value, are left out.
     *
     * @param key the flattened key, e.g. {@code reward/mean}
     * @return the series (empty if the key never appears)
     */
    public Series series(String key) {
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        int n = 0;
        for (int i = 0; i < rows.size(); i++) {
            Double v = rows.get(i).get(key);
            if (v != null && Double.isFinite(v)) {
                x[n] = steps.get(i);
                y[n] = v;
                n++;
            }
        }
        return new Series(key, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }

    /**
     * Every numeric key that appears, sorted.
     *
     * @return the keys
     */
    public Set<String> keys() {
        Set<String> k = new TreeSet<>();
        rows.forEach(r -> k.addAll(r.keySet()));
        return k;
    }

    /**
     * The keys starting with a prefix, sorted.
     *
     * @param prefix the prefix, e.g. {@code rollout/tau}
     * @return the matching keys
     */
    public List<String> keysWithPrefix(String prefix) {
        return keys().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    /** @return the largest step, or -1 when there are no records */
    public long maxStep() {
        return steps.isEmpty() ? -1 : steps.get(steps.size() - 1);
    }

    /** @return the number of records */
    public int size() {
        return rows.size();
    }

    private static void flatten(JsonNode n, String prefix, Map<String, Double> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(v, key + "/", out);
            } else if (v.isNumber()) {
                out.put(key, v.asDouble());
            } else if (v.isTextual()) {
                try {
                    out.put(key, Double.parseDouble(v.textValue().trim()));
                } catch (NumberFormatException ex) {
                    // a label, not a metric
                }
            } else if (v.isBoolean()) {
                out.put(key, v.asBoolean() ? 1.0 : 0.0);
            }
        }
    }
}
