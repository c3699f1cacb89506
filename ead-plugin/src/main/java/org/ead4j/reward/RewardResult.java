package org.ead4j.reward;

import java.util.Objects;

/**
 * The verdict on one response.
 *
 * @param score the reward (e.g. 1 correct, 0 wrong, or a verifier's format score)
 * @param reason why the score was given
 * @param extracted the answer extracted from the response in canonical form (e.g. {@code "1/2"} for
 *                  {@code \boxed{0.5}}), used for maj@k voting; null when nothing was extracted
 * @param detail a short human-readable explanation (e.g. "division by zero"), never null
 */
public record RewardResult(double score, Reason reason, String extracted, String detail) {

    /** Why a response got its score. */
    public enum Reason {
        /** The answer is correct. */
        OK,
        /** An answer was found and understood, but it is wrong (or breaks a rule of the task). */
        WRONG,
        /** No answer could be found in the response. */
        NO_ANSWER,
        /** An answer was found but could not be parsed (or is too large, too deeply nested, too long). */
        UNPARSEABLE,
        /** Verification ran past its time limit. */
        TIMEOUT,
        /** The verifier failed with an exception (a defect in the verifier, logged). */
        ERROR
    }

    /**
     * Validates the fields.
     *
     * @param score the reward
     * @param reason why
     * @param extracted the canonical extracted answer, or null
     * @param detail a short explanation
     */
    public RewardResult {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score " + score + " is not finite");
        }
    }

    /** @return whether the answer was judged correct */
    public boolean correct() {
        return reason == Reason.OK;
    }

    /**
     * A correct verdict.
     *
     * @param score the reward
     * @param extracted the canonical extracted answer
     * @return the result
     */
    public static RewardResult ok(double score, String extracted) {
        return new RewardResult(score, Reason.OK, extracted, "correct");
    }

    /**
     * A verdict other than correct.
     *
     * @param score the reward
     * @param reason why
     * @param extracted the canonical extracted answer, or null
     * @param detail a short explanation
     * @return the result
     */
    public static RewardResult of(double score, Reason reason, String extracted, String detail) {
        return new RewardResult(score, reason, extracted, detail);
    }
}
