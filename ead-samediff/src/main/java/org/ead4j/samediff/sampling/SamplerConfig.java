package org.ead4j.samediff.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Truncation applied after the temperature, in the order vLLM documents: top-k, then top-p
 * (nucleus) on the renormalised kept set, then min-p. Defaults switch all three off, as in verl's
 * rollout defaults ({@code top_k=-1}, {@code top_p=1}).
 */
public class SamplerConfig implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "top_k: keep the k most likely tokens; 0 = off. Range [0, vocab]. verl default: off (-1).")
    private int topK = 0;

    @Config(description = "top_p: keep the smallest set of most likely tokens whose mass reaches p; 1 = off. "
            + "Range (0, 1]. verl default: 1.")
    private double topP = 1.0;

    @Config(description = "min_p: keep tokens with probability >= min_p times the top token's; 0 = off. "
            + "Range [0, 1]. Default: off.")
    private double minP = 0.0;

    /** For OLCUT; no truncation. */
    public SamplerConfig() {
    }

    /**
     * Creates a truncation setting.
     *
     * @param topK top-k (0 = off)
     * @param topP top-p (1 = off)
     * @param minP min-p (0 = off)
     */
    public SamplerConfig(int topK, double topP, double minP) {
        this.topK = topK;
        this.topP = topP;
        this.minP = minP;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (topK < 0) {
            throw new PropertyException("SamplerConfig", "topK", "topK = " + topK + " is invalid: must be >= 0 (0 = off)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new PropertyException("SamplerConfig", "topP", "topP = " + topP + " is invalid: must be in (0, 1]");
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new PropertyException("SamplerConfig", "minP", "minP = " + minP + " is invalid: must be in [0, 1]");
        }
    }

    /** @return top-k, 0 = off */
    public int topK() {
        return topK;
    }

    /** @return top-p, 1 = off */
    public double topP() {
        return topP;
    }

    /** @return min-p, 0 = off */
    public double minP() {
        return minP;
    }

    /** @return true when any truncation is switched on */
    public boolean truncates() {
        return topK > 0 || topP < 1.0 || minP > 0.0;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "SamplerConfig");
    }

    @Override
    public String toString() {
        return "SamplerConfig(topK=" + topK + ", topP=" + topP + ", minP=" + minP + ")";
    }
}
