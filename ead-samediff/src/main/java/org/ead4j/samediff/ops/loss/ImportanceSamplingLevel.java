package org.ead4j.samediff.ops.loss;

/**
 * Granularity of the truncated importance weight that corrects for sampling from a behaviour
 * policy (EAD's annealed sampler at tau_t) other than the old target policy (tau = 1).
 * Names follow TRL's {@code importance_sampling_level} and verl's {@code rollout_is}.
 */
public enum ImportanceSamplingLevel {
    /** No correction: weight 1 (the EAD paper's released recipe). */
    OFF,
    /** Per token: w_t = min(exp(old_t - behaviour_t), cap) (EAD-TIS as coded by the authors, verl {@code imp_ratio_cap}). */
    TOKEN,
    /**
     * Per sequence: w = min(exp(sum_t (old_t - behaviour_t)), cap) on every token of the sequence
     * (the EAD paper's App. B formula).
     */
    SEQUENCE
}
