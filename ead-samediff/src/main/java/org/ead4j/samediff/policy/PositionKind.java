package org.ead4j.samediff.policy;

/** How token positions enter the model. */
public enum PositionKind {
    /** A learned position embedding table {@code [maxSeqLen, dModel]} added to the token embedding (GPT-2). */
    LEARNED,
    /**
     * Rotary position embedding (Su et al. 2021, arXiv:2104.09864) on queries and keys, in the
     * "rotate half" layout of GPT-NeoX / Hugging Face Llama: dimension {@code i} of a head pairs with
     * {@code i + headDim/2}.
     */
    ROTARY
}
