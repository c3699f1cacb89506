package org.ead4j.advantage;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * Turns outcome rewards, grouped by prompt, into one advantage per response (verl
 * {@code algorithm.adv_estimator}). The trainer broadcasts each response's advantage over its
 * tokens before the policy loss.
 *
 * <p>Every estimator returns exactly 0 for every response of a group whose rewards are all equal
 * (no learning signal) before any batch-level normalisation; see each class for groups of size 1.
 */
public interface AdvantageEstimator extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Computes advantages.
     *
     * @param rewardsByGroup {@code rewards[g][i]}: reward of response i to prompt g (finite; each
     *                       group non-empty)
     * @param responseLengthsByGroup {@code lengths[g][i]}: number of response tokens (mask sum) of
     *                               the same response, same shape as the rewards; needed only by
     *                               estimators that weight by tokens ({@link #needsResponseLengths()}),
     *                               may be null for the others
     * @return {@code advantages[g][i]}, same shape as the rewards
     * @throws IllegalArgumentException for empty groups, non-finite rewards, mismatched shapes or
     *         a group too small for the estimator; the message names the group
     */
    double[][] advantages(double[][] rewardsByGroup, int[][] responseLengthsByGroup);

    /**
     * Whether {@link #advantages} reads the response lengths.
     *
     * @return true if the lengths must be given
     */
    default boolean needsResponseLengths() {
        return false;
    }
}
