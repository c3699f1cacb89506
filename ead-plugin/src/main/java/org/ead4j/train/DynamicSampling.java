package org.ead4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * DAPO's dynamic sampling (Yu et al. 2025, arXiv 2503.14476, Sec. 3.2; verl
 * {@code algorithm.filter_groups}): groups whose rewards are all equal carry no GRPO signal and
 * are dropped; more prompts are generated, up to {@code maxGenerationBatches} batches per step,
 * until the step has {@code promptsPerStep} informative groups (or the bound is hit, then the step
 * trains on what it has). Off by default, as in the EAD paper.
 */
public class DynamicSampling implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Drop groups with all-equal rewards and refill (verl algorithm.filter_groups.enable). "
            + "Default: false (EAD paper).")
    private boolean enabled = false;

    @Config(description = "Maximum generation batches per step (verl filter_groups.max_num_gen_batches). "
            + "Range [1, inf). DAPO recipe: 10; default here 3.")
    private int maxGenerationBatches = 3;

    /** For OLCUT; disabled. */
    public DynamicSampling() {
    }

    /**
     * Creates the setting.
     *
     * @param enabled whether to filter and refill
     * @param maxGenerationBatches bound on generation batches per step
     */
    public DynamicSampling(boolean enabled, int maxGenerationBatches) {
        this.enabled = enabled;
        this.maxGenerationBatches = maxGenerationBatches;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (maxGenerationBatches < 1) {
            throw new PropertyException("DynamicSampling", "maxGenerationBatches", "maxGenerationBatches = "
                    + maxGenerationBatches + " is invalid: must be >= 1");
        }
    }

    /** @return whether groups are filtered */
    public boolean enabled() {
        return enabled;
    }

    /** @return generation batches per step in the prompt stream (1 when disabled) */
    public int batchesPerStep() {
        return enabled ? maxGenerationBatches : 1;
    }

    /**
     * Whether a group carries signal: some reward differs from the others.
     *
     * @param rewards the group's rewards
     * @return false when all rewards are equal (or the group has one member)
     */
    public static boolean informative(double[] rewards) {
        for (int i = 1; i < rewards.length; i++) {
            if (rewards[i] != rewards[0]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "DynamicSampling");
    }
}
