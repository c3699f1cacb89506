package org.ead4j.metrics;

import java.util.Objects;

/**
 * The n scored samples of one prompt, the unit the metrics work on.
 *
 * @param promptId the prompt's id
 * @param dataSource its data source (for per-source metrics)
 * @param rewards the reward of each sample (best@k, worst@k, mean@k), finite
 * @param correct whether each sample is correct (pass@k, pass^k, maj@k)
 * @param answers the extracted answer of each sample for maj@k, entries null where none; or null
 *                when no answers were recorded (maj@k is then skipped)
 */
public record PromptSamples(String promptId, String dataSource, double[] rewards, boolean[] correct, String[] answers) {

    /**
     * Validates the fields.
     *
     * @param promptId the prompt's id
     * @param dataSource its data source
     * @param rewards reward per sample
     * @param correct correctness per sample
     * @param answers extracted answer per sample, or null
     */
    public PromptSamples {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(dataSource, "dataSource");
        if (rewards.length == 0) {
            throw new IllegalArgumentException("prompt " + promptId + " has no samples");
        }
        if (correct.length != rewards.length || answers != null && answers.length != rewards.length) {
            throw new IllegalArgumentException("prompt " + promptId + ": " + rewards.length + " rewards, "
                    + correct.length + " correct flags" + (answers == null ? "" : ", " + answers.length + " answers")
                    + ": all must have one entry per sample");
        }
        for (double r : rewards) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("prompt " + promptId + ": reward " + r + " is not finite");
            }
        }
    }

    /**
     * Samples with binary rewards (reward 1 for correct, 0 otherwise) and no answers.
     *
     * @param promptId the prompt's id
     * @param dataSource its data source
     * @param correct whether each sample is correct
     * @return the samples
     */
    public static PromptSamples binary(String promptId, String dataSource, boolean[] correct) {
        double[] r = new double[correct.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = correct[i] ? 1.0 : 0.0;
        }
        return new PromptSamples(promptId, dataSource, r, correct.clone(), null);
    }

    /** @return the number of samples n */
    public int n() {
        return rewards.length;
    }

    /** @return the number of correct samples c */
    public int numCorrect() {
        int c = 0;
        for (boolean b : correct) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    /** @return the mean reward */
    public double meanReward() {
        double s = 0;
        for (double r : rewards) {
            s += r;
        }
        return s / rewards.length;
    }

    /** @return the population standard deviation of the rewards (verl's std@N) */
    public double stdReward() {
        double m = meanReward();
        double s = 0;
        for (double r : rewards) {
            s += (r - m) * (r - m);
        }
        return Math.sqrt(s / rewards.length);
    }
}
