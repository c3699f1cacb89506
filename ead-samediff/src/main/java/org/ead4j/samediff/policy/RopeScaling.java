package org.ead4j.samediff.policy;

/** How the rotary frequencies are rescaled for long contexts (Hugging Face {@code rope_scaling.rope_type}). */
public enum RopeScaling {
    /** Plain rotary frequencies {@code theta^(-2i/d)}. */
    NONE,
    /**
     * Llama 3.1's three-band rescaling (transformers' {@code _compute_llama3_parameters}): wavelengths above
     * {@code originalMax / lowFreqFactor} are divided by {@code factor}, those below
     * {@code originalMax / highFreqFactor} are kept, and the band between is interpolated smoothly.
     */
    LLAMA3
}
