package org.ead4j.samediff.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and shapes of the policy's parameters, in the one fixed order that the graph, the decoder,
 * the optimiser, checkpoints and weight hashes all use.
 *
 * <p>Linear layers compute {@code y = x W} with {@code W} stored {@code [in, out]} in C order (no biases).
 * <pre>
 * tok_emb               [V, D]        token embedding (also the output head when tied: logits = h tok_emb^T)
 * pos_emb               [maxSeqLen, D] learned positions only
 * layer{l}.norm1.gain   [D]           pre-attention norm
 * layer{l}.norm1.bias   [D]           LayerNorm only
 * layer{l}.attn.qkv     [D, 3D]       columns [q | k | v]; head h uses columns h*dh .. (h+1)*dh-1 of each block
 * layer{l}.attn.out     [D, D]        attention output projection
 * layer{l}.norm2.gain   [D]           pre-MLP norm
 * layer{l}.norm2.bias   [D]           LayerNorm only
 * layer{l}.mlp.up       [D, F]        followed by GELU
 * layer{l}.mlp.down     [F, D]
 * final_norm.gain       [D]
 * final_norm.bias       [D]           LayerNorm only
 * head                  [D, V]        untied output head only
 * </pre>
 * The Hugging Face families ({@link Architecture#isHuggingFace()}) replace the fused projection and the GELU
 * MLP, with H heads, K key/value heads of dimension dh each and MLP width F:
 * <pre>
 * layer{l}.attn.q       [D, H*dh]     (+ layer{l}.attn.q.bias [H*dh] with qkvBias)
 * layer{l}.attn.k       [D, K*dh]     (+ .bias [K*dh])
 * layer{l}.attn.v       [D, K*dh]     (+ .bias [K*dh])
 * layer{l}.attn.q_norm.gain [dh]      qkNorm only (Qwen3)
 * layer{l}.attn.k_norm.gain [dh]      qkNorm only
 * layer{l}.attn.out     [H*dh, D]     (+ layer{l}.attn.out.bias [D] with outBias)
 * layer{l}.mlp.gate     [D, F]        (+ .bias [F] with mlpBias)
 * layer{l}.mlp.up       [D, F]        (+ .bias [F])
 * layer{l}.mlp.down     [F, D]        (+ .bias [D])
 * </pre>
 * Matrices are stored {@code [in, out]} (the transpose of Hugging Face's {@code [out, in]}).
 */
public final class WeightLayout {

    /** Token embedding {@code [V, D]}. */
    public static final String TOKEN_EMBEDDING = "tok_emb";
    /** Learned position embedding {@code [maxSeqLen, D]}. */
    public static final String POSITION_EMBEDDING = "pos_emb";
    /** Final norm gain {@code [D]}. */
    public static final String FINAL_NORM_GAIN = "final_norm.gain";
    /** Final norm bias {@code [D]} (LayerNorm only). */
    public static final String FINAL_NORM_BIAS = "final_norm.bias";
    /** Untied output head {@code [D, V]}. */
    public static final String HEAD = "head";

    private WeightLayout() {
    }

    /**
     * @param layer block index
     * @return name of the pre-attention norm gain {@code [D]}
     */
    public static String norm1Gain(int layer) {
        return "layer" + layer + ".norm1.gain";
    }

    /**
     * @param layer block index
     * @return name of the pre-attention norm bias {@code [D]}
     */
    public static String norm1Bias(int layer) {
        return "layer" + layer + ".norm1.bias";
    }

    /**
     * @param layer block index
     * @return name of the fused query/key/value projection {@code [D, 3D]}
     */
    public static String attnQkv(int layer) {
        return "layer" + layer + ".attn.qkv";
    }

    /**
     * @param layer block index
     * @return name of the attention output projection {@code [D, D]}
     */
    public static String attnOut(int layer) {
        return "layer" + layer + ".attn.out";
    }

    /**
     * @param layer block index
     * @return name of the pre-MLP norm gain {@code [D]}
     */
    public static String norm2Gain(int layer) {
        return "layer" + layer + ".norm2.gain";
    }

    /**
     * @param layer block index
     * @return name of the pre-MLP norm bias {@code [D]}
     */
    public static String norm2Bias(int layer) {
        return "layer" + layer + ".norm2.bias";
    }

    /**
     * @param layer block index
     * @return name of the MLP input projection {@code [D, F]}
     */
    public static String mlpUp(int layer) {
        return "layer" + layer + ".mlp.up";
    }

    /**
     * @param layer block index
     * @return name of the MLP output projection {@code [F, D]}
     */
    public static String mlpDown(int layer) {
        return "layer" + layer + ".mlp.down";
    }

    /**
     * @param layer block index
     * @param proj "q", "k", "v", "out", "gate", "up" or "down"
     * @return name of that projection's matrix in a Hugging Face family model
     */
    public static String projection(int layer, String proj) {
        return "layer" + layer + (proj.equals("gate") || proj.equals("up") || proj.equals("down") ? ".mlp." : ".attn.") + proj;
    }

    /**
     * @param layer block index
     * @param proj as for {@link #projection}
     * @return name of that projection's bias
     */
    public static String projectionBias(int layer, String proj) {
        return projection(layer, proj) + ".bias";
    }

    /**
     * @param layer block index
     * @return name of the per-head query RMSNorm gain {@code [dh]} (Qwen3)
     */
    public static String qNormGain(int layer) {
        return "layer" + layer + ".attn.q_norm.gain";
    }

    /**
     * @param layer block index
     * @return name of the per-head key RMSNorm gain {@code [dh]} (Qwen3)
     */
    public static String kNormGain(int layer) {
        return "layer" + layer + ".attn.k_norm.gain";
    }

    /**
     * Every parameter of a configuration with its shape, in the canonical order.
     *
     * @param c the configuration
     * @return name to shape, ordered
     */
    public static Map<String, long[]> shapes(PolicyConfig c) {
        long v = c.vocabSize();
        long d = c.dModel();
        long f = c.ffnWidth();
        boolean ln = c.norm() == NormKind.LAYER_NORM;
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(TOKEN_EMBEDDING, new long[]{v, d});
        if (c.positions() == PositionKind.LEARNED) {
            s.put(POSITION_EMBEDDING, new long[]{c.maxSeqLen(), d});
        }
        if (c.architecture().isHuggingFace()) {
            for (int l = 0; l < c.numLayers(); l++) {
                huggingFaceBlock(c, l, s);
            }
            s.put(FINAL_NORM_GAIN, new long[]{d});
            if (!c.tiedEmbeddings()) {
                s.put(HEAD, new long[]{d, v});
            }
            return s;
        }
        for (int l = 0; l < c.numLayers(); l++) {
            s.put(norm1Gain(l), new long[]{d});
            if (ln) {
                s.put(norm1Bias(l), new long[]{d});
            }
            s.put(attnQkv(l), new long[]{d, 3 * d});
            s.put(attnOut(l), new long[]{d, d});
            s.put(norm2Gain(l), new long[]{d});
            if (ln) {
                s.put(norm2Bias(l), new long[]{d});
            }
            s.put(mlpUp(l), new long[]{d, f});
            s.put(mlpDown(l), new long[]{f, d});
        }
        s.put(FINAL_NORM_GAIN, new long[]{d});
        if (ln) {
            s.put(FINAL_NORM_BIAS, new long[]{d});
        }
        if (!c.tiedEmbeddings()) {
            s.put(HEAD, new long[]{d, v});
        }
        return s;
    }

    private static void huggingFaceBlock(PolicyConfig c, int l, Map<String, long[]> s) {
        long d = c.dModel();
        long f = c.ffnWidth();
        long dh = c.headDim();
        long q = c.numHeads() * dh;
        long kv = c.numKvHeads() * dh;
        s.put(norm1Gain(l), new long[]{d});
        linear(s, l, "q", d, q, c.qkvBias());
        linear(s, l, "k", d, kv, c.qkvBias());
        linear(s, l, "v", d, kv, c.qkvBias());
        if (c.qkNorm()) {
            s.put(qNormGain(l), new long[]{dh});
            s.put(kNormGain(l), new long[]{dh});
        }
        linear(s, l, "out", q, d, c.outBias());
        s.put(norm2Gain(l), new long[]{d});
        linear(s, l, "gate", d, f, c.mlpBias());
        linear(s, l, "up", d, f, c.mlpBias());
        linear(s, l, "down", f, d, c.mlpBias());
    }

    private static void linear(Map<String, long[]> s, int l, String proj, long in, long out, boolean bias) {
        s.put(projection(l, proj), new long[]{in, out});
        if (bias) {
            s.put(projectionBias(l, proj), new long[]{out});
        }
    }

    /**
     * Total number of scalar parameters.
     *
     * @param c the configuration
     * @return parameter count
     */
    public static long parameterCount(PolicyConfig c) {
        long n = 0;
        for (long[] shape : shapes(c).values()) {
            long k = 1;
            for (long x : shape) {
                k *= x;
            }
            n += k;
        }
        return n;
    }
}
