package org.ead4j.samediff.hf;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightLayout;

/**
 * ead4j parameter names ({@link WeightLayout}) to Hugging Face tensor names, e.g. {@code layer3.attn.q} to
 * {@code model.layers.3.self_attn.q_proj.weight}. Matrices of linear layers are stored transposed: ead4j keeps
 * {@code [in, out]}, Hugging Face {@code [out, in]}; the token embedding is {@code [V, D]} in both.
 */
public final class HfTensorNames {

    /** Hugging Face name of the token embedding. */
    public static final String EMBED = "model.embed_tokens.weight";
    /** Hugging Face name of the output head (absent from the files when tied). */
    public static final String LM_HEAD = "lm_head.weight";

    private HfTensorNames() {
    }

    /**
     * @param config a Hugging Face family configuration
     * @return ead4j name to Hugging Face name, in {@link WeightLayout} order
     */
    public static Map<String, String> map(PolicyConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : WeightLayout.shapes(config).keySet()) {
            out.put(name, hfName(name));
        }
        return out;
    }

    /**
     * @param ead4jName a parameter name of a Hugging Face family configuration
     * @return its Hugging Face tensor name
     * @throws IllegalArgumentException for a name that has none (e.g. ead4j GPT's fused {@code attn.qkv})
     */
    public static String hfName(String ead4jName) {
        switch (ead4jName) {
            case WeightLayout.TOKEN_EMBEDDING: return EMBED;
            case WeightLayout.FINAL_NORM_GAIN: return "model.norm.weight";
            case WeightLayout.HEAD: return LM_HEAD;
            default:
        }
        if (ead4jName.startsWith("layer")) {
            int dot = ead4jName.indexOf('.');
            String layer = ead4jName.substring(5, dot);
            String rest = ead4jName.substring(dot + 1);
            String prefix = "model.layers." + layer + ".";
            boolean bias = rest.endsWith(".bias");
            String base = bias ? rest.substring(0, rest.length() - 5) : rest;
            String suffix = bias ? ".bias" : ".weight";
            switch (base) {
                case "norm1.gain": return prefix + "input_layernorm.weight";
                case "norm2.gain": return prefix + "post_attention_layernorm.weight";
                case "attn.q_norm.gain": return prefix + "self_attn.q_norm.weight";
                case "attn.k_norm.gain": return prefix + "self_attn.k_norm.weight";
                case "attn.q": return prefix + "self_attn.q_proj" + suffix;
                case "attn.k": return prefix + "self_attn.k_proj" + suffix;
                case "attn.v": return prefix + "self_attn.v_proj" + suffix;
                case "attn.out": return prefix + "self_attn.o_proj" + suffix;
                case "mlp.gate": return prefix + "mlp.gate_proj" + suffix;
                case "mlp.up": return prefix + "mlp.up_proj" + suffix;
                case "mlp.down": return prefix + "mlp.down_proj" + suffix;
                default:
            }
        }
        throw new IllegalArgumentException("parameter '" + ead4jName + "' has no Hugging Face tensor name");
    }

    /**
     * @param ead4jName a parameter name
     * @return whether the Hugging Face tensor is the transpose of the ead4j array (linear-layer matrices and the head)
     */
    public static boolean transposed(String ead4jName) {
        return !ead4jName.equals(WeightLayout.TOKEN_EMBEDDING) && !ead4jName.endsWith(".bias") && !ead4jName.endsWith(".gain");
    }

    /**
     * @param ead4jShape an ead4j parameter shape
     * @param ead4jName its name
     * @return the shape of the Hugging Face tensor
     */
    public static long[] hfShape(String ead4jName, long[] ead4jShape) {
        return transposed(ead4jName) ? new long[]{ead4jShape[1], ead4jShape[0]} : ead4jShape.clone();
    }
}
