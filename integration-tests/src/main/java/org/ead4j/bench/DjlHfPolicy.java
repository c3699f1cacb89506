package org.ead4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.RopeScaling;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PyTorch peer of the Hugging Face families ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM},
 * {@code Qwen3ForCausalLM}): their forward pass written op for op after transformers' modeling_llama.py,
 * modeling_qwen2.py, modeling_qwen3.py and modeling_rope_utils.py with DJL's NDArray API on libtorch 2.7.1,
 * in float32, over a copy of our weights.
 *
 * <ul>
 * <li>Weights are held in Hugging Face's layout and names ({@code model.layers.{l}.self_attn.q_proj.weight}
 *     {@code [out, in]}, applied with {@code F.linear}); ours ({@link WeightLayout}, {@code [in, out]}) are
 *     transposed on the way in. The output head is {@code lm_head.weight}, or the token embedding when tied.</li>
 * <li>RMSNorm: {@code w * (x * rsqrt(mean(x * x, -1) + eps))} in float32 ({@code LlamaRMSNorm}); rsqrt as
 *     {@code 1 / sqrt}, which is how ATen's CPU kernel computes it.</li>
 * <li>Rotary: {@code inv_freq = 1 / theta^(arange(0, dh, 2) / dh)} computed in float32 libtorch ops
 *     ({@code _compute_default_rope_parameters}), rescaled by {@code _compute_llama3_parameters} for
 *     {@link RopeScaling#LLAMA3}; {@code freqs = inv_freq @ position_ids}, {@code emb = cat(freqs, freqs)},
 *     {@code q * cos + rotate_half(q) * sin} with {@code rotate_half(x) = cat(-x2, x1)}. Python's {@code a / t}
 *     on a tensor is {@code t.reciprocal() * a}, and is computed so here too.</li>
 * <li>Attention: q/k/v projections (biases when {@code qkvBias}), per-head {@code q_norm}/{@code k_norm}
 *     RMSNorm before the rotary embedding (Qwen3), {@code repeat_kv} for grouped-query attention, scores
 *     scaled by {@code head_dim^-0.5}, an additive mask holding float32's minimum (not -inf) at masked keys,
 *     softmax, {@code o_proj} (bias when {@code outBias}). The KV-cache decoder multiplies each key/value
 *     head with its group of query heads directly instead of copying it {@code numHeads / numKvHeads} times
 *     (the same products; the test checks it against the full forward pass).</li>
 * <li>MLP: {@code down(silu(gate(x)) * up(x))}, silu as {@code x / (1 + exp(-x))}; pre-norm residual
 *     blocks; final {@code model.norm}.</li>
 * <li>Ragged batches as {@code generate} feeds them: rows left-padded to the longest, padded keys masked,
 *     {@code position_ids = cumsum(attention_mask) - 1} (1 at padding), so each row computes exactly what
 *     it would alone.</li>
 * </ul>
 * Every call runs in a sub-manager closed at its end, and every layer in one of its own, so temporaries are freed
 * as soon as a layer is done. Not thread-safe.
 */
public final class DjlHfPolicy implements TorchPeer {

    private static final Pattern LAYER = Pattern.compile("layer(\\d+)\\.(.+)");
    /** float32's most negative finite value: HF's {@code torch.finfo(dtype).min} mask value. */
    private static final float MASKED = -Float.MAX_VALUE;

    private final PolicyConfig cfg;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>(); // Hugging Face names and layouts
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int groups;
    private final double eps;
    private final double scaling;
    private final NDArray invFreq;                                      // [headDim / 2]
    private final float[] invFreqValues;

    /**
     * Copies a policy's weights into PyTorch tensors in Hugging Face's layout.
     *
     * @param config a Hugging Face family configuration (LLAMA, QWEN2 or QWEN3)
     * @param parameters our parameters, {@link WeightLayout} names and shapes, FLOAT
     * @throws IllegalArgumentException for ead4j's GPT or a missing or misshapen parameter
     */
    public DjlHfPolicy(PolicyConfig config, Map<String, INDArray> parameters) {
        if (!config.architecture().isHuggingFace()) {
            throw new IllegalArgumentException("architecture = " + config.architecture() + " is not a Hugging Face "
                    + "family; DjlHfPolicy implements LLAMA, QWEN2 and QWEN3 (DjlPolicy implements GPT)");
        }
        this.cfg = config;
        this.heads = config.numHeads();
        this.kvHeads = config.numKvHeads();
        this.headDim = config.headDim();
        this.groups = heads / kvHeads;
        this.eps = config.normEpsilon();
        this.scaling = Math.pow(headDim, -0.5);
        this.manager = Engine.getEngine(DjlPolicy.ENGINE).newBaseManager();
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(config).entrySet()) {
            INDArray src = parameters.get(e.getKey());
            long[] shape = e.getValue();
            if (src == null || !Arrays.equals(src.shape(), shape)) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is missing or not shaped "
                        + Arrays.toString(shape) + (src == null ? "" : ": it is " + Arrays.toString(src.shape())));
            }
            boolean linear = shape.length == 2 && !e.getKey().equals(WeightLayout.TOKEN_EMBEDDING);
            NDArray w = copyOf(src, shape, linear); // ours [in, out] -> nn.Linear's [out, in]
            String name = hfName(e.getKey());
            w.setName(name);
            weights.put(name, w);
        }
        if (config.tiedEmbeddings()) {
            weights.put("lm_head.weight", weights.get("model.embed_tokens.weight"));
        }
        try (NDManager tmp = manager.newSubManager()) {
            invFreqValues = inverseFrequencies(tmp).toFloatArray();
        }
        invFreq = manager.create(invFreqValues, new Shape(invFreqValues.length));
    }

    /**
     * The Hugging Face tensor name of one of our parameters.
     *
     * @param ours a {@link WeightLayout} name of a Hugging Face family parameter
     * @return the name in HF's {@code model.safetensors}
     */
    static String hfName(String ours) {
        switch (ours) {
            case WeightLayout.TOKEN_EMBEDDING:
                return "model.embed_tokens.weight";
            case WeightLayout.FINAL_NORM_GAIN:
                return "model.norm.weight";
            case WeightLayout.HEAD:
                return "lm_head.weight";
            default:
                break;
        }
        Matcher m = LAYER.matcher(ours);
        if (!m.matches()) {
            throw new IllegalArgumentException("no Hugging Face name for parameter " + ours);
        }
        String p = "model.layers." + m.group(1) + ".";
        String rest = m.group(2);
        String kind = rest.endsWith(".bias") ? "bias" : "weight";
        String base = rest.endsWith(".bias") ? rest.substring(0, rest.length() - 5) : rest;
        switch (base) {
            case "norm1.gain":
                return p + "input_layernorm.weight";
            case "norm2.gain":
                return p + "post_attention_layernorm.weight";
            case "attn.q_norm.gain":
                return p + "self_attn.q_norm.weight";
            case "attn.k_norm.gain":
                return p + "self_attn.k_norm.weight";
            case "attn.q":
            case "attn.k":
            case "attn.v":
                return p + "self_attn." + base.substring(5) + "_proj." + kind;
            case "attn.out":
                return p + "self_attn.o_proj." + kind;
            case "mlp.gate":
            case "mlp.up":
            case "mlp.down":
                return p + "mlp." + base.substring(4) + "_proj." + kind;
            default:
                throw new IllegalArgumentException("no Hugging Face name for parameter " + ours);
        }
    }

    /**
     * A libtorch-owned copy of one of our arrays, transposed for linear layers. A plain float C-order array is read
     * in place through a tensor over its memory (no Java heap copy: a 0.5B model's weights would otherwise pass
     * through the heap twice); other arrays go through a float[].
     */
    private NDArray copyOf(INDArray src, long[] shape, boolean transpose) {
        boolean direct = src.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && src.ordering() == 'c'
                && !src.isView() && src.data().length() == src.length() && src.data().asNio().isDirect();
        if (!direct) {
            float[] v = HostArrays.toFloats(src);
            if (transpose) {
                return manager.create(transpose(v, (int) shape[0], (int) shape[1]), new Shape(shape[1], shape[0]));
            }
            return manager.create(v, new Shape(shape));
        }
        ByteBuffer bytes = src.data().asNio().order(ByteOrder.nativeOrder());
        try (NDManager tmp = manager.newSubManager()) {
            NDArray alias = tmp.create(bytes, new Shape(shape), DataType.FLOAT32); // shares ND4J's memory
            // flatten copies the transposed view into a contiguous [out * in] tensor; reshape is then a view of it
            NDArray copy = transpose ? alias.transpose(1, 0).flatten().reshape(shape[1], shape[0]) : alias.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        int block = 64; // tiles keep both the reads and the writes within the CPU caches
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = a[r * cols + c];
                    }
                }
            }
        }
        return t;
    }

    /** _compute_default_rope_parameters, then _compute_llama3_parameters for LLAMA3 scaling, in float32. */
    private NDArray inverseFrequencies(NDManager m) {
        int dim = headDim;
        // inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        NDArray exponent = m.arange(0, dim, 2, DataType.INT64).toType(DataType.FLOAT32, false).div(dim);
        NDArray inv = reciprocal(m.create((float) cfg.ropeBase()).pow(exponent));
        if (cfg.ropeScaling() == RopeScaling.NONE) {
            return inv;
        }
        double factor = cfg.ropeScalingFactor();
        double lowFreqFactor = cfg.ropeLowFreqFactor();
        double highFreqFactor = cfg.ropeHighFreqFactor();
        int oldContextLen = cfg.ropeOriginalMaxPositions();
        double lowFreqWavelen = oldContextLen / lowFreqFactor;
        double highFreqWavelen = oldContextLen / highFreqFactor;
        NDArray wavelen = reciprocal(inv).mul(2 * Math.PI);                // 2 * math.pi / inv_freq
        NDArray llama = NDArrays.where(wavelen.gt(lowFreqWavelen), inv.div(factor), inv);
        NDArray smooth = reciprocal(wavelen).mul(oldContextLen)             // (old_context_len / wavelen
                .sub(lowFreqFactor).div(highFreqFactor - lowFreqFactor);  //  - low) / (high - low)
        NDArray smoothed = smooth.getNDArrayInternal().rsub(1f).mul(llama).div(factor).add(smooth.mul(llama));
        NDArray medium = wavelen.lt(highFreqWavelen).logicalNot().logicalAnd(wavelen.gt(lowFreqWavelen).logicalNot());
        return NDArrays.where(medium, smoothed, llama);
    }

    /** 1 / x (ATen's reciprocal and rsqrt kernels divide too, correctly rounded). */
    private static NDArray reciprocal(NDArray x) {
        return x.getNDArrayInternal().rdiv(1f);
    }

    /** @return the rotary inverse frequencies {@code [headDim / 2]} as computed in float32 (a copy) */
    public float[] inverseFrequencies() {
        return invFreqValues.clone();
    }

    @Override
    public PolicyConfig config() {
        return cfg;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** @return the tensors by Hugging Face name, {@code [out, in]} linear weights (live; lm_head shared when tied) */
    public Map<String, NDArray> weights() {
        return weights;
    }

    private NDArray w(String name) {
        NDArray a = weights.get(name);
        if (a == null) {
            throw new IllegalStateException("no tensor " + name);
        }
        return a;
    }

    private NDArray wOrNull(String name) {
        return weights.get(name);
    }

    // ------------------------------------------------------------------ full forward

    @Override
    public float[] logits(int[][] tokens) {
        int t = tokens[0].length;
        for (int[] row : tokens) {
            if (row.length != t) {
                throw new IllegalArgumentException("logits(int[][]) takes rows of equal length; use raggedLogits");
            }
        }
        try (NDManager sub = manager.newSubManager()) {
            return forward(sub, ids(sub, tokens, t), new int[tokens.length], 0, null, null).toFloatArray();
        }
    }

    /**
     * Full forward pass of rows of any lengths, left-padded and masked as {@code generate} batches them.
     *
     * @param tokens token ids per row (non-empty rows)
     * @return per row its logits [len][V], row-major
     */
    public float[][] raggedLogits(int[][] tokens) {
        int b = tokens.length;
        int t = 0;
        for (int[] row : tokens) {
            if (row.length == 0) {
                throw new IllegalArgumentException("empty row");
            }
            t = Math.max(t, row.length);
        }
        int[] pads = new int[b];
        for (int r = 0; r < b; r++) {
            pads[r] = t - tokens[r].length;
        }
        int v = cfg.vocabSize();
        float[][] out = new float[b][];
        try (NDManager sub = manager.newSubManager()) {
            float[] all = forward(sub, ids(sub, tokens, t), pads, 0, null, null).toFloatArray(); // [B, T, V]
            for (int r = 0; r < b; r++) {
                out[r] = Arrays.copyOfRange(all, (r * t + pads[r]) * v, (r + 1) * t * v);
            }
        }
        return out;
    }

    /**
     * The model on ids [B, C] at cache slots start..start+C-1 of rows left-padded by {@code pads}; with caches,
     * k and v go to those slots of keys/values [B, K, capacity, dh] and attention reads slots [0, start + C).
     *
     * @return logits [B, C, V]
     */
    private NDArray forward(NDManager sub, NDArray ids, int[] pads, long start, NDArray[] keys, NDArray[] values) {
        NDArray x = hidden(sub, ids, pads, start, keys, values);
        return linear(x, "lm_head.weight", null);
    }

    /** Decoder layers and the final norm: hidden states [B, C, D]. */
    private NDArray hidden(NDManager sub, NDArray ids, int[] pads, long start, NDArray[] keys, NDArray[] values) {
        Shape s = ids.getShape();
        int b = (int) s.get(0);
        int c = (int) s.get(1);
        NDArray x = ids.getNDArrayInternal().embedding(ids, w("model.embed_tokens.weight"), SparseFormat.DENSE).get(0);
        NDArray[] cosSin = rotary(sub, positionIds(sub, b, c, start, pads));
        NDArray mask = mask(sub, b, c, start, pads);
        for (int l = 0; l < cfg.numLayers(); l++) {
            // results land in the manager of an op's first operand: with the layer's input in a scope of its own,
            // every temporary of the layer goes with it, as Python's reference counting frees them (keeping them to
            // the end of the call held gigabytes over a 24-layer prefill)
            try (NDManager scope = sub.newSubManager()) {
                x.attach(scope);
                x = layer(scope, x, l, cosSin[0], cosSin[1], mask, start,
                        keys == null ? null : keys[l], values == null ? null : values[l]);
                x.attach(sub);
            }
        }
        return rmsNorm(x, w("model.norm.weight"));
    }

    /** position_ids = cumsum(attention_mask) - 1, masked_fill(attention_mask == 0, 1): [B, C] INT64. */
    private static NDArray positionIds(NDManager sub, int b, int c, long start, int[] pads) {
        long[] p = new long[b * c];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < c; i++) {
                long slot = start + i;
                p[r * c + i] = slot >= pads[r] ? slot - pads[r] : 1;
            }
        }
        return sub.create(p, new Shape(b, c));
    }

    /**
     * The additive mask [B, 1, C, start + C]: 0 where the key slot is at or before the query's and not padding,
     * float32's minimum elsewhere; null when nothing is masked (one query per row, no padding).
     */
    private static NDArray mask(NDManager sub, int b, int c, long start, int[] pads) {
        boolean padded = false;
        for (int p : pads) {
            padded |= p > 0;
        }
        if (c == 1 && !padded) {
            return null;
        }
        int n = (int) start + c;
        float[] m = new float[b * c * n];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < c; i++) {
                long query = start + i;
                for (int j = 0; j < n; j++) {
                    if (j > query || j < pads[r]) {
                        m[(r * c + i) * n + j] = MASKED;
                    }
                }
            }
        }
        return sub.create(m, new Shape(b, 1, c, n));
    }

    /** LlamaRotaryEmbedding.forward: cos and sin [B, C, dh] of position ids [B, C]. */
    private NDArray[] rotary(NDManager sub, NDArray positionIds) {
        long b = positionIds.getShape().get(0);
        long half = invFreqValues.length;
        NDArray inv = invFreq.reshape(1, half, 1);
        inv.attach(sub);                                                          // a temporary, not the weights'
        NDArray invExpanded = inv.broadcast(b, half, 1);                          // inv_freq[None, :, None].expand(B, -1, 1)
        NDArray posExpanded = positionIds.expandDims(1).toType(DataType.FLOAT32, false); // position_ids[:, None, :].float()
        NDArray freqs = invExpanded.matMul(posExpanded).transpose(0, 2, 1);       // [B, C, dh/2]
        NDArray emb = freqs.concat(freqs, -1);                                    // [B, C, dh]
        return new NDArray[]{emb.cos(), emb.sin()};                                // attention_scaling = 1 (default, llama3)
    }

    private static NDArray rotateHalf(NDArray x) {
        long dh = x.getShape().get(3);
        NDArray x1 = x.get(new NDIndex(":, :, :, 0:{}", dh / 2));
        NDArray x2 = x.get(new NDIndex(":, :, :, {}:", dh / 2));
        return x2.neg().concat(x1, -1);
    }

    /** LlamaRMSNorm over the last axis: weight * (x * rsqrt(mean(x^2) + eps)). */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.mul(x).mean(new int[]{-1}, true);                   // hidden_states.pow(2).mean(-1, keepdim=True)
        NDArray normed = x.mul(reciprocal(variance.add(eps).sqrt()));                // * torch.rsqrt(variance + eps)
        return normed.mul(weight); // self.weight * hidden_states (operands swapped: results land in x's manager)
    }

    /** F.linear(x, W, b) with W [out, in]. */
    private NDArray linear(NDArray x, String weight, String bias) {
        NDArray b = bias == null ? null : wOrNull(bias);
        return x.getNDArrayInternal().linear(x, w(weight), b).get(0);
    }

    /** One decoder layer (LlamaDecoderLayer / Qwen2DecoderLayer / Qwen3DecoderLayer) on x [B, C, D]. */
    private NDArray layer(NDManager sub, NDArray x, int l, NDArray cos, NDArray sin, NDArray mask, long start,
                          NDArray kCache, NDArray vCache) {
        String p = "model.layers." + l + ".";
        NDArray residual = x;
        NDArray h = rmsNorm(x, w(p + "input_layernorm.weight"));
        h = attention(sub, h, p + "self_attn.", cos, sin, mask, start, kCache, vCache);
        x = residual.add(h);
        residual = x;
        h = rmsNorm(x, w(p + "post_attention_layernorm.weight"));
        NDArray gate = linear(h, p + "mlp.gate_proj.weight", p + "mlp.gate_proj.bias");
        NDArray up = linear(h, p + "mlp.up_proj.weight", p + "mlp.up_proj.bias");
        NDArray silu = gate.div(gate.neg().exp().add(1f));                        // silu(x) = x / (1 + exp(-x))
        h = linear(silu.mul(up), p + "mlp.down_proj.weight", p + "mlp.down_proj.bias");
        return residual.add(h);
    }

    private NDArray attention(NDManager sub, NDArray h, String p, NDArray cos, NDArray sin, NDArray mask, long start,
                              NDArray kCache, NDArray vCache) {
        Shape s = h.getShape();
        long b = s.get(0);
        long c = s.get(1);
        // hidden_shape = (*input_shape, -1, head_dim); q/k norms act on [B, C, heads, dh] before the transpose
        NDArray q = linear(h, p + "q_proj.weight", p + "q_proj.bias").reshape(b, c, -1, headDim);
        NDArray k = linear(h, p + "k_proj.weight", p + "k_proj.bias").reshape(b, c, -1, headDim);
        NDArray v = linear(h, p + "v_proj.weight", p + "v_proj.bias").reshape(b, c, -1, headDim).transpose(0, 2, 1, 3);
        if (cfg.qkNorm()) {
            q = rmsNorm(q, w(p + "q_norm.weight"));
            k = rmsNorm(k, w(p + "k_norm.weight"));
        }
        q = q.transpose(0, 2, 1, 3);                                               // [B, H, C, dh]
        k = k.transpose(0, 2, 1, 3);                                               // [B, K, C, dh]
        NDArray cos4 = cos.expandDims(1);                                           // unsqueeze_dim = 1
        NDArray sin4 = sin.expandDims(1);
        q = q.mul(cos4).add(rotateHalf(q).mul(sin4));
        k = k.mul(cos4).add(rotateHalf(k).mul(sin4));
        NDArray out;
        if (kCache == null) {
            out = eagerAttention(q, repeatKv(k), repeatKv(v), mask);
        } else {
            NDIndex written = new NDIndex(":, :, {}:{}", start, start + c);
            kCache.set(written, k);
            vCache.set(written, v);
            NDIndex upTo = new NDIndex(":, :, 0:{}", start + c);
            out = groupedAttention(q, kCache.get(sub, upTo), vCache.get(sub, upTo), mask);
        }
        out = out.transpose(0, 2, 1, 3).reshape(b, c, heads * headDim);           // attn_output.transpose(1, 2).reshape
        return linear(out, p + "o_proj.weight", p + "o_proj.bias");
    }

    /** repeat_kv: [B, K, n, dh] -> [B, K * groups, n, dh], kv head j serving query heads j*groups .. j*groups+groups-1. */
    private NDArray repeatKv(NDArray x) {
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(s.get(0), s.get(1), groups, s.get(2), s.get(3))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /** eager_attention_forward: softmax(q k^T * scaling + mask) v, [B, H, C, dh]. */
    private NDArray eagerAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDArray weightsAttn = q.matMul(k.transpose(0, 1, 3, 2)).mul(scaling);
        if (mask != null) {
            weightsAttn = weightsAttn.add(mask);
        }
        return weightsAttn.softmax(-1).matMul(v);
    }

    /** The same attention with each kv head multiplied with its group of query heads at once (no repeat_kv copy). */
    private NDArray groupedAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        Shape s = q.getShape();
        long b = s.get(0);
        long c = s.get(2);
        long n = k.getShape().get(2);
        NDArray qg = q.reshape(b, kvHeads, groups * c, headDim);                 // query head j*groups+i -> group j
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).mul(scaling).reshape(b, heads, c, n);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).reshape(b, kvHeads, groups * c, n).matMul(v).reshape(b, heads, c, headDim);
    }

    /** Left-padded ids [B, t] INT64 (padding id 0: its positions are masked). */
    private static NDArray ids(NDManager m, int[][] tokens, int t) {
        int b = tokens.length;
        long[] flat = new long[b * t];
        for (int r = 0; r < b; r++) {
            int pad = t - tokens[r].length;
            for (int j = 0; j < tokens[r].length; j++) {
                flat[r * t + pad + j] = tokens[r][j];
            }
        }
        return m.create(flat, new Shape(b, t));
    }

    // ------------------------------------------------------------------ KV-cache decoding

    @Override
    public Decode newDecode(int batch, int capacity, int chunkTokens) {
        if (batch < 1 || capacity < 1) {
            throw new IllegalArgumentException("batch = " + batch + " and capacity = " + capacity + " must be >= 1");
        }
        return new Decode(batch, capacity, Math.max(1, chunkTokens / batch));
    }

    /**
     * The cache of one batch being decoded: rows left-padded to the longest prompt, so that all rows write the
     * same cache slot at each step; padded slots are masked.
     */
    public final class Decode implements TorchPeer.Decode {
        private final NDManager state;
        private final NDArray[] keys;   // per layer [B, K, capacity, dh]
        private final NDArray[] values; // per layer [B, K, capacity, dh]
        private final int batch;
        private final int capacity;
        private final int chunk;
        private int[] pads;
        private int length;
        private float[] logits = new float[0];

        private Decode(int batch, int capacity, int chunk) {
            this.state = manager.newSubManager();
            this.batch = batch;
            this.capacity = capacity;
            this.chunk = chunk;
            this.pads = new int[batch];
            Shape shape = new Shape(batch, kvHeads, capacity, headDim);
            keys = new NDArray[cfg.numLayers()];
            values = new NDArray[cfg.numLayers()];
            for (int l = 0; l < keys.length; l++) {
                keys[l] = state.zeros(shape, DataType.FLOAT32);
                values[l] = state.zeros(shape, DataType.FLOAT32);
            }
        }

        /**
         * Feeds the prompts (any lengths, left-padded to the longest) in chunks; leaves each row's last-token
         * logits in {@link #logits()}.
         *
         * @param prompts [B][P_r], non-empty rows
         */
        @Override
        public void prefill(int[][] prompts) {
            if (prompts.length != batch) {
                throw new IllegalArgumentException("prefill needs " + batch + " prompts, got " + prompts.length);
            }
            int len = 0;
            for (int[] p : prompts) {
                if (p.length == 0) {
                    throw new IllegalArgumentException("empty prompt");
                }
                len = Math.max(len, p.length);
            }
            if (len > capacity) {
                throw new IllegalArgumentException("the longest prompt (" + len + ") exceeds the capacity " + capacity);
            }
            pads = new int[batch];
            for (int r = 0; r < batch; r++) {
                pads[r] = len - prompts[r].length;
            }
            length = 0;
            try (NDManager all = state.newSubManager()) {
                NDArray ids = ids(all, prompts, len);
                for (int from = 0; from < len; from += chunk) {
                    int to = Math.min(len, from + chunk);
                    try (NDManager sub = all.newSubManager()) {
                        feed(sub, ids.get(sub, new NDIndex(":, {}:{}", from, to)), to == len);
                    }
                }
            }
        }

        @Override
        public void step(long[] tokens) {
            if (tokens.length != batch) {
                throw new IllegalArgumentException("step needs " + batch + " tokens, got " + tokens.length);
            }
            if (length >= capacity) {
                throw new IllegalStateException("the cache is full (" + capacity + " positions)");
            }
            try (NDManager sub = state.newSubManager()) {
                feed(sub, sub.create(tokens, new Shape(batch, 1)), true);
            }
        }

        private void feed(NDManager sub, NDArray ids, boolean wantLogits) {
            long c = ids.getShape().get(1);
            NDArray x = hidden(sub, ids, pads, length, keys, values);              // [B, C, D]
            length += (int) c;
            if (wantLogits) {
                NDArray last = x.get(sub, new NDIndex(":, {}:{}", c - 1, c));     // [B, 1, D]
                logits = linear(last, "lm_head.weight", null).toFloatArray();     // [B * V]
            }
        }

        @Override
        public float[] logits() {
            return logits;
        }

        @Override
        public int length() {
            return length;
        }

        /** @return left padding of each row (the longest prompt's length minus the row's) */
        public int[] pads() {
            return pads.clone();
        }

        @Override
        public long cacheBytes() {
            return 2L * keys.length * batch * kvHeads * capacity * headDim * Float.BYTES;
        }

        @Override
        public void close() {
            state.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
