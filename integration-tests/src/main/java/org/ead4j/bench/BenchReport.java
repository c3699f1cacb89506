package org.ead4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows of a benchmark table, printed aligned and written as JSON (atomically). */
public final class BenchReport {

    private final String name;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();

    /**
     * Creates an empty report.
     *
     * @param name the benchmark's name
     */
    public BenchReport(String name) {
        this.name = name;
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    }

    /**
     * Adds a row (column name to value, in order).
     *
     * @param row the row
     */
    public void add(Map<String, Object> row) {
        rows.add(row);
    }

    /**
     * Adds a top-level JSON entry next to the rows (e.g. a second table or the targets).
     *
     * @param key the entry's name
     * @param value a JSON-serialisable value
     */
    public void put(String key, Object value) {
        extra.put(key, value);
    }

    /**
     * Records a machine property (written under "machine").
     *
     * @param key the property
     * @param value its value
     */
    public void machine(String key, Object value) {
        machine.put(key, value);
    }

    /** @return the rows added so far (unmodifiable view) */
    public List<Map<String, Object>> rows() {
        return java.util.Collections.unmodifiableList(rows);
    }

    /** @return the table, columns aligned */
    public String table() {
        return table(rows);
    }

    /**
     * Formats rows as an aligned table, columns from the first row.
     *
     * @param rows the rows
     * @return the table
     */
    public static String table(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return "(no rows)";
        }
        List<String> cols = new ArrayList<>(rows.get(0).keySet());
        int[] w = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            w[c] = cols.get(c).length();
            for (Map<String, Object> r : rows) {
                w[c] = Math.max(w[c], fmt(r.get(cols.get(c))).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cols.size(); c++) {
            sb.append(String.format("%-" + (w[c] + 2) + "s", cols.get(c)));
        }
        sb.append('\n');
        for (Map<String, Object> r : rows) {
            for (int c = 0; c < cols.size(); c++) {
                sb.append(String.format("%-" + (w[c] + 2) + "s", fmt(r.get(cols.get(c)))));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@code {"benchmark":..., "machine":{...}, "rows":[...]}} to a file.
     *
     * @param file the JSON file
     * @throws IOException if writing fails
     */
    public void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", name);
        root.put("machine", machine);
        root.put("rows", rows);
        root.putAll(extra);
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".bench-", ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), root);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String fmt(Object o) {
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            return Math.abs(d) >= 100 ? String.format("%.0f", d) : String.format("%.3f", d);
        }
        return String.valueOf(o);
    }
}
