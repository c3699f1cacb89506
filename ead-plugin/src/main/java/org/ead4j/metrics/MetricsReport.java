package org.ead4j.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation metrics by key ({@link MetricKeys}): overall keys first, then per data source
 * ({@code source/<name>/...}), in a stable order.
 */
public final class MetricsReport {

    private final Map<String, Double> values;
    private final List<Integer> ks;
    private final List<String> sources;

    MetricsReport(Map<String, Double> values, List<Integer> ks, List<String> sources) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.ks = List.copyOf(ks);
        this.sources = List.copyOf(sources);
    }

    /**
     * One metric.
     *
     * @param key the key, e.g. {@code pass@16} or {@code source/countdown/maj@4}
     * @return its value
     * @throws IllegalArgumentException if the report has no such key
     */
    public double get(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + key + "'; the report has " + values.size()
                    + " keys, e.g. " + values.keySet().stream().limit(12).toList());
        }
        return v;
    }

    /**
     * Whether a metric is present.
     *
     * @param key the key
     * @return true if present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** @return every metric, in report order (unmodifiable) */
    public Map<String, Double> asMap() {
        return values;
    }

    /** @return the subset sizes k reported */
    public List<Integer> ks() {
        return ks;
    }

    /** @return the data sources, sorted */
    public List<String> sources() {
        return sources;
    }

    @Override
    public String toString() {
        return "MetricsReport" + values;
    }
}
