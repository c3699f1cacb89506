package org.ead4j.provenance;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.TemperatureSchedule;

/** A stand-in for the RLVR trainer: a root component nesting a schedule, a sampler, a loss and a dataset. */
public class FakeTrainer implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** A stand-in for an enum-typed knob. */
    public enum Aggregation { TOKEN_MEAN, SEQ_MEAN }

    @Config(mandatory = true, description = "number of RL steps")
    private int steps;

    @Config(description = "learning rate")
    private double learningRate = 1e-6;

    @Config(description = "temperature schedule")
    private TemperatureSchedule schedule = new ExploratoryAnnealing();

    @Config(description = "truncation")
    private SamplerConfig sampler = new SamplerConfig();

    @Config(description = "policy loss")
    private FakeLoss loss = new FakeLoss();

    @Config(description = "dataset")
    private FakeDataset dataset = new FakeDataset();

    @Config(description = "loss aggregation")
    private Aggregation aggregation = Aggregation.TOKEN_MEAN;

    @Config(description = "evaluation k values")
    private List<Integer> evalK = List.of(1, 16);

    @Config(description = "free-form tags")
    private Map<String, String> tags = Map.of();

    /** For OLCUT. */
    public FakeTrainer() {
    }

    /**
     * Creates a trainer.
     *
     * @param steps steps
     * @param learningRate learning rate
     * @param schedule schedule
     * @param sampler sampler
     * @param loss loss
     * @param dataset dataset
     */
    public FakeTrainer(int steps, double learningRate, TemperatureSchedule schedule, SamplerConfig sampler,
                       FakeLoss loss, FakeDataset dataset) {
        this.steps = steps;
        this.learningRate = learningRate;
        this.schedule = schedule;
        this.sampler = sampler;
        this.loss = loss;
        this.dataset = dataset;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (steps <= 0) {
            throw new PropertyException("FakeTrainer", "steps", "steps = " + steps + " is invalid: must be > 0");
        }
    }

    /** @return steps */
    public int steps() {
        return steps;
    }

    /** @return learning rate */
    public double learningRate() {
        return learningRate;
    }

    /** @return schedule */
    public TemperatureSchedule schedule() {
        return schedule;
    }

    /** @return sampler */
    public SamplerConfig sampler() {
        return sampler;
    }

    /** @return loss */
    public FakeLoss loss() {
        return loss;
    }

    /** @return dataset */
    public FakeDataset dataset() {
        return dataset;
    }

    /** @return aggregation */
    public Aggregation aggregation() {
        return aggregation;
    }

    /** @return eval k values */
    public List<Integer> evalK() {
        return evalK;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Trainer");
    }
}
