package org.ead4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * DAPO's overlong reward shaping (Yu et al. 2025, arXiv 2503.14476, Eq. 13; verl
 * {@code reward_model.overlong_buffer}): a response longer than {@code maxLength - bufferLength}
 * loses {@code (length - (maxLength - bufferLength)) / bufferLength * penaltyFactor}, at most
 * {@code penaltyFactor}. The EAD paper disables it for all methods, so it is off by default.
 */
public class OverlongPenalty implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Apply the overlong penalty (verl overlong_buffer.enable). Default: false (EAD paper).")
    private boolean enabled = false;

    @Config(description = "Buffer length L_cache in tokens before the maximum response length (verl overlong_buffer.len). "
            + "Range [1, max response length]. DAPO: 4096 of 20480; default here 8 for short synthetic tasks.")
    private int bufferLength = 8;

    @Config(description = "Penalty at the maximum length (verl overlong_buffer.penalty_factor). Range [0, inf). Default: 1.0.")
    private double penaltyFactor = 1.0;

    /** For OLCUT; disabled. */
    public OverlongPenalty() {
    }

    /**
     * Creates an enabled or disabled penalty.
     *
     * @param enabled whether to apply it
     * @param bufferLength L_cache
     * @param penaltyFactor the penalty at the maximum length
     */
    public OverlongPenalty(boolean enabled, int bufferLength, double penaltyFactor) {
        this.enabled = enabled;
        this.bufferLength = bufferLength;
        this.penaltyFactor = penaltyFactor;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (bufferLength < 1) {
            throw new PropertyException("OverlongPenalty", "bufferLength", "bufferLength = " + bufferLength
                    + " is invalid: must be >= 1");
        }
        if (!(penaltyFactor >= 0) || Double.isInfinite(penaltyFactor)) {
            throw new PropertyException("OverlongPenalty", "penaltyFactor", "penaltyFactor = " + penaltyFactor
                    + " is invalid: must be finite and >= 0");
        }
    }

    /** @return whether the penalty is applied */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The (non-positive) reward change for a response.
     *
     * @param length response length in tokens
     * @param maxLength the maximum response length
     * @return min(-(length - (maxLength - buffer)) / buffer * factor, 0), or 0 when disabled
     */
    public double penalty(int length, int maxLength) {
        if (!enabled) {
            return 0.0;
        }
        int expected = maxLength - bufferLength;
        return Math.min(-(length - expected) / (double) bufferLength * penaltyFactor, 0.0);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OverlongPenalty");
    }
}
