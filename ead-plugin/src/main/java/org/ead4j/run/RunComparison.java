package org.ead4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ead4j.metrics.MetricKeys;

/**
 * Compares the logged metrics of two runs value by value, ignoring wall-clock fields
 * ({@code time/...}), which legitimately differ between a run and its replay.
 */
public final class RunComparison {

    /** Prefix of fields that measure wall time and are not compared. */
    public static final String TIME_PREFIX = MetricKeys.TIME_PREFIX;

    private RunComparison() {
    }

    /**
     * Lists differences between two JSON-lines logs (steps.jsonl or eval.jsonl).
     *
     * @param a the first log
     * @param b the second log
     * @param limit stop after this many differences
     * @return human-readable differences, empty when identical
     * @throws IOException if a file cannot be read
     */
    public static List<String> differences(Path a, Path b, int limit) throws IOException {
        List<ObjectNode> la = JsonlLog.read(a);
        List<ObjectNode> lb = JsonlLog.read(b);
        List<String> out = new ArrayList<>();
        if (la.size() != lb.size()) {
            out.add(a.getFileName() + ": " + la.size() + " lines vs " + lb.size());
        }
        for (int i = 0; i < Math.min(la.size(), lb.size()) && out.size() < limit; i++) {
            ObjectNode x = la.get(i);
            ObjectNode y = lb.get(i);
            Iterator<Map.Entry<String, JsonNode>> it = x.fields();
            while (it.hasNext() && out.size() < limit) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith(TIME_PREFIX)) {
                    continue;
                }
                JsonNode other = y.get(e.getKey());
                if (other == null || !other.equals(e.getValue())) {
                    out.add(a.getFileName() + " line " + (i + 1) + " " + e.getKey() + ": " + e.getValue() + " vs "
                            + other);
                }
            }
            Iterator<String> names = y.fieldNames();
            while (names.hasNext() && out.size() < limit) {
                String k = names.next();
                if (!k.startsWith(TIME_PREFIX) && !x.has(k)) {
                    out.add(a.getFileName() + " line " + (i + 1) + " " + k + ": missing vs " + y.get(k));
                }
            }
        }
        return out;
    }
}
