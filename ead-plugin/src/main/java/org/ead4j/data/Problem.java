package org.ead4j.data;

import java.util.Objects;

/**
 * One prompt with a verifiable answer.
 *
 * @param id unique within its dataset (train and eval together), non-empty
 * @param prompt the text the policy continues, non-empty
 * @param answer the ground truth the verifier checks against (its format is the verifier's: an
 *               integer for arithmetic, {@code "3 8 4>20"} for Countdown, a number or LaTeX for MATH)
 * @param dataSource the source name for per-source metrics (verl's {@code data_source}), non-empty
 * @param referenceSolution a response that earns full reward, for the supervised warm start
 *                          (teacher forcing on prompt + solution); null when there is none
 */
public record Problem(String id, String prompt, String answer, String dataSource, String referenceSolution) {

    /**
     * Validates the fields.
     *
     * @param id unique id
     * @param prompt the prompt
     * @param answer the ground truth
     * @param dataSource the source name
     * @param referenceSolution a full-reward response, or null
     */
    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(dataSource, "dataSource");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("problem id is empty");
        }
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("problem " + id + ": prompt is empty");
        }
        if (dataSource.isEmpty()) {
            throw new IllegalArgumentException("problem " + id + ": dataSource is empty");
        }
    }

    /**
     * A problem without a reference solution.
     *
     * @param id unique id
     * @param prompt the prompt
     * @param answer the ground truth
     * @param dataSource the source name
     */
    public Problem(String id, String prompt, String answer, String dataSource) {
        this(id, prompt, answer, dataSource, null);
    }

    /** @return whether a reference solution is present */
    public boolean hasReferenceSolution() {
        return referenceSolution != null;
    }
}
