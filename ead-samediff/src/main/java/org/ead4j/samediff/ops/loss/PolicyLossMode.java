package org.ead4j.samediff.ops.loss;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The per-token policy-gradient surrogate, named as verl's {@code actor.policy_loss.loss_mode}.
 * GRPO and DAPO are both {@link #VANILLA}, differing only in clip ranges and aggregation.
 */
public enum PolicyLossMode {
    /**
     * PPO clip (Schulman et al. 2017, arXiv 1707.06347) with asymmetric clip range (DAPO's
     * clip-higher) and optional dual clip for negative advantages (Ye et al. 2019, arXiv 1912.09729).
     */
    VANILLA("vanilla"),
    /** Clip-Cov (Cui et al. 2025, arXiv 2505.22617): PPO clip, plus a random share of high-covariance tokens masked out. */
    CLIP_COV("clip_cov"),
    /** KL-Cov (Cui et al. 2025, arXiv 2505.22617): unclipped -A r, plus beta |logp - old| on the top-covariance tokens. */
    KL_COV("kl_cov");

    private final String verlName;

    PolicyLossMode(String verlName) {
        this.verlName = verlName;
    }

    /** @return the name verl uses for this mode */
    public String verlName() {
        return verlName;
    }

    /**
     * Looks a mode up by its verl name.
     *
     * @param name a verl {@code loss_mode} such as {@code "vanilla"}
     * @return the mode
     * @throws IllegalArgumentException naming the valid modes when {@code name} is unknown
     */
    public static PolicyLossMode fromVerlName(String name) {
        for (PolicyLossMode m : values()) {
            if (m.verlName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown loss_mode '" + name + "'; valid: "
                + Arrays.stream(values()).map(PolicyLossMode::verlName).collect(Collectors.joining(", ")));
    }
}
