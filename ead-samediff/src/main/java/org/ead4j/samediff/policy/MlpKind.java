package org.ead4j.samediff.policy;

/** The feed-forward sub-layer of a block. */
public enum MlpKind {
    /** GPT-2: {@code down(gelu(up(x)))}. */
    GELU,
    /** Llama / Qwen (Shazeer 2020, arXiv:2002.05202): {@code down(silu(gate(x)) * up(x))}. */
    SWIGLU
}
