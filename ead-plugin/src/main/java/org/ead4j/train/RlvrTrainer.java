package org.ead4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.advantage.AdvantageEstimator;
import org.ead4j.advantage.GrpoAdvantage;
import org.ead4j.eval.Evaluation;
import org.ead4j.loss.DapoLoss;
import org.ead4j.loss.PolicyLoss;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.samediff.decode.DecoderOptions;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.SchedulePreset;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.ead4j.task.Task;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.tokenizer.Tokenizer;

/**
 * RLVR with EAD: the experiment's root component. Every knob of a run is a {@code @Config} field
 * here or in a nested component, so the run's provenance records it and a replay rebuilds it.
 *
 * <p>One RL step s (counted from 1, as verl does; evaluation before training is step 0):
 * rollouts of {@code samplesPerPrompt} responses for {@code promptsPerStep} prompts at the
 * schedule's step-s temperatures, rewards from the task's verifier (bounded by a timeout), optional
 * overlong shaping, group advantages, optional dynamic sampling, then {@code ppoEpochs} passes over
 * {@code miniBatches} mini-batches with the configured loss and AdamW, then a weight sync into the
 * decoder. Defaults follow the EAD paper's released recipe where it applies (GRPO advantages,
 * clip 0.2/0.28, token-mean, no KL, no entropy bonus, no TIS, no dynamic sampling, no overlong
 * shaping) and are scaled down for the bundled tiny tasks elsewhere (prompts, samples, lengths, lr).
 * {@link TrainingSession} runs it.
 */
