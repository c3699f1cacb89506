package org.ead4j.samediff.policy;

/** The normalisation applied before each sub-layer and before the output head (pre-norm transformer). */
public enum NormKind {
    /** LayerNorm (Ba et al. 2016, arXiv:1607.06450): {@code (x - mean) / sqrt(var + eps) * gain + bias}. */
    LAYER_NORM,
    /** RMSNorm (Zhang and Sennrich 2019, arXiv:1910.07467), as in Llama: {@code x / sqrt(mean(x^2) + eps) * gain}. */
    RMS_NORM
}
