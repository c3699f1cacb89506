package org.ead4j.metrics;

/**
 * Metric key names, stable across runs (rlvr-peers.md Sec. 5 and 6). Per-k keys put k after {@code @}
 * ({@code pass@16}); verl's bootstrap versions add {@code /bootstrap} and {@code /bootstrap_std};
 * per-source keys are {@code source/<name>/<key>}. Every metric name the trainer, the evaluator,
 * the CLI and the examples write or read is defined here; the loss terms are
 * {@code org.ead4j.samediff.ops.loss.LossDiagnostic} keys ({@code loss/...}).
 */
public final class MetricKeys {

    /** Number of prompts. */
    public static final String PROMPTS = "prompts";
    /** Number of responses (samples). */
    public static final String RESPONSES = "responses";
    /** Mean reward per prompt, averaged over prompts (verl {@code mean@N}). */
    public static final String MEAN = "mean";
    /** Population std of the rewards per prompt, averaged over prompts (verl {@code std@N}). */
    public static final String STD = "std";

    /** Training diagnostic: mean reward of a step's responses (TRL {@code reward}). */
    public static final String REWARD_MEAN = "reward/mean";
    /** Training diagnostic: population std of a step's rewards over all responses. */
    public static final String REWARD_STD = "reward/std";
    /** Training diagnostic: mean over groups of the within-group reward std (TRL {@code reward_std}). */
    public static final String REWARD_GROUP_STD = "reward/group_std_mean";
    /** Training diagnostic: share of groups whose rewards are all equal (TRL {@code frac_reward_zero_std}). */
    public static final String REWARD_FRAC_ZERO_STD = "reward/frac_zero_std";
    /** Training diagnostic: mean response length in tokens. */
    public static final String LENGTH_MEAN = "response_length/mean";
    /** Training diagnostic: longest response in tokens. */
    public static final String LENGTH_MAX = "response_length/max";
    /** Training diagnostic: shortest response in tokens. */
    public static final String LENGTH_MIN = "response_length/min";
    /** Training diagnostic: share of responses cut at the length limit (verl {@code response_length/clip_ratio}). */
    public static final String LENGTH_CLIP_RATIO = "response_length/clip_ratio";

    /** The step a log line belongs to (steps.jsonl and eval.jsonl). */
    public static final String STEP = "step";

    /** Warm start (supervised fine-tuning): the step's cross-entropy loss. */
    public static final String SFT_LOSS = "sft/loss";
    /** Warm start (supervised fine-tuning): the step's gradient norm. */
    public static final String SFT_GRAD_NORM = "sft/grad_norm";

    /** Training: accuracy (share of correct responses) of the kept groups. */
    public static final String ACC_MEAN = "acc/mean";
    /** Training: mean entropy of the actor over response tokens (the loss's {@code loss/entropy}). */
    public static final String ACTOR_ENTROPY = "actor/entropy";
    /** Training: mean loss over the step's updates. */
    public static final String ACTOR_LOSS = "actor/loss";
    /** Training: mean gradient norm over the step's updates. */
    public static final String ACTOR_GRAD_NORM = "actor/grad_norm";
    /** Training: the step's learning rate (after warm-up). */
    public static final String ACTOR_LR = "actor/lr";
    /** Training: optimiser updates applied in the step. */
    public static final String ACTOR_UPDATES = "actor/updates";

    /** Prefix of the sampled-temperature summaries. */
    public static final String ROLLOUT_TAU_PREFIX = "rollout/tau";
    /** Rollout: smallest tau_t over the step's sampled tokens. */
    public static final String ROLLOUT_TAU_MIN = ROLLOUT_TAU_PREFIX + "_min";
    /** Rollout: mean tau_t over the step's sampled tokens. */
    public static final String ROLLOUT_TAU_MEAN = ROLLOUT_TAU_PREFIX + "_mean";
    /** Rollout: largest tau_t over the step's sampled tokens. */
    public static final String ROLLOUT_TAU_MAX = ROLLOUT_TAU_PREFIX + "_max";
    /** Rollout: mean |target - behaviour log-prob| over sampled tokens. */
    public static final String ROLLOUT_LOGP_DIFF_MEAN = "rollout/logp_diff_mean";
    /** Rollout: largest |target - behaviour log-prob| over sampled tokens. */
    public static final String ROLLOUT_LOGP_DIFF_MAX = "rollout/logp_diff_max";
    /** Rollout: generation batches of the step (more than 1 when dynamic sampling refills). */
    public static final String ROLLOUT_GEN_BATCHES = "rollout/gen_batches";
    /** Rollout: groups kept for the update. */
    public static final String ROLLOUT_GROUPS_KEPT = "rollout/groups_kept";
    /** Rollout: responses whose verification timed out. */
    public static final String ROLLOUT_VERIFIER_TIMEOUTS = "rollout/verifier_timeouts";

    /** Prefix of wall-time fields (they differ between otherwise identical runs). */
    public static final String TIME_PREFIX = "time/";
    /** Wall time of the step's rollouts and rewards, seconds. */
    public static final String TIME_ROLLOUT_S = TIME_PREFIX + "rollout_s";
    /** Wall time of the step's update, seconds. */
    public static final String TIME_UPDATE_S = TIME_PREFIX + "update_s";
    /** Wall time of the whole step, seconds. */
    public static final String TIME_STEP_S = TIME_PREFIX + "step_s";