public class RlvrTrainer implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "The policy transformer's architecture and init seed. May be left out when initialModel is "
            + "set: the model's config.json then gives it.")
    PolicyConfig policy;

    @Config(mandatory = true, description = "The task: training/evaluation problems and their verifier.")
    Task task;

    @Config(description = "Tokenizer; its vocabulary size must equal the policy's. Default: CharTokenizer.")
    Tokenizer tokenizer = new CharTokenizer();

    @Config(description = "Rollout temperature schedule. Default: EAD with the authors' released code scale (k = 20).")
    TemperatureSchedule schedule = SchedulePreset.RELEASED_CODE.create();

    @Config(description = "Rollout truncation (top-k/top-p/min-p). Default: none (verl).")
    SamplerConfig sampler = new SamplerConfig();

    @Config(description = "Rollout decoder kernels (threads; when a projection uses Nd4j.gemm instead of the Java "
            + "kernel, which changes results in the last bits). Default: DecoderOptions.defaults().")
    DecoderOptions decoderOptions = DecoderOptions.defaults();

    @Config(description = "Advantage estimator. Default: GRPO (EAD paper).")
    AdvantageEstimator advantage = new GrpoAdvantage();

    @Config(description = "Policy loss. Default: DAPO-style clip-higher 0.2/0.28 with token-mean (EAD released recipe).")
    PolicyLoss loss = new DapoLoss();

    @Config(description = "Optimiser for the RL updates. Default: AdamW lr 1e-3, clip 1.0 (tiny models; paper: 1e-6 "
            + "for 1.5B models).")
    AdamW optimizer = new AdamW(1e-3);

    @Config(description = "Supervised warm start run before RL when no initial checkpoint is given; unset = none.")
    SupervisedWarmStart warmStart;

    @Config(description = "Low-rank adapters (PEFT LoRA: r, alpha, target modules) on a frozen base; only the adapters "
            + "are trained and get optimiser state. Needs a LLAMA, QWEN2 or QWEN3 policy. Unset = full fine-tuning.")
    LoraConfig lora;

    @Config(description = "Directory of a policy checkpoint (ead4j format) to start RL from, e.g. a warm start.")
    String initialCheckpoint;

    @Config(description = "A Hugging Face model folder (config.json + safetensors; Llama, Qwen2 or Qwen3) to start RL "
            + "from. Its config.json gives the policy's shape (a configured policy must equal it).")
    String initialModel;

    @Config(description = "Expected SHA-256 of the initial checkpoint's weights; checked when set, so a replay "
            + "cannot silently start from other weights.")
    String initialWeightsSha256;

    @Config(description = "DAPO dynamic sampling. Default: off (EAD paper).")
    DynamicSampling dynamicSampling = new DynamicSampling();

    @Config(description = "DAPO overlong reward shaping. Default: off (EAD paper).")
    OverlongPenalty overlongPenalty = new OverlongPenalty();

    @Config(description = "Evaluation setting (n, schedule, k values).")
    Evaluation evaluation = new Evaluation();

    @Config(description = "Run seed: every random choice (data order, sampling, Clip-Cov draws) derives from it.")
    long seed = 42;

    @Config(description = "Number of RL steps. Range [0, inf).")
    int steps = 50;

    @Config(description = "Prompts per RL step (verl data.train_batch_size). Range [1, inf). Paper: 1024; default 16.")
    int promptsPerStep = 16;

    @Config(description = "Samples per prompt, the group size n (verl rollout.n). Range [1, inf). Paper: 4-16; "
            + "default 8.")
    int samplesPerPrompt = 8;

    @Config(description = "Maximum response length in tokens (verl data.max_response_length). Paper: 3072; default 24.")
    int maxResponseTokens = 24;

    @Config(description = "Passes over each step's batch (verl actor.ppo_epochs). Default: 1.")
    int ppoEpochs = 1;

    @Config(description = "Mini-batches per epoch, i.e. optimiser updates per step (verl: train_batch_size / "
            + "ppo_mini_batch_size, 4 in the EAD recipe). Default: 1.")
    int miniBatches = 1;

    @Config(description = "Rows per forward/backward pass within a mini-batch; gradients are accumulated over these "
            + "micro-batches with the mini-batch's loss normaliser, so a step's activation memory does not grow with "
            + "the batch (verl actor.ppo_micro_batch_size_per_gpu). 0 = the whole mini-batch at once. Default: 0.")
    int microBatchRows = 0;

    @Config(description = "Linear learning-rate warm-up in RL steps (verl lr_warmup_steps). Default: 0.")
    int lrWarmupSteps = 0;

    @Config(description = "Temperature of the learner's log-probs: VERL (a constant schedule trains at its tau, an "
            + "annealed one at tau = 1; EAD paper), ONE, or SAMPLING (tau_t).")
    ActorTemperature actorTemperature = ActorTemperature.VERL;

    @Config(description = "Hard time limit per verifier call in milliseconds (a timeout scores 0). Default: 2000.")
    long verifierTimeoutMillis = 2000;

    @Config(description = "Write a checkpoint every this many steps (and after the last). 0 = only after the last.")
    int checkpointEvery = 10;

    @Config(description = "Checkpoints kept (the newest). Range [1, inf). Default: 3.")
    int keepCheckpoints = 3;

    @Config(description = "Evaluate every this many steps (and after the last); 0 = only after the last.")
    int evalEvery = 10;

    @Config(description = "Evaluate before the first step (step 0), as verl's val_before_train. Default: true.")
    boolean evalBeforeTraining = true;

    @Config(description = "What to do when a loss or gradient is NaN/inf: STOP (default; the step is not applied "
            + "and the run ends with the last good checkpoint intact) or SKIP (the mini-batch is dropped). NaN/inf "
            + "logits in a rollout or evaluation always stop the run (the weights are broken; skipping cannot help).")
    NonFinitePolicy onNonFinite = NonFinitePolicy.STOP;

    @Config(description = "Most sequences decoded in one batch. Default: 256.")
    int rolloutBatchRows = 256;

    /** What to do when a loss or gradient is not finite. */
    public enum NonFinitePolicy {
        /** Do not apply the step; stop the run. */
        STOP,
        /** Drop the offending mini-batch and continue. */
        SKIP
    }

    /** For OLCUT. */
    public RlvrTrainer() {
    }

    /**
     * Creates a trainer with the given policy and task and defaults elsewhere; use the fluent
     * {@code with...} methods to change the rest.
     *
     * @param policy the policy architecture
     * @param task the task
     */
    public RlvrTrainer(PolicyConfig policy, Task task) {
        this.policy = policy;
        this.task = task;
        postConfig();
    }

    @Override
    public void postConfig() {
        String c = "RlvrTrainer";
        if (initialModel != null) {
            policy = InitialModel.policyConfig(c, initialModel, policy, initialCheckpoint);
        }
        if (policy == null) {
            throw new PropertyException(c, "policy", "policy is missing: configure a PolicyConfig, or name a Hugging "
                    + "Face model folder in initialModel");
        }
        if (task == null) {
            throw new PropertyException(c, "task", "task is missing");
        }
        if (decoderOptions == null) {
            throw new PropertyException(c, "decoderOptions", "decoderOptions is missing");
        }
        // a pretrained model's embedding may have more rows than its tokenizer has ids (Qwen: 151936 vs 151669)
        boolean pretrained = policy.architecture().isHuggingFace();
        if (pretrained ? tokenizer.vocabSize() > policy.vocabSize() : tokenizer.vocabSize() != policy.vocabSize()) {
            throw new PropertyException(c, "policy", "policy.vocabSize = " + policy.vocabSize()
                    + (pretrained ? " is smaller than" : " does not match") + " the tokenizer's vocabulary size "
                    + tokenizer.vocabSize());
        }
        if (lora != null && !policy.architecture().isHuggingFace()) {
            throw new PropertyException(c, "lora", "lora is set but policy.architecture = " + policy.architecture()
                    + ": LoRA needs LLAMA, QWEN2 or QWEN3");
        }
        positive(c, "promptsPerStep", promptsPerStep);
        positive(c, "samplesPerPrompt", samplesPerPrompt);
        positive(c, "maxResponseTokens", maxResponseTokens);
        positive(c, "ppoEpochs", ppoEpochs);
        positive(c, "miniBatches", miniBatches);
        positive(c, "keepCheckpoints", keepCheckpoints);
        positive(c, "rolloutBatchRows", rolloutBatchRows);
        nonNegative(c, "steps", steps);
        nonNegative(c, "microBatchRows", microBatchRows);
        nonNegative(c, "lrWarmupSteps", lrWarmupSteps);
        nonNegative(c, "checkpointEvery", checkpointEvery);
        nonNegative(c, "evalEvery", evalEvery);
        if (verifierTimeoutMillis < 1) {
            throw new PropertyException(c, "verifierTimeoutMillis", "verifierTimeoutMillis = " + verifierTimeoutMillis
                    + " is invalid: must be >= 1");
        }
        if (schedule.temperature(0, 1) == 0 && schedule.temperature(maxResponseTokens - 1, 1) == 0) {
            throw new PropertyException(c, "schedule", "a greedy schedule (tau = 0) cannot train: every group would "
                    + "hold identical responses; use tau > 0");
        }
        if (initialWeightsSha256 != null && !initialWeightsSha256.matches("[0-9a-f]{64}")) {
            throw new PropertyException(c, "initialWeightsSha256", "initialWeightsSha256 = '" + initialWeightsSha256
                    + "' is not 64 lowercase hex digits");
        }
    }

    private static void positive(String c, String field, long v) {
        if (v < 1) {
            throw new PropertyException(c, field, field + " = " + v + " is invalid: must be >= 1");
        }
    }

    private static void nonNegative(String c, String field, long v) {
        if (v < 0) {
            throw new PropertyException(c, field, field + " = " + v + " is invalid: must be >= 0");
        }
    }

    /**
     * Sets the schedule.
     *
     * @param s the rollout temperature schedule
     * @return this
     */
    public RlvrTrainer withSchedule(TemperatureSchedule s) {
        this.schedule = s;
        postConfig();
        return this;
    }

    /**
     * Sets the loss.
     *
     * @param l the policy loss
     * @return this
     */
    public RlvrTrainer withLoss(PolicyLoss l) {
        this.loss = l;
        return this;
    }

    /**
     * Sets the advantage estimator.
     *
     * @param a the estimator
     * @return this
     */
    public RlvrTrainer withAdvantage(AdvantageEstimator a) {
        this.advantage = a;
        return this;
    }

    /**
     * Sets the optimiser.
     *
     * @param o the optimiser configuration
     * @return this
     */
    public RlvrTrainer withOptimizer(AdamW o) {
        this.optimizer = o;
        return this;
    }

    /**
     * Sets the supervised warm start (used when no initial checkpoint is given).
     *
     * @param w the warm start, or null for none
     * @return this
     */
    public RlvrTrainer withWarmStart(SupervisedWarmStart w) {
        this.warmStart = w;
        return this;
    }

    /**
     * Trains low-rank adapters on a frozen base instead of every weight.
     *
     * @param l the adapters, or null for full fine-tuning
     * @return this
     * @throws PropertyException naming lora when the policy is not a Hugging Face family
     */
    public RlvrTrainer withLora(LoraConfig l) {
        this.lora = l;
        postConfig();
        return this;
    }

    /**
     * Starts RL from a checkpoint directory.
     *
     * @param dir the checkpoint directory
     * @param weightsSha256 its expected weights hash, or null not to check
     * @return this
     */
    public RlvrTrainer withInitialCheckpoint(String dir, String weightsSha256) {
        this.initialCheckpoint = dir;
        this.initialWeightsSha256 = weightsSha256;
        postConfig();
        return this;
    }

    /**
     * Sets the evaluation.
     *
     * @param e the evaluation setting
     * @param every evaluate every this many steps (0 = only at the end)
     * @param before evaluate before the first step
     * @return this
     */
    public RlvrTrainer withEvaluation(Evaluation e, int every, boolean before) {
        this.evaluation = e;
        this.evalEvery = every;
        this.evalBeforeTraining = before;
        postConfig();
        return this;
    }

    /**
     * Sets the run length and batch shape.
     *
     * @param steps RL steps
     * @param promptsPerStep prompts per step
     * @param samplesPerPrompt group size n
     * @param maxResponseTokens maximum response length
     * @return this
     */
    public RlvrTrainer withSteps(int steps, int promptsPerStep, int samplesPerPrompt, int maxResponseTokens) {
        this.steps = steps;
        this.promptsPerStep = promptsPerStep;
        this.samplesPerPrompt = samplesPerPrompt;
        this.maxResponseTokens = maxResponseTokens;
        postConfig();
        return this;
    }

    /**
     * Sets the seed.
     *
     * @param s the run seed
     * @return this
     */
    public RlvrTrainer withSeed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * Sets the checkpoint cadence.
     *
     * @param every checkpoint every this many steps (0 = only at the end)
     * @param keep checkpoints kept
     * @return this
     */
    public RlvrTrainer withCheckpoints(int every, int keep) {
        this.checkpointEvery = every;
        this.keepCheckpoints = keep;
        postConfig();
        return this;
    }

    /**
     * Sets dynamic sampling and overlong shaping.
     *
     * @param ds dynamic sampling
     * @param op overlong penalty
     * @return this
     */
    public RlvrTrainer withDapoOptions(DynamicSampling ds, OverlongPenalty op) {
        this.dynamicSampling = ds;
        this.overlongPenalty = op;
        return this;
    }

    /**
     * Sets the learner's temperature convention.
     *
     * @param a the convention
     * @return this
     */
    public RlvrTrainer withActorTemperature(ActorTemperature a) {
        this.actorTemperature = a;
        return this;
    }

    /**
     * Sets the non-finite guard.
     *
     * @param p STOP or SKIP
     * @return this
     */
    public RlvrTrainer withNonFinitePolicy(NonFinitePolicy p) {
        this.onNonFinite = p;
        return this;
    }

    /**
     * Sets PPO epochs and mini-batches per step.
     *
     * @param epochs PPO epochs
     * @param mini mini-batches per epoch
     * @return this
     */
    public RlvrTrainer withUpdates(int epochs, int mini) {
        this.ppoEpochs = epochs;
        this.miniBatches = mini;
        postConfig();
        return this;
    }

    /**
     * Sets the rows per forward/backward pass within a mini-batch (gradient accumulation).
     *
     * @param rows rows per micro-batch, 0 = the whole mini-batch
     * @return this
     */
    public RlvrTrainer withMicroBatchRows(int rows) {
        this.microBatchRows = rows;
        postConfig();
        return this;
    }

    /** @return the policy configuration */
    public PolicyConfig policy() {
        return policy;
    }

    /** @return the task */
    public Task task() {
        return task;
    }

    /** @return the tokenizer */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** @return the rollout schedule */
    public TemperatureSchedule schedule() {
        return schedule;
    }

    /** @return the rollout decoder's kernel settings (recorded in provenance with the rest of the trainer) */
    public DecoderOptions decoderOptions() {
        return decoderOptions;
    }

    /** @return the sampler settings */
    public SamplerConfig sampler() {
        return sampler;
    }

    /** @return the evaluation setting */
    public Evaluation evaluation() {
        return evaluation;
    }

    /** @return the run seed */
    public long seed() {
        return seed;
    }

    /** @return the number of RL steps */
    public int steps() {
        return steps;
    }

    /** @return the maximum response length */
    public int maxResponseTokens() {
        return maxResponseTokens;
    }

    /** @return the Hugging Face model folder the run starts from, or null */
    public String initialModel() {
        return initialModel;
    }

    /** @return checkpoint every this many RL steps (0 = only at the end) */
    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** @return how many checkpoints are kept */
    public int keepCheckpoints() {
        return keepCheckpoints;
    }

    /** @return the rollout batch bound */
    public int rolloutBatchRows() {
        return rolloutBatchRows;
    }

    /** @return the verifier time limit in ms */
    public long verifierTimeoutMillis() {
        return verifierTimeoutMillis;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "RlvrTrainer");
    }
}
