package org.ead4j.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.data.JsonlLine;
import org.ead4j.data.JsonlLines;

/**
 * Reads scored rollouts from JSONL, one line per response:
 * <pre>
 *   {"prompt_id": "countdown/eval/3", "reward": 1.0, "correct": true, "answer": "20", "data_source": "countdown"}
 * </pre>
 * <ul>
 *   <li>{@code prompt_id}: a non-empty string or an integer; lines with the same id are one prompt's
 *       samples, in file order;</li>
 *   <li>{@code reward} (a finite number) and/or {@code correct} (true/false or 1/0): at least one.
 *       Without {@code correct}, a response is correct when {@code reward >= correctThreshold};
 *       without {@code reward}, the reward is 1 for correct and 0 otherwise;</li>
 *   <li>{@code answer} (optional, string or number; null = none): the extracted answer for maj@k,
 *       which is reported only when some line has an answer;</li>
 *   <li>{@code data_source} (optional string, default {@code "unknown"}): must be the same on all lines
 *       of a prompt.</li>
 * </ul>
 * File rules and errors ({@code FILE:LINE: ...}) are {@link JsonlLines}'s.
 *
 * @param file the file read
 * @param sha256 the SHA-256 of its bytes, lowercase hex
 * @param prompts one entry per prompt, in order of first appearance
 */
public record RolloutsFile(Path file, String sha256, List<PromptSamples> prompts) {

    /** Data source of lines without {@code data_source}. */
    public static final String UNKNOWN_SOURCE = "unknown";

    /**
     * Copies the prompt list.
     *
     * @param file the file read
     * @param sha256 the SHA-256 of its bytes
     * @param prompts the samples per prompt
     */
    public RolloutsFile {
        prompts = List.copyOf(prompts);
    }

    /**
     * Reads and groups a rollouts file.
     *
     * @param file the JSONL file
     * @param correctThreshold a reward at or above this counts as correct when {@code correct} is absent
     * @param maxLineBytes the longest line allowed, in bytes
     * @return the grouped samples
     * @throws IOException if the file cannot be read
     * @throws org.ead4j.data.JsonlFormatException if a line is invalid
     */
    public static RolloutsFile read(Path file, double correctThreshold, long maxLineBytes) throws IOException {
        JsonlLines lines = JsonlLines.read(file, maxLineBytes);
        Map<String, Group> groups = new LinkedHashMap<>();
        boolean anyAnswer = false;
        for (JsonlLine line : lines.lines()) {
            String id = line.requiredId("prompt_id");
            if (id.isEmpty()) {
                throw line.error("empty prompt_id");
            }
            Double reward = line.optionalNumber("reward");
            Boolean correct = line.optionalBoolean("correct");
            if (reward == null && correct == null) {
                throw line.error("needs 'reward' (a number) or 'correct' (true/false): neither is present");
            }
            if (reward == null) {
                reward = correct ? 1.0 : 0.0;
            }
            if (correct == null) {
                correct = reward >= correctThreshold;
            }
            String answer = line.stringOrNumber("answer", false);
            anyAnswer |= answer != null;
            String source = line.optionalString("data_source");
            if (source == null) {
                source = UNKNOWN_SOURCE;
            } else if (source.isEmpty()) {
                throw line.error("empty data_source: omit the field or name the source");
            }
            Group g = groups.get(id);
            if (g == null) {
                g = new Group(source, line.number());
                groups.put(id, g);
            } else if (!g.source.equals(source)) {
                throw line.error("prompt_id '" + id + "' has data_source '" + source + "' but '" + g.source
                        + "' on line " + g.firstLine + ": a prompt has one data source");
            }
            g.rewards.add(reward);
            g.correct.add(correct);
            g.answers.add(answer);
        }
        List<PromptSamples> out = new ArrayList<>(groups.size());
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            out.add(e.getValue().toSamples(e.getKey(), anyAnswer));
        }
        return new RolloutsFile(file, lines.sha256(), out);
    }

    /** The lines of one prompt so far. */
    private static final class Group {
        final String source;
        final int firstLine;
        final List<Double> rewards = new ArrayList<>();
        final List<Boolean> correct = new ArrayList<>();
        final List<String> answers = new ArrayList<>();

        Group(String source, int firstLine) {
            this.source = source;
            this.firstLine = firstLine;
        }

        PromptSamples toSamples(String id, boolean withAnswers) {
            int n = rewards.size();
            double[] r = new double[n];
            boolean[] c = new boolean[n];
            for (int i = 0; i < n; i++) {
                r[i] = rewards.get(i);
                c[i] = correct.get(i);
            }
            return new PromptSamples(id, source, r, c, withAnswers ? answers.toArray(new String[0]) : null);
        }
    }
}
