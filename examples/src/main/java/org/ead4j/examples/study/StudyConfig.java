package org.ead4j.examples.study;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.SupervisedWarmStart;

/**
 * A study: the EAD paper's comparison (Yang et al. 2025, arXiv 2510.05251, Sec. 5) as one grid,
 * fixed in one file before anything runs. Methods (EAD, EAD + TIS, fixed tau 0.6 / 1.0 / 1.2) are
 * crossed with losses (GRPO, DAPO, Clip-Cov or KL-Cov) and seeds; every run starts from the same
 * supervised warm-start checkpoint (one warm start per study) and is the {@code trainer} template
 * with its schedule, loss, seed and initial checkpoint replaced. Optional parts: schedule ablations
 * (run with one loss) and the inference-time comparison (EAD vs fixed tau at evaluation, maj@N and
 * pass@N on trained checkpoints).
 *
 * <p>The protocol text is echoed into study.md; the numbers that decide the verdicts (interval
 * level, bootstrap draws and seed) are fields here, so they are fixed with the grid.
 */
public class StudyConfig implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "Study name, shown in study.md.")
    private String name = "ead-study";

    @Config(description = "The protocol, fixed before the run (what is compared, what is reported, how verdicts are "
            + "read; no per-seed tuning, no best-seed reporting). Echoed into study.md.")
    private String protocol = "";

    @Config(mandatory = true, description = "Template of every RL run: policy, task, optimiser, steps, batch shape, "
            + "evaluation. Its schedule, loss, seed and initial checkpoint are replaced per run.")
    private RlvrTrainer trainer;

    @Config(mandatory = true, description = "The supervised warm start, run once per study (trainer template with 0 "
            + "RL steps); every run starts from its checkpoint.")
    private SupervisedWarmStart warmStart;

    @Config(description = "Seed of the warm start (its data order and initialisation).")
    private long warmStartSeed = 42;

    @Config(mandatory = true, description = "The sampling methods compared (e.g. EAD, EAD + TIS, tau = 0.6, 1.0, 1.2).")
    private List<StudyArm> methods;

    @Config(description = "Labels of the methods compared against every other method (paired differences). "
            + "Default: the first method.")
    private List<String> references = new ArrayList<>();

    @Config(mandatory = true, description = "The policy losses each method is run with (e.g. GRPO, DAPO, KL-Cov).")
    private List<StudyLoss> losses;

    @Config(mandatory = true, description = "Run seeds; each (method, loss) runs once per seed. At least 2 (an "
            + "interval needs 2); the EAD paper's comparison calls for at least 3.")
    private long[] seeds;

    @Config(description = "Schedule ablations, run with the ablation loss and every seed when asked for "
            + "(--ablations) and compared with the first reference method. Default: none.")
    private List<StudyArm> ablations = new ArrayList<>();

    @Config(description = "Label of the loss the ablations and the inference-time comparison use. Default: the "
            + "first loss.")
    private String ablationLoss = "";

    @Config(description = "Schedules compared at inference time (evaluation only). Default: none (no comparison).")
    private List<StudyArm> inferenceSchedules = new ArrayList<>();

    @Config(description = "Methods whose trained checkpoint (ablation loss, first seed) is evaluated at inference "
            + "time, besides the warm start. Default: the first reference method.")
    private List<String> inferenceRuns = new ArrayList<>();

    @Config(description = "N values of the inference-time maj@N and pass@N. Default: 1, 2, 4, 8, 16.")
    private List<Integer> inferenceKs = new ArrayList<>(List.of(1, 2, 4, 8, 16));

    @Config(description = "Samples per prompt at inference time. Range [max N, inf). Default: 16.")
    private int inferenceSamples = 16;

    @Config(description = "Global step passed to the schedules at inference time (EAD paper: 0). Default: 0.")
    private long inferenceStep = 0;

    @Config(description = "Coverage of every interval. Default: 0.95.")
    private double level = 0.95;

    @Config(description = "Bootstrap resamples of the paired differences. Range [100, inf). Default: 10000.")
    private int bootstrapDraws = 10000;

    @Config(description = "Seed of the bootstrap resampling. Default: 7.")
    private long bootstrapSeed = 7;

    /** For OLCUT. */
    public StudyConfig() {
    }

    /**
     * Creates a study without ablations or inference-time comparison; add them with the setters.
     *
     * @param name the study name
     * @param protocol the protocol text
     * @param trainer the run template
     * @param warmStart the warm start
     * @param methods the methods
     * @param losses the losses
     * @param seeds the seeds
     */
    public StudyConfig(String name, String protocol, RlvrTrainer trainer, SupervisedWarmStart warmStart,
                       List<StudyArm> methods, List<StudyLoss> losses, long[] seeds) {
        this.name = name;
        this.protocol = protocol;
        this.trainer = trainer;
        this.warmStart = warmStart;
        this.methods = new ArrayList<>(methods);
        this.losses = new ArrayList<>(losses);
        this.seeds = seeds.clone();
        postConfig();
    }

    /**
     * Sets the schedule ablations.
     *
     * @param arms the ablation arms
     * @param loss label of the loss they (and the inference comparison) use
     * @return this
     */
    public StudyConfig withAblations(List<StudyArm> arms, String loss) {
        this.ablations = new ArrayList<>(arms);
        this.ablationLoss = loss;
        postConfig();
        return this;
    }

    /**
     * Sets the inference-time comparison.
     *
     * @param schedules the evaluation schedules
     * @param runs labels of the methods whose checkpoints are evaluated (besides the warm start)
     * @param ks the N values
     * @param samples samples per prompt
     * @return this
     */
    public StudyConfig withInference(List<StudyArm> schedules, List<String> runs, List<Integer> ks, int samples) {
        this.inferenceSchedules = new ArrayList<>(schedules);
        this.inferenceRuns = new ArrayList<>(runs);
        this.inferenceKs = new ArrayList<>(ks);
        this.inferenceSamples = samples;
        postConfig();
        return this;
    }

    /**
     * Sets the reference methods.
     *
     * @param labels method labels
     * @return this
     */
    public StudyConfig withReferences(List<String> labels) {
        this.references = new ArrayList<>(labels);
        postConfig();
        return this;
    }

    @Override
    public void postConfig() {
        String c = "StudyConfig";
        if (methods == null || methods.isEmpty()) {
            throw new PropertyException(c, "methods", "methods is empty: list at least one StudyArm");
        }
        if (losses == null || losses.isEmpty()) {
            throw new PropertyException(c, "losses", "losses is empty: list at least one StudyLoss");
        }
        unique(c, "methods", methods.stream().map(StudyArm::label).toList());
        unique(c, "losses", losses.stream().map(StudyLoss::label).toList());
        List<String> all = new ArrayList<>(methods.stream().map(StudyArm::label).toList());
        all.addAll(ablations.stream().map(StudyArm::label).toList());
        unique(c, "ablations", all);
        unique(c, "inferenceSchedules", inferenceSchedules.stream().map(StudyArm::label).toList());
        if (seeds == null || seeds.length < 2) {
            throw new PropertyException(c, "seeds", "seeds = " + (seeds == null ? "[]" : java.util.Arrays.toString(seeds))
                    + " is invalid: give at least 2 seeds (3 or more for the paper's comparison)");
        }
        Set<Long> s = new HashSet<>();
        for (long x : seeds) {
            if (!s.add(x)) {
                throw new PropertyException(c, "seeds", "seed " + x + " is listed twice");
            }
        }
        Set<String> labels = new HashSet<>(methods.stream().map(StudyArm::label).toList());
        for (String r : references) {
            if (!labels.contains(r)) {
                throw new PropertyException(c, "references", "reference '" + r + "' is not a method label; methods: "
                        + labels);
            }
        }
        for (String r : inferenceRuns) {
            if (!labels.contains(r)) {
                throw new PropertyException(c, "inferenceRuns", "'" + r + "' is not a method label; methods: " + labels);
            }
        }
        if (!ablationLoss.isEmpty() && losses.stream().noneMatch(l -> l.label().equals(ablationLoss))) {
            throw new PropertyException(c, "ablationLoss", "ablationLoss = '" + ablationLoss + "' is not a loss label; "
                    + "losses: " + losses.stream().map(StudyLoss::label).toList());
        }
        if (inferenceKs.isEmpty()) {
            throw new PropertyException(c, "inferenceKs", "inferenceKs is empty: give N values, e.g. 1, 2, 4, 8, 16");
        }
        for (int k : inferenceKs) {
            if (k < 1 || k > inferenceSamples) {
                throw new PropertyException(c, "inferenceKs", "N = " + k + " is invalid: must be in [1, inferenceSamples = "
                        + inferenceSamples + "]");
            }
        }
        if (inferenceStep < 0) {
            throw new PropertyException(c, "inferenceStep", "inferenceStep = " + inferenceStep + " is invalid: must be >= 0");
        }
        if (!(level > 0 && level < 1)) {
            throw new PropertyException(c, "level", "level = " + level + " is invalid: must be in (0, 1), e.g. 0.95");
        }
        if (bootstrapDraws < 100) {
            throw new PropertyException(c, "bootstrapDraws", "bootstrapDraws = " + bootstrapDraws
                    + " is invalid: must be >= 100");
        }
    }

    private static void unique(String c, String field, List<String> labels) {
        Set<String> seen = new HashSet<>();
        Set<String> slugs = new HashSet<>();
        for (String l : labels) {
            if (!seen.add(l)) {
                throw new PropertyException(c, field, "label '" + l + "' is used twice; labels must be unique");
            }
            if (!slugs.add(StudyPlan.slug(l))) {
                throw new PropertyException(c, field, "label '" + l + "' gives the same run id as another label ('"
                        + StudyPlan.slug(l) + "'); rename one");
            }
        }
    }

    /** @return the study name */
    public String name() {
        return name;
    }

    /** @return the protocol text */
    public String protocol() {
        return protocol;
    }

    /** @return the run template */
    public RlvrTrainer trainer() {
        return trainer;
    }

    /** @return the warm start */
    public SupervisedWarmStart warmStart() {
        return warmStart;
    }

    /** @return the warm start's seed */
    public long warmStartSeed() {
        return warmStartSeed;
    }

    /** @return the methods */
    public List<StudyArm> methods() {
        return List.copyOf(methods);
    }

    /** @return the reference method labels (the first method when none are given) */
    public List<String> references() {
        return references.isEmpty() ? List.of(methods.get(0).label()) : List.copyOf(references);
    }

    /** @return the losses */
    public List<StudyLoss> losses() {
        return List.copyOf(losses);
    }

    /** @return the seeds */
    public long[] seeds() {
        return seeds.clone();
    }

    /** @return the ablation arms */
    public List<StudyArm> ablations() {
        return List.copyOf(ablations);
    }

    /** @return the loss of the ablations and the inference comparison */
    public StudyLoss ablationLoss() {
        return ablationLoss.isEmpty() ? losses.get(0)
                : losses.stream().filter(l -> l.label().equals(ablationLoss)).findFirst().orElseThrow();
    }

    /** @return the inference-time schedules */
    public List<StudyArm> inferenceSchedules() {
        return List.copyOf(inferenceSchedules);
    }

    /** @return the methods whose checkpoints are evaluated at inference time */
    public List<String> inferenceRuns() {
        return inferenceRuns.isEmpty() ? List.of(references().get(0)) : List.copyOf(inferenceRuns);
    }

    /** @return the inference-time N values */
    public List<Integer> inferenceKs() {
        return List.copyOf(inferenceKs);
    }

    /** @return samples per prompt at inference time */
    public int inferenceSamples() {
        return inferenceSamples;
    }

    /** @return the global step given to the inference-time schedules */
    public long inferenceStep() {
        return inferenceStep;
    }

    /** @return the interval coverage */
    public double level() {
        return level;
    }

    /** @return bootstrap resamples */
    public int bootstrapDraws() {
        return bootstrapDraws;
    }

    /** @return the bootstrap seed */
    public long bootstrapSeed() {
        return bootstrapSeed;
    }

    /**
     * Finds a method by label.
     *
     * @param label the label
     * @return the method, if any
     */
    public Optional<StudyArm> method(String label) {
        return methods.stream().filter(m -> m.label().equals(label)).findFirst();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StudyConfig");
    }
}
