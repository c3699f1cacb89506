package org.ead4j.samediff.policy;

/**
 * The family a {@link PolicyConfig} belongs to. It fixes the parameter layout ({@link WeightLayout}) and the
 * Hugging Face class a model is exported as; the individual features (GQA, biases, q/k norms, SwiGLU, rope
 * scaling) are separate fields of the configuration, so the graph and the decoder read one description.
 */
public enum Architecture {
    /** ead4j's own GPT: fused q/k/v projection, GELU MLP, LayerNorm or RMSNorm, learned or rotary positions. */
    GPT("gpt", null),
    /** Hugging Face {@code LlamaForCausalLM}: RMSNorm, rotary, grouped-query attention, SwiGLU MLP. */
    LLAMA("llama", "LlamaForCausalLM"),
    /** Hugging Face {@code Qwen2ForCausalLM}: Llama with biases on the q/k/v projections. */
    QWEN2("qwen2", "Qwen2ForCausalLM"),
    /** Hugging Face {@code Qwen3ForCausalLM}: Llama with per-head RMSNorm of q and k before the rotary embedding. */
    QWEN3("qwen3", "Qwen3ForCausalLM");

    private final String modelType;
    private final String hfClass;

    Architecture(String modelType, String hfClass) {
        this.modelType = modelType;
        this.hfClass = hfClass;
    }

    /** @return the Hugging Face {@code model_type} ("gpt" for ead4j's own) */
    public String modelType() {
        return modelType;
    }

    /** @return the Hugging Face {@code architectures} entry, or null for ead4j's GPT */
    public String hfClass() {
        return hfClass;
    }

    /** @return true for the Hugging Face families (separate q/k/v projections, SwiGLU MLP) */
    public boolean isHuggingFace() {
        return this != GPT;
    }
}
