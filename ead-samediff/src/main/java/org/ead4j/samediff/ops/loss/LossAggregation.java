package org.ead4j.samediff.ops.loss;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How per-token losses become one scalar: verl's {@code actor.loss_agg_mode}
 * ({@code verl/trainer/ppo/core_algos.py::agg_loss}). With mask m, per-token loss l, valid tokens
 * N = sum m, sequences S = rows with at least one valid token:
 * <pre>
 *   token-mean               sum_{b,t} m l / N                          (verl default, DAPO)
 *   seq-mean-token-sum       (1/S) sum_b sum_t m l
 *   seq-mean-token-mean      (1/S) sum_b (sum_t m l / sum_t m)          (GRPO paper)
 *   seq-mean-token-sum-norm  sum_{b,t} m l / loss_scale_factor          (Dr.GRPO, arXiv 2503.20783)
 * </pre>
 * Rows without valid tokens are left out of S, as verl does. {@code loss_scale_factor} is the
 * op argument {@link PolicyLossSpec#lossScaleFactor()}; 0 there means the padded width T of the
 * op's input, which is verl's divisor only when, as in verl, the mask is exactly the response padded
 * to the configured response length. ead4j's policy losses never pass 0: unless configured they
 * pass the trainer's maximum response length, a constant as Dr.GRPO intends.
 */
public enum LossAggregation {
    /** Mean over all valid tokens of the batch. */
    TOKEN_MEAN("token-mean"),
    /** Per-sequence token sum, averaged over sequences. */
    SEQ_MEAN_TOKEN_SUM("seq-mean-token-sum"),
    /** Per-sequence token mean, averaged over sequences. */
    SEQ_MEAN_TOKEN_MEAN("seq-mean-token-mean"),
    /** Sum over all valid tokens divided by a constant (Dr.GRPO). */
    SEQ_MEAN_TOKEN_SUM_NORM("seq-mean-token-sum-norm");

    private final String verlName;

    LossAggregation(String verlName) {
        this.verlName = verlName;
    }

    /** @return the name verl uses for this mode */
    public String verlName() {
        return verlName;
    }

    /**
     * Looks a mode up by its verl name.
     *
     * @param name a verl {@code loss_agg_mode} such as {@code "token-mean"}
     * @return the mode
     * @throws IllegalArgumentException naming the valid modes when {@code name} is unknown
     */
    public static LossAggregation fromVerlName(String name) {
        for (LossAggregation a : values()) {
            if (a.verlName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("Unknown loss_agg_mode '" + name + "'; valid: "
                + Arrays.stream(values()).map(LossAggregation::verlName).collect(Collectors.joining(", ")));
    }
}
