package org.ead4j.metrics;

/**
 * Metric key names, stable across runs (rlvr-peers.md Sec. 5 and 6). Per-k keys put k after {@code @}
 * ({@code pass@16}); verl's bootstrap versions add {@code /bootstrap} and {@code /bootstrap_std};
 * per-source keys are {@code source/<name>/<key>}.
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

    private MetricKeys() {
    }

    /**
     * The key {@code pass@k}: unbiased pass@k (Chen et al.).
     *
     * @param k subset size
     * @return the key
     */
    public static String pass(int k) {
        return "pass@" + k;
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
        return "worst@" + k;
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
        return "source/" + source + "/" + key;
    }
}