    /** Non-finite guard: mini-batches skipped or stopped at. */
    public static final String GUARD_NON_FINITE_UPDATES = "guard/non_finite_updates";
    /** Non-finite guard: the first non-finite tensor (loss, grad/NAME, logits, param/NAME). */
    public static final String GUARD_NON_FINITE_TENSOR = "guard/non_finite_tensor";
    /** Non-finite guard: where it appeared: rollout, update or eval. */
    public static final String GUARD_NON_FINITE_PHASE = "guard/non_finite_phase";
    /** Non-finite guard: the message of the failure. */
    public static final String GUARD_DETAIL = "guard/detail";

    /** Prefix of evaluation metrics (eval.jsonl). */
    public static final String EVAL_PREFIX = "eval/";
    /** Evaluation: mean reward ({@link #MEAN}). */
    public static final String EVAL_MEAN = EVAL_PREFIX + MEAN;
    /** Evaluation: mean per-token entropy of the sampler's distribution. */
    public static final String EVAL_ENTROPY = EVAL_PREFIX + "entropy";
    /** Evaluation: mean response length. */
    public static final String EVAL_RESPONSE_LENGTH = EVAL_PREFIX + "response_length";
    /** Evaluation: share of responses cut at the maximum length. */
    public static final String EVAL_TRUNCATION = EVAL_PREFIX + "truncation";

    /** The prefix of {@link #pass(int)} keys. */
    public static final String PASS_AT = "pass@";
    /** The prefix of {@link #worst(int)} keys. */
    public static final String WORST_AT = "worst@";

    /** Prefix of per-source keys. */
    public static final String SOURCE_PREFIX = "source/";

    private MetricKeys() {
    }

    /**
     * An evaluation key.
     *
     * @param key a report key such as {@code pass@16}
     * @return {@code eval/<key>}
     */
    public static String eval(String key) {
        return EVAL_PREFIX + key;
    }

    /**
     * A schedule parameter logged per step.
     *
     * @param parameter the schedule's parameter name, e.g. {@code d_s}
     * @return {@code schedule/<parameter>}
     */
    public static String schedule(String parameter) {
        return "schedule/" + parameter;
    }

    /**
     * The schedule's temperature at a fixed response position, logged per step.
     *
     * @param position the token position t
     * @return {@code schedule/tau@<t>}
     */
    public static String scheduleTau(int position) {
        return schedule("tau@" + position);
    }

    /**
     * The prefix of one data source's keys.
     *
     * @param source the data source
     * @return {@code source/<source>/}
     */
    public static String sourcePrefix(String source) {
        return SOURCE_PREFIX + source + "/";
    }

    /**
     * The key {@code pass@k}: unbiased pass@k (Chen et al.).
     *
     * @param k subset size
     * @return the key
     */
    public static String pass(int k) {
        return PASS_AT + k;
    }

    /**
     * The key {@code pass^k}: unbiased chance that all k are correct.
     *
     * @param k subset size
     * @return the key
     */
    public static String passHat(int k) {
        return "pass^" + k;
    }

    /**
     * The key {@code best@k}: unbiased expected best reward of k.
     *
     * @param k subset size
     * @return the key
     */
    public static String best(int k) {
        return "best@" + k;
    }

    /**
     * The key {@code worst@k}: unbiased expected worst reward of k.
     *
     * @param k subset size
     * @return the key
     */
    public static String worst(int k) {
        return WORST_AT + k;
    }

    /**
     * The key {@code mean@k}: expected mean reward of k (= mean for every k).
     *
     * @param k subset size
     * @return the key
     */
    public static String mean(int k) {
        return "mean@" + k;
    }

    /**
     * The key {@code maj@k}: expected majority-vote correctness of k, without replacement.
     *
     * @param k subset size
     * @return the key
     */
    public static String maj(int k) {
        return "maj@" + k;
    }

    /**
     * The key {@code prompts@k}: prompts with at least k samples (when small groups are skipped).
     *
     * @param k subset size
     * @return the key
     */
    public static String prompts(int k) {
        return "prompts@" + k;
    }

    /**
     * verl's bootstrap version of a per-k metric.
     *
     * @param key {@link #best}, {@link #worst} or {@link #maj} of some k
     * @return {@code <key>/bootstrap}
     */
    public static String bootstrap(String key) {
        return key + "/bootstrap";
    }

    /**
     * The std over bootstrap draws of a per-k metric (verl's {@code best@k/std}).
     *
     * @param key {@link #best}, {@link #worst} or {@link #maj} of some k
     * @return {@code <key>/bootstrap_std}
     */
    public static String bootstrapStd(String key) {
        return key + "/bootstrap_std";
    }

    /**
     * A key restricted to one data source.
     *
     * @param source the data source
     * @param key the overall key
     * @return {@code source/<source>/<key>}
     */
    public static String source(String source, String key) {
        return sourcePrefix(source) + key;
    }
}
