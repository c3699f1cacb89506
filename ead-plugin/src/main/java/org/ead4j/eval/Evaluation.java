package org.ead4j.eval;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.TemperatureSchedule;

/**
 * How a policy is evaluated: n samples per evaluation prompt at a given schedule (a constant
 * temperature, greedy, or EAD for the paper's inference-time use), scored with pass@k, worst@k,
 * mean@k, maj@k and verl's bootstrap best@k/worst@k.
 *
 * <p>The EAD paper validates with n = 16 and reports verl's bootstrap best@16/worst@16 as
 * "Pass@16"/"Worst@16"; every training arm must be evaluated with the same schedule for a fair
 * comparison, so this schedule is independent of the training schedule (default tau = 1).
 */
public class Evaluation implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Samples per evaluation prompt n. Range [1, inf). EAD paper: 16.")
    private int samples = 16;

    @Config(description = "Evaluate on at most this many evaluation prompts (the first ones); 0 = all.")
    private int maxPrompts = 0;

    @Config(description = "Sampling schedule at evaluation (ConstantTemperature 0 = greedy). Default: tau = 1.")
    private TemperatureSchedule schedule = new ConstantTemperature(1.0);

    @Config(description = "k values for pass@k, worst@k, maj@k (each <= samples). Default: 1, 4, 16.")
    private List<Integer> ks = new ArrayList<>(List.of(1, 4, 16));

    @Config(description = "Bootstrap draws for verl's best@k/worst@k/maj@k. verl: 1000.")
    private int bootstrapDraws = 1000;

    /** For OLCUT. */
    public Evaluation() {
    }

    /**
     * Creates an evaluation setting.
     *
     * @param samples samples per prompt
     * @param maxPrompts prompt limit (0 = all)
     * @param schedule sampling schedule
     * @param ks k values
     */
    public Evaluation(int samples, int maxPrompts, TemperatureSchedule schedule, List<Integer> ks) {
        this.samples = samples;
        this.maxPrompts = maxPrompts;
        this.schedule = schedule;
        this.ks = new ArrayList<>(ks);
        postConfig();
    }

    @Override
    public void postConfig() {
        if (samples < 1) {
            throw new PropertyException("Evaluation", "samples", "samples = " + samples + " is invalid: must be >= 1");
        }
        if (maxPrompts < 0) {
            throw new PropertyException("Evaluation", "maxPrompts", "maxPrompts = " + maxPrompts
                    + " is invalid: must be >= 0 (0 = all)");
        }
        if (ks == null || ks.isEmpty()) {
            throw new PropertyException("Evaluation", "ks", "ks is empty: give at least one k, e.g. 1, 16");
        }
        for (int k : ks) {
            if (k < 1 || k > samples) {
                throw new PropertyException("Evaluation", "ks", "k = " + k + " is invalid: must be in [1, samples = "
                        + samples + "]");
            }
        }
        if (bootstrapDraws < 1) {
            throw new PropertyException("Evaluation", "bootstrapDraws", "bootstrapDraws = " + bootstrapDraws
                    + " is invalid: must be >= 1");
        }
        if (schedule == null) {
            throw new PropertyException("Evaluation", "schedule", "schedule is missing");
        }
    }

    /** @return samples per prompt */
    public int samples() {
        return samples;
    }

    /** @return the prompt limit, 0 = all */
    public int maxPrompts() {
        return maxPrompts;
    }

    /** @return the sampling schedule */
    public TemperatureSchedule schedule() {
        return schedule;
    }

    /** @return the k values */
    public List<Integer> ks() {
        return List.copyOf(ks);
    }

    /** @return bootstrap draws */
    public int bootstrapDraws() {
        return bootstrapDraws;
    }

    /**
     * A copy with another schedule and sample count (inference-time comparisons).
     *
     * @param otherSchedule the schedule
     * @param otherSamples samples per prompt
     * @param otherKs k values
     * @return the new setting
     */
    public Evaluation with(TemperatureSchedule otherSchedule, int otherSamples, List<Integer> otherKs) {
        Evaluation e = new Evaluation(otherSamples, maxPrompts, otherSchedule, otherKs);
        e.bootstrapDraws = bootstrapDraws;
        return e;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Evaluation");
    }
}
