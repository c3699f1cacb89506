package org.ead4j.samediff.ops.loss;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Per-token estimators of KL(pi_theta || pi_ref) from the sampled token's log-probs, after
 * J. Schulman, "Approximating KL divergence" (2020), as in verl's {@code kl_penalty}
 * (key {@code actor.kl_loss_type}). With d = logp - ref_logp:
 * <pre>
 *   k1  (verl "kl")          d
 *   abs                      |d|
 *   k2  (verl "mse")         d^2 / 2
 *   k3  (verl "low_var_kl")  clamp(exp(-d') + d' - 1, -10, 10),  d' = clamp(d, -20, 20)
 * </pre>
 */
public enum KlEstimator {
    /** d = logp - ref_logp: unbiased, high variance. */
    K1("k1", "kl"),
    /** |logp - ref_logp|. */
    ABS("abs", "abs"),
    /** (logp - ref_logp)^2 / 2: low variance, biased. */
    K2("k2", "mse"),
    /** exp(ref - logp) - (ref - logp) - 1, clamped to [-10, 10]: unbiased, low variance (verl default). */
    K3("k3", "low_var_kl");

    private final String name;
    private final String verlAlias;

    KlEstimator(String name, String verlAlias) {
        this.name = name;
        this.verlAlias = verlAlias;
    }

    /** @return the short name (k1, abs, k2, k3) */
    public String shortName() {
        return name;
    }

    /** @return verl's long name (kl, abs, mse, low_var_kl) */
    public String verlAlias() {
        return verlAlias;
    }

    /**
     * Looks an estimator up by its short name or verl alias.
     *
     * @param name e.g. {@code "k3"} or {@code "low_var_kl"}
     * @return the estimator
     * @throws IllegalArgumentException naming the valid names when {@code name} is unknown
     */
    public static KlEstimator fromName(String name) {
        for (KlEstimator k : values()) {
            if (k.name.equals(name) || k.verlAlias.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("Unknown KL estimator '" + name + "'; valid: "
                + Arrays.stream(values()).map(k -> k.name + " (" + k.verlAlias + ")").collect(Collectors.joining(", ")));
    }
}
