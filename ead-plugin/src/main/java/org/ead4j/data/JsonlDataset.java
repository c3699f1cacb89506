package org.ead4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Problems from a JSONL file in the MATH/GSM8K style, one object per line:
 * <pre>
 *   {"id": "gsm8k-17", "prompt": "Natalia sold ...", "answer": "72", "data_source": "gsm8k"}
 * </pre>
 * <ul>
 *   <li>{@code id}: a non-empty string or an integer, unique in the file;</li>
 *   <li>{@code prompt}: a non-blank string;</li>
 *   <li>{@code answer}: a non-blank string or a JSON number (kept as written, e.g. {@code 1.50});</li>
 *   <li>{@code data_source} (optional): a non-empty string; default: the loader's {@code defaultDataSource};</li>
 *   <li>{@code solution} (optional): a reference response for the supervised warm start;</li>
 *   <li>other fields are ignored (e.g. MATH's {@code level}, {@code type}).</li>
 * </ul>
 * File-level rules (UTF-8, line limit, blank lines skipped, one object per line, no empty file) are
 * {@link JsonlLines}'s. Every error is a {@link JsonlFormatException} naming the file and line; a
 * duplicate id names both lines.
 */
public final class JsonlDataset {

    private final Path path;
    private final String sha256;
    private final List<Problem> problems;

    private JsonlDataset(Path path, String sha256, List<Problem> problems) {
        this.path = path;
        this.sha256 = sha256;
        this.problems = problems;
    }

    /**
     * Loads a file with the default line limit (1 MiB) and the file name (without extension) as the
     * default data source.
     *
     * @param file the JSONL file
     * @return the dataset
     * @throws IOException if the file cannot be read
     * @throws JsonlFormatException if a line is invalid
     */
    public static JsonlDataset load(Path file) throws IOException {
        return load(file, JsonlLines.DEFAULT_MAX_LINE_BYTES, null);
    }

    /**
     * Loads a file.
     *
     * @param file the JSONL file
     * @param maxLineBytes the longest line allowed, in bytes
     * @param defaultDataSource the data source of records without {@code data_source}; null or empty
     *                          for the file name without its extension
     * @return the dataset
     * @throws IOException if the file cannot be read
     * @throws JsonlFormatException if a line is invalid
     */
    public static JsonlDataset load(Path file, long maxLineBytes, String defaultDataSource) throws IOException {
        JsonlLines lines = JsonlLines.read(file, maxLineBytes);
        String fallbackSource = defaultDataSource == null || defaultDataSource.isEmpty()
                ? stem(file) : defaultDataSource;
        Map<String, Integer> firstLine = new HashMap<>();
        List<Problem> problems = new ArrayList<>(lines.lines().size());
        for (JsonlLine line : lines.lines()) {
            String id = line.requiredId("id");
            if (id.isEmpty()) {
                throw line.error("empty id: field 'id' must be a non-empty string or an integer");
            }
            Integer previous = firstLine.putIfAbsent(id, line.number());
            if (previous != null) {
                throw line.error("duplicate id '" + shorten(id) + "' on lines " + previous + " and " + line.number()
                        + ": ids must be unique");
            }
            String prompt = line.requiredString("prompt");
            if (prompt.isBlank()) {
                throw line.error("empty prompt for id '" + shorten(id) + "'");
            }
            String answer = line.stringOrNumber("answer", true);
            if (answer.isBlank()) {
                throw line.error("empty answer for id '" + shorten(id) + "'");
            }
            String source = line.optionalString("data_source");
            if (source != null && source.isEmpty()) {
                throw line.error("empty data_source for id '" + shorten(id) + "': omit the field or name the source");
            }
            String solution = line.optionalString("solution");
            problems.add(new Problem(id, prompt, answer, source == null ? fallbackSource : source, solution));
        }
        return new JsonlDataset(file, lines.sha256(), List.copyOf(problems));
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** @return the file loaded */
    public Path path() {
        return path;
    }

    /** @return the SHA-256 of the file's bytes, lowercase hex, for provenance */
    public String sha256() {
        return sha256;
    }

    /** @return the problems in file order */
    public List<Problem> problems() {
        return problems;
    }

    /** @return the number of problems */
    public int size() {
        return problems.size();
    }
}
