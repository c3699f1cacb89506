package org.ead4j.samediff.ops.loss;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The entries of {@link PolicyLossOp}'s diagnostics vector, in order: entry {@code d.ordinal()} of
 * the vector holds {@code d}. Keys follow verl's {@code actor/...} metric names where one exists.
 * "Valid tokens" are those with mask 1; fractions and means are over valid tokens unless noted.
 */
public enum LossDiagnostic {
    /** The aggregated policy-gradient term (after TIS weighting, before the KL and entropy terms). */
    PG_LOSS("loss/pg_loss"),
    /** The aggregated KL-to-reference term, before its coefficient (verl {@code actor/kl_loss}). */
    KL_LOSS("loss/kl_loss"),
    /** The aggregated entropy, before its coefficient. */
    ENTROPY_LOSS("loss/entropy_loss"),
    /** Token-mean entropy (verl {@code actor/entropy}); at whatever temperature the entropy input was computed. */
    ENTROPY_MEAN("loss/entropy"),
    /** Token-mean of old_logp - logp, with logp - old clamped to [-20, 20] as for the ratio (verl {@code actor/ppo_kl}). */
    PPO_KL("loss/ppo_kl"),
    /** Share of tokens whose PPO-clipped branch is active (verl {@code actor/pg_clipfrac}); 0 for KL-Cov. */
    CLIP_FRAC("loss/pg_clipfrac"),
    /** Share of tokens clipped at the low end (A &lt; 0, r &lt; 1 - eps_low). */
    CLIP_FRAC_LOW("loss/pg_clipfrac_low"),
    /** Share of tokens clipped at the high end (A &gt; 0, r &gt; 1 + eps_high). */
    CLIP_FRAC_HIGH("loss/pg_clipfrac_high"),
    /** Share of tokens with A &lt; 0 bounded by the dual clip -A c (verl {@code actor/pg_clipfrac_lower}). */
    DUAL_CLIP_FRAC("loss/pg_clipfrac_dual"),
    /** Share of tokens selected by Clip-Cov (masked out) or KL-Cov (penalised); 0 for vanilla. */
    COV_SELECTED_FRAC("loss/cov_selected_frac"),
    /** Token-mean of the ratio r = exp(clamp(logp - old, -20, 20)). */
    RATIO_MEAN("loss/ratio_mean"),
    /** Maximum of the ratio over valid tokens. */
    RATIO_MAX("loss/ratio_max"),
    /**
     * Mean importance weight before truncation: over valid tokens (token level and OFF) or over
     * sequences (sequence level); log-weights are clamped at 20 so the value stays finite.
     */
    IS_WEIGHT_MEAN_RAW("loss/is_weight_mean_raw"),
    /** Maximum importance weight before truncation (same units as {@link #IS_WEIGHT_MEAN_RAW}). */
    IS_WEIGHT_MAX_RAW("loss/is_weight_max_raw"),
    /** Mean of the weight actually applied (1 when the correction is OFF). */
    IS_WEIGHT_MEAN("loss/is_weight_mean"),
    /** Maximum of the weight actually applied. */
    IS_WEIGHT_MAX("loss/is_weight_max"),
    /** Share of tokens (token level) or sequences (sequence level) whose weight was truncated at the cap. */
    IS_TRUNCATED_FRAC("loss/is_truncated_frac"),
    /** Token-mean of the KL estimator against the reference policy (computed even when its coefficient is 0). */
    KL_REF_MEAN("loss/kl_ref_mean"),
    /** Number of valid tokens N. */
    VALID_TOKENS("loss/valid_tokens");

    /** Length of the diagnostics vector. */
    public static final int COUNT = values().length;

    private final String key;

    LossDiagnostic(String key) {
        this.key = key;
    }

    /** @return the metric key, e.g. {@code loss/pg_clipfrac} */
    public String key() {
        return key;
    }

    /**
     * Reads this entry from a diagnostics vector.
     *
     * @param diagnostics the op's diagnostics output, length {@link #COUNT}
     * @return the value
     */
    public double get(INDArray diagnostics) {
        return diagnostics.getDouble(ordinal());
    }

    /**
     * Names every entry of a diagnostics vector.
     *
     * @param diagnostics the op's diagnostics output, length {@link #COUNT}
     * @return metric key to value, in vector order
     */
    public static Map<String, Double> toMap(INDArray diagnostics) {
        if (diagnostics.length() != COUNT) {
            throw new IllegalArgumentException("diagnostics vector has " + diagnostics.length()
                    + " entries, expected " + COUNT);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (LossDiagnostic d : values()) {
            m.put(d.key, diagnostics.getDouble(d.ordinal()));
        }
        return m;
    }
}
