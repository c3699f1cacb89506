package org.ead4j.rollout;

/**
 * The temperature at which the learner computes log pi_theta (old and new log-probs, hence the
 * PPO ratio).
 */
public enum ActorTemperature {
    /**
     * verl's behaviour, which the EAD paper used: a fixed-temperature run trains at its own
     * temperature (logits / tau in the actor; on-policy for pi(.; tau)); an annealed schedule
     * trains at tau = 1, and its off-policy gap is left to truncated importance sampling.
     */
    VERL,
    /** Always tau = 1. */
    ONE,
    /** The temperature each token was sampled at (tau_t): on-policy for the annealed sampler. */
    SAMPLING;

    /**
     * The actor temperature for one token.
     *
     * @param samplingTau tau_t the token was sampled at
     * @param constantTau the schedule's temperature when constant, else NaN
     * @return the temperature to divide logits by
     */
    public double tau(double samplingTau, double constantTau) {
        switch (this) {
            case ONE:
                return 1.0;
            case SAMPLING:
                return samplingTau > 0 ? samplingTau : 1.0;
            case VERL:
            default:
                return Double.isNaN(constantTau) || constantTau <= 0 ? 1.0 : constantTau;
        }
    }
}
