package org.ead4j.loss;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The graph variables a {@link PolicyLoss} reads. Per-token variables are {@code [B, T]} (B
 * responses padded to T tokens), all of one real type (FLOAT or DOUBLE).
 *
 * <p>Required: {@code logProbs} (log pi_theta(y_t) from the policy graph, the {@code logProbs} or
 * {@code temperedLogProbs} output, differentiable), {@code oldLogProbs}, {@code advantages} (each
 * response's advantage broadcast over its tokens) and {@code responseMask} (1 = response token).
 * Optional: {@code behaviourLogProbs} (the sampler's, at tau_t; needed when importance sampling is
 * on), {@code referenceLogProbs} (needed when the KL penalty is on), {@code entropy} (per-token
 * entropy of pi_theta, differentiable; needed when the entropy coefficient is not 0) and
 * {@code selectionKey} (an integer scalar; needed by {@link ClipCovLoss}, see
 * {@link ClipCovLoss#selectionKey(long, long, long)}), and {@code maxResponseLength} (the configured
 * maximum response length; the divisor of {@code SEQ_MEAN_TOKEN_SUM_NORM} when the loss sets no
 * {@code lossScaleFactor} of its own).
 */
public final class LossInputs {

    private final SDVariable logProbs;
    private final SDVariable oldLogProbs;
    private final SDVariable advantages;
    private final SDVariable responseMask;
    private final SDVariable behaviourLogProbs;
    private final SDVariable referenceLogProbs;
    private final SDVariable entropy;
    private final SDVariable selectionKey;
    private final int maxResponseLength;

    private LossInputs(Builder b) {
        logProbs = b.logProbs;
        oldLogProbs = b.oldLogProbs;
        advantages = b.advantages;
        responseMask = b.responseMask;
        behaviourLogProbs = b.behaviourLogProbs;
        referenceLogProbs = b.referenceLogProbs;
        entropy = b.entropy;
        selectionKey = b.selectionKey;
        maxResponseLength = b.maxResponseLength;
    }

    /**
     * Starts a builder with the required inputs.
     *
     * @param logProbs log pi_theta(y_t), [B, T], differentiable
     * @param oldLogProbs log pi_theta_old(y_t), [B, T]
     * @param advantages per-token advantages, [B, T]
     * @param responseMask 1 for response tokens, 0 for padding, [B, T]
     * @return the builder
     */
    public static Builder builder(SDVariable logProbs, SDVariable oldLogProbs, SDVariable advantages,
                                  SDVariable responseMask) {
        return new Builder(logProbs, oldLogProbs, advantages, responseMask);
    }

    /** @return log pi_theta(y_t) */
    public SDVariable logProbs() {
        return logProbs;
    }

    /** @return log pi_theta_old(y_t) */
    public SDVariable oldLogProbs() {
        return oldLogProbs;
    }

    /** @return the per-token advantages */
    public SDVariable advantages() {
        return advantages;
    }

    /** @return the response mask */
    public SDVariable responseMask() {
        return responseMask;
    }

    /** @return the sampler's log-probs, or null */
    public SDVariable behaviourLogProbs() {
        return behaviourLogProbs;
    }

    /** @return the reference policy's log-probs, or null */
    public SDVariable referenceLogProbs() {
        return referenceLogProbs;
    }

    /** @return the per-token entropy, or null */
    public SDVariable entropy() {
        return entropy;
    }

    /** @return the Clip-Cov selection key, or null */
    public SDVariable selectionKey() {
        return selectionKey;
    }

    /** @return the configured maximum response length, or 0 when not set */
    public int maxResponseLength() {
        return maxResponseLength;
    }

    /** Builder for {@link LossInputs}. */
    public static final class Builder {
        private final SDVariable logProbs;
        private final SDVariable oldLogProbs;
        private final SDVariable advantages;
        private final SDVariable responseMask;
        private SDVariable behaviourLogProbs;
        private SDVariable referenceLogProbs;
        private SDVariable entropy;
        private SDVariable selectionKey;
        private int maxResponseLength;

        private Builder(SDVariable logProbs, SDVariable oldLogProbs, SDVariable advantages, SDVariable responseMask) {
            this.logProbs = Objects.requireNonNull(logProbs, "logProbs");
            this.oldLogProbs = Objects.requireNonNull(oldLogProbs, "oldLogProbs");
            this.advantages = Objects.requireNonNull(advantages, "advantages");
            this.responseMask = Objects.requireNonNull(responseMask, "responseMask");
        }

        /**
         * @param v the sampler's log-probs log softmax(z / tau_t)[y_t], [B, T]
         * @return this builder
         */
        public Builder behaviourLogProbs(SDVariable v) {
            behaviourLogProbs = v;
            return this;
        }

        /**
         * @param v the reference policy's log-probs, [B, T]
         * @return this builder
         */
        public Builder referenceLogProbs(SDVariable v) {
            referenceLogProbs = v;
            return this;
        }

        /**
         * @param v per-token entropy of pi_theta, [B, T], differentiable
         * @return this builder
         */
        public Builder entropy(SDVariable v) {
            entropy = v;
            return this;
        }

        /**
         * @param v integer scalar key for Clip-Cov's random selection
         * @return this builder
         */
        public Builder selectionKey(SDVariable v) {
            selectionKey = v;
            return this;
        }

        /**
         * @param tokens the configured maximum response length (the trainer's {@code maxResponseTokens}),
         *        Dr.GRPO's constant divisor; &gt; 0
         * @return this builder
         * @throws IllegalArgumentException when {@code tokens < 1}
         */
        public Builder maxResponseLength(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("maxResponseLength = " + tokens + " is invalid: must be >= 1");
            }
            maxResponseLength = tokens;
            return this;
        }

        /** @return the inputs */
        public LossInputs build() {
            return new LossInputs(this);
        }
    }
}
