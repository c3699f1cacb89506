package org.ead4j.samediff.policy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.compat.QuietGradientBuild;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.ops.CausalSoftmaxOp;
import org.ead4j.samediff.ops.CustomOps;
import org.ead4j.samediff.ops.EmbeddingOp;
import org.ead4j.samediff.ops.GeluOp;
import org.ead4j.samediff.ops.NormOp;
import org.ead4j.samediff.ops.SiluMulOp;
import org.ead4j.samediff.ops.VocabHeadOp;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A decoder-only causal pre-norm transformer built as a SameDiff graph, with per-position log-probabilities of
 * given next tokens as outputs, so that RL losses can be added on top in the same graph. {@link Architecture#GPT}
 * is GPT-2 / nanoGPT's block structure (Llama's RMSNorm and rotary positions as options); the Hugging Face
 * families ({@link Architecture#LLAMA}, {@link Architecture#QWEN2}, {@link Architecture#QWEN3}) follow
 * transformers' modeling code: q/k/v projections with optional biases, optional per-head q/k RMSNorm,
 * grouped-query attention, SwiGLU MLP (docs/architectures.md, "The math").
 *
 * <p>Placeholders: {@link #TOKENS} INT32 [B, T] input ids (right-padded), {@link #TARGETS} INT32 [B, T] the
 * next-token ids to score, {@link #INV_TAU} FLOAT [B, T] the inverse temperature 1/tau_t per position
 * (fed with ones when omitted). Outputs ([B, T] unless noted):
 * <pre>
 * logits            [B, T, V]  z
 * logProbs                     log softmax(z)[target]           (tau = 1, the target policy)
 * temperedLogProbs             log softmax(z * invTau)[target]  (the EAD behaviour policy, paper Sec. 3)
 * entropy                      -sum_v p_v log p_v, p = softmax(z)
 * </pre>
 * The last three come from one fused op over chunks of tokens ({@link VocabHeadOp}): training never materialises
 * the [B*T, V] logits; {@code logits} is computed only when it is requested as an output.
 * Attention is causal and there is no padding mask: with right padding, a real position never attends to
 * a pad, so outputs at real positions are exact and outputs at pad positions must be masked by the loss.
 *
 * <p>DL4J 1.0.0-M2.1 workarounds used here (docs/dl4j-m2.1-workarounds.md): {@link EmbeddingOp} instead of
 * {@code sd.gather}; 2D {@code [B*T, D]} matmuls instead of {@code tensorMmul}; {@code logSoftmax} without
 * a dimension argument; a hand-made causal mask; {@code sparseSoftmaxCrossEntropy} is never used. For speed
 * (slow M2.1 backward kernels), norms, GELU, SwiGLU's gated unit and the masked attention softmax are fused Java
 * ops with hand-written gradients: {@link NormOp}, {@link GeluOp}, {@link SiluMulOp}, {@link CausalSoftmaxOp}.
 *
 * <p>Parameters live in the graph; {@link #parameters()} returns the live arrays, which an optimiser updates
 * in place, so the graph and any decoder reading them see new weights without copies. With a {@link LoraConfig}
 * the base weights are graph constants ({@link #frozenParameters()}: no gradient, no optimiser state) and the
 * trainable parameters are the adapters only; {@code LoraMerge} folds them into plain weights. Not thread-safe.
 */
public final class PolicyTransformer {

    /** Placeholder: INT32 [B, T] input token ids, right-padded. */
    public static final String TOKENS = "tokens";
    /** Placeholder: INT32 [B, T] next-token ids whose log-probabilities are computed. */
    public static final String TARGETS = "targets";
    /** Placeholder: FLOAT [B, T] inverse temperature 1/tau_t per position (ones for tau = 1). */
    public static final String INV_TAU = "invTau";
    /** Output: [B, T, V] logits. */
    public static final String LOGITS = "logits";
    /** Output: [B, T] log softmax(z)[target] at tau = 1. */
    public static final String LOG_PROBS = "logProbs";
    /** Output: [B, T] log softmax(z * invTau)[target]. */
    public static final String TEMPERED_LOG_PROBS = "temperedLogProbs";
    /** Output: [B, T] entropy of softmax(z). */
    public static final String ENTROPY = "entropy";

    private final PolicyConfig config;
    private final DataType floatType;
    private final SameDiff sd;
    private final Map<String, SDVariable> params = new LinkedHashMap<>();
    private final Map<String, SDVariable> frozen = new LinkedHashMap<>();
    private final LoraConfig lora;
    private final SDVariable logits;
    private final SDVariable logProbs;
    private final SDVariable temperedLogProbs;
    private final SDVariable entropy;
    private String lossName;

    /**
     * Builds a float32 policy with weights initialised from {@code config.initSeed()}.
     *
     * @param config the configuration
     */
    public PolicyTransformer(PolicyConfig config) {
        this(config, DataType.FLOAT);
    }

    /**
     * Builds a policy in the given floating type (DOUBLE is for gradient checks; the decoder and checkpoints
     * use FLOAT), with weights initialised from {@code config.initSeed()}.
     *
     * @param config the configuration
     * @param floatType FLOAT or DOUBLE
     */
    public PolicyTransformer(PolicyConfig config, DataType floatType) {
        this(config, floatType, null, null, VocabHeadOp.DEFAULT_CHUNK_TOKENS);
    }

    /**
     * As {@link #PolicyTransformer(PolicyConfig, DataType)}, with the number of tokens whose [tokens, V] logits the
     * output head holds at once when computing log-probs and entropy ({@link VocabHeadOp}); results do not depend
     * on it beyond float rounding.
     *
     * @param config the configuration
     * @param floatType FLOAT or DOUBLE
     * @param headChunkTokens tokens per head chunk, &gt; 0 (default {@link VocabHeadOp#DEFAULT_CHUNK_TOKENS})
     */
    public PolicyTransformer(PolicyConfig config, DataType floatType, int headChunkTokens) {
        this(config, floatType, null, null, headChunkTokens);
    }

    /**
     * Builds a policy with low-rank adapters ({@link LoraConfig}) on a randomly initialised frozen base: the base
     * weights come from {@code config.initSeed()}, the adapters from {@code lora.initSeed()} (B = 0).
     *
     * @param config the configuration (a Hugging Face family)
     * @param lora the adapters, or null for full fine-tuning
     * @param floatType FLOAT or DOUBLE
     */
    public PolicyTransformer(PolicyConfig config, LoraConfig lora, DataType floatType) {
        this(config, floatType, null, lora, VocabHeadOp.DEFAULT_CHUNK_TOKENS);
    }

    /**
     * Builds a float32 policy whose parameters start from the given values instead of the random initialisation
     * (for pretrained weights: nothing is drawn at random, and no array of that size is created only to be
     * overwritten). Arrays that are FLOAT, C order and not views become the policy's parameters as they are, without
     * a copy, and the optimiser later updates them in place; pass copies to keep the originals. Others are copied.
     *
     * @param config the configuration
     * @param weights every parameter of {@link WeightLayout#shapes(PolicyConfig)}, by name, with that shape
     * @return the policy
     * @throws IllegalArgumentException naming the tensor when one is missing, unexpected, null, not floating point
     *                                  or of the wrong shape
     */
    public static PolicyTransformer withWeights(PolicyConfig config, Map<String, INDArray> weights) {
        return withWeights(config, weights, VocabHeadOp.DEFAULT_CHUNK_TOKENS);
    }

    /**
     * As {@link #withWeights(PolicyConfig, Map)}, with the output head's chunk size
     * ({@link #PolicyTransformer(PolicyConfig, DataType, int)}).
     *
     * @param config the configuration
     * @param weights every parameter of {@link WeightLayout#shapes(PolicyConfig)}, by name, with that shape
     * @param headChunkTokens tokens per head chunk, &gt; 0
     * @return the policy
     */
    public static PolicyTransformer withWeights(PolicyConfig config, Map<String, INDArray> weights, int headChunkTokens) {
        withWeightsCheck(config, weights);
        return new PolicyTransformer(config, DataType.FLOAT, weights, null, headChunkTokens);
    }

    /**
     * As {@link #withWeights(PolicyConfig, Map)}, with low-rank adapters on the given (frozen) base weights; the
     * adapters start from {@code lora.initSeed()} with B = 0, so the policy starts at the base model.
     *
     * @param config the configuration (a Hugging Face family)
     * @param lora the adapters, or null for full fine-tuning
     * @param weights every base parameter of {@link WeightLayout#shapes(PolicyConfig)}
     * @return the policy
     * @throws IllegalArgumentException as for {@link #withWeights(PolicyConfig, Map)}
     */
    public static PolicyTransformer withWeights(PolicyConfig config, LoraConfig lora, Map<String, INDArray> weights) {
        withWeightsCheck(config, weights);
        return new PolicyTransformer(config, DataType.FLOAT, weights, lora, VocabHeadOp.DEFAULT_CHUNK_TOKENS);
    }

    private static void withWeightsCheck(PolicyConfig config, Map<String, INDArray> weights) {
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null: give every parameter of WeightLayout.shapes(config)");
        }
        Map<String, long[]> shapes = WeightLayout.shapes(config);
        for (String name : weights.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "': the " + config.architecture()
                        + " configuration has no such parameter (expected names: " + shapes.keySet() + ")");
            }
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray a = weights.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("missing tensor '" + e.getKey() + "' of shape "
                        + Arrays.toString(e.getValue()) + " required by the " + config.architecture() + " configuration");
            }
            if (!a.dataType().isFPType()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has data type " + a.dataType()
                        + ": a floating-point type is required");
            }
            if (!Arrays.equals(a.shape(), e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(a.shape())
                        + " but the configuration needs " + Arrays.toString(e.getValue()));
            }
        }
    }

    private PolicyTransformer(PolicyConfig config, DataType floatType, Map<String, INDArray> initial, LoraConfig lora,
                              int headChunkTokens) {
        if (headChunkTokens <= 0) {
            throw new IllegalArgumentException("headChunkTokens must be > 0, got " + headChunkTokens);
        }
        if (floatType != DataType.FLOAT && floatType != DataType.DOUBLE) {
            throw new IllegalArgumentException("floatType must be FLOAT or DOUBLE, got " + floatType);
        }
        CustomOps.ensureRegistered();
        this.config = config;
        this.floatType = floatType;
        this.sd = SameDiff.create();
        // M2.1's default ThreadSafeArrayHolder keeps a per-device duplicate of every variable (twice the weights'
        // memory: 1.98 GB of float32 weights took 4.0 GB once in a graph); the policy is single-threaded, so one
        // plain map suffices, and the arrays handed in by withWeights stay the parameters themselves.
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        this.lora = lora;
        Map<String, long[]> adapterShapes = lora == null ? Map.of() : lora.shapes(config);

        int v = config.vocabSize();
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(config).entrySet()) {
            long[] shape = e.getValue();
            INDArray arr;
            if (initial != null) {
                arr = initial.get(e.getKey());
                if (arr.dataType() != floatType || arr.isView() || arr.ordering() != 'c') {
                    arr = arr.castTo(floatType).dup('c');
                }
            } else {
                float[] init = WeightInit.values(config, e.getKey(), (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b));
                arr = Nd4j.create(init, shape, 'c');
                arr = floatType == DataType.FLOAT ? arr : arr.castTo(floatType);
            }
            if (lora == null) {
                params.put(e.getKey(), sd.var(e.getKey(), arr));
            } else {
                // frozen base: a constant gets no gradient, so the backward pass never forms dW
                frozen.put(e.getKey(), sd.constant(e.getKey(), arr));
            }
        }
        for (Map.Entry<String, long[]> e : adapterShapes.entrySet()) {
            params.put(e.getKey(), sd.var(e.getKey(), LoraInit.initial(lora, e.getKey(), e.getValue(), floatType)));
        }

        SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, -1);   // [B, T]
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT32, -1, -1); // [B, T]
        SDVariable invTau = sd.placeHolder(INV_TAU, floatType, -1, -1);       // [B, T]
        SDVariable shapeBT = sd.shape(tokens);                                // LONG [2] = (B, T)
        SDVariable ids = tokens.reshape(-1);                                  // [N], N = B*T
        SDVariable t = sd.sizeAt(tokens, 1).castTo(DataType.INT32);           // scalar T
        SDVariable zero = sd.constant(Nd4j.scalar(DataType.INT32, 0));
        SDVariable one = sd.constant(Nd4j.scalar(DataType.INT32, 1));
        SDVariable posRow = sd.range(zero, t, one, DataType.INT32);           // [T] = 0..T-1
        SDVariable posIds = sd.zerosLike(tokens).add(posRow).reshape(-1);     // [N] position of each token

        SDVariable x = EmbeddingOp.lookup(sd, param(WeightLayout.TOKEN_EMBEDDING), ids); // [N, D]
        if (config.positions() == PositionKind.LEARNED) {
            x = x.add(EmbeddingOp.lookup(sd, param(WeightLayout.POSITION_EMBEDDING), posIds)); // [N, D]
        }
        Rotary rotary = config.positions() == PositionKind.ROTARY ? new Rotary(posIds) : null;

        SDVariable bthd = sd.concat(0, shapeBT, sd.constant(Nd4j.createFromArray(
                (long) config.numHeads(), (long) config.headDim())));          // (B, T, H, dh)

        if (config.architecture().isHuggingFace()) {
            Shapes shapes = new Shapes(shapeBT);
            for (int l = 0; l < config.numLayers(); l++) {
                SDVariable h = norm(x, WeightLayout.norm1Gain(l), WeightLayout.norm1Bias(l)); // [N, D]
                x = x.add(groupedAttention(h, l, shapes, rotary));                     // [N, D]
                h = norm(x, WeightLayout.norm2Gain(l), WeightLayout.norm2Bias(l));            // [N, D]
                SDVariable gated = SiluMulOp.siluMul(sd, linear(h, l, "gate", config.mlpBias()),
                        linear(h, l, "up", config.mlpBias()));                            // [N, F]
                x = x.add(linear(gated, l, "down", config.mlpBias()));                     // [N, D]
            }
        } else {
            for (int l = 0; l < config.numLayers(); l++) {
                SDVariable h = norm(x, WeightLayout.norm1Gain(l), WeightLayout.norm1Bias(l)); // [N, D]
                x = x.add(attention(h, l, bthd, rotary));                              // [N, D]
                h = norm(x, WeightLayout.norm2Gain(l), WeightLayout.norm2Bias(l));            // [N, D]
                SDVariable up = GeluOp.gelu(sd, h.mmul(param(WeightLayout.mlpUp(l))));   // [N, F]
                x = x.add(up.mmul(param(WeightLayout.mlpDown(l))));                       // [N, D]
            }
        }
        SDVariable xf = norm(x, WeightLayout.FINAL_NORM_GAIN, WeightLayout.FINAL_NORM_BIAS); // [N, D]
        SDVariable z = config.tiedEmbeddings()
                ? sd.mmul(xf, param(WeightLayout.TOKEN_EMBEDDING), false, true, false) // [N, V]
                : xf.mmul(param(WeightLayout.HEAD));                                   // [N, V]

        // logits only when asked for (benchmarks, tests, evaluation); the log-prob and entropy outputs come from the
        // fused chunked head, which never holds [N, V] for the whole batch (VocabHeadOp)
        SDVariable shapeBTV = sd.concat(0, shapeBT, sd.constant(Nd4j.createFromArray((long) v)));
        logits = sd.reshape(LOGITS, z, shapeBTV);                                   // [B, T, V]
        SDVariable headMatrix = param(config.tiedEmbeddings() ? WeightLayout.TOKEN_EMBEDDING : WeightLayout.HEAD);
        SDVariable[] stats = VocabHeadOp.head(sd, xf, headMatrix, config.tiedEmbeddings(), targets.reshape(-1),
                invTau.reshape(-1), headChunkTokens, false);                        // 3 x [N]
        logProbs = sd.reshape(LOG_PROBS, stats[0], shapeBT);                        // [B, T]
        temperedLogProbs = sd.reshape(TEMPERED_LOG_PROBS, stats[1], shapeBT);       // [B, T]
        entropy = sd.reshape(ENTROPY, stats[2], shapeBT);                           // [B, T]
    }

    /** Causal multi-head self-attention of one block, [N, D] to [N, D] (before the residual add). */
    private SDVariable attention(SDVariable h, int layer, SDVariable bthd, Rotary rotary) {
        int d = config.dModel();
        SDVariable qkv = h.mmul(param(WeightLayout.attnQkv(layer)));  // [N, 3D]
        SDVariable[] s = sd.split(qkv, 3, 1);                              // 3 x [N, D]
        SDVariable q = s[0];
        SDVariable k = s[1];
        if (rotary != null) {
            q = rotary.apply(q, config.numHeads());
            k = rotary.apply(k, config.numHeads());
        }
        q = sd.reshape(q, bthd).permute(0, 2, 1, 3);                       // [B, H, T, dh]
        k = sd.reshape(k, bthd).permute(0, 2, 1, 3);                       // [B, H, T, dh]
        SDVariable v = sd.reshape(s[2], bthd).permute(0, 2, 1, 3);         // [B, H, T, dh]
        SDVariable scores = sd.mmul(q, k, false, true, false);             // [B, H, T, T]
        // scaled, causally masked softmax in one op (the stock attention ops have no causal mask in M2.1)
        SDVariable att = CausalSoftmaxOp.weights(sd, scores, 4, 1.0 / Math.sqrt(config.headDim())); // [B, H, T, T]
        SDVariable y = sd.mmul(att, v).permute(0, 2, 1, 3).reshape(-1, d); // [N, D]
        return y.mmul(param(WeightLayout.attnOut(layer)));            // [N, D]
    }

    /** Dynamic shape vectors of the Hugging Face attention, built once per graph. */
    private final class Shapes {
        final SDVariable bthd;  // (B, T, H, dh)
        final SDVariable btkd;  // (B, T, K, dh)
        final SDVariable bkgd;  // (B, K, rep*T, dh): query heads grouped by the key/value head they read
        final SDVariable bhtd;  // (B, H, T, dh)
        final SDVariable gtt;   // (B*K*rep, T, T): score rows of one query head each
        final SDVariable bkgt;  // (B, K, rep*T, T)

        Shapes(SDVariable shapeBT) {
            long h = config.numHeads();
            long k = config.numKvHeads();
            long dh = config.headDim();
            SDVariable b = sd.slice(shapeBT, new int[]{0}, 1);                 // LONG [1]
            SDVariable t = sd.slice(shapeBT, new int[]{1}, 1);                 // LONG [1]
            bthd = sd.concat(0, shapeBT, sd.constant(Nd4j.createFromArray(h, dh)));
            btkd = sd.concat(0, shapeBT, sd.constant(Nd4j.createFromArray(k, dh)));
            bkgd = sd.concat(0, b, sd.constant(Nd4j.createFromArray(k, -1L, dh)));
            bhtd = sd.concat(0, b, sd.constant(Nd4j.createFromArray(h)), t, sd.constant(Nd4j.createFromArray(dh)));
            gtt = sd.concat(0, sd.constant(Nd4j.createFromArray(-1L)), t, t);
            bkgt = sd.concat(0, b, sd.constant(Nd4j.createFromArray(k, -1L)), t);
        }
    }

    /** {@code x W (+ b)} for projection {@code proj} of a Hugging Face block ({@link WeightLayout#projection}). */
    private SDVariable linear(SDVariable x, int layer, String proj, boolean bias) {
        SDVariable y = x.mmul(param(WeightLayout.projection(layer, proj)));
        if (lora != null && lora.targets(proj)) {
            // PEFT's lora_A [r, in] and lora_B [out, r]: y += scale * (x A^T) B^T
            SDVariable xa = sd.mmul(x, params.get(LoraConfig.loraA(layer, proj)), false, true, false); // [N, r]
            SDVariable d = sd.mmul(xa, params.get(LoraConfig.loraB(layer, proj)), false, true, false); // [N, out]
            y = y.add(d.mul(lora.scale()));
        }
        return bias ? y.add(param(WeightLayout.projectionBias(layer, proj))) : y;
    }

    /** A base parameter, trainable or frozen. */
    private SDVariable param(String name) {
        SDVariable v = params.get(name);
        return v != null ? v : frozen.get(name);
    }

    /**
     * Causal grouped-query self-attention of a Hugging Face block (modeling_llama/qwen2/qwen3
     * {@code LlamaAttention}), [N, D] to [N, D] before the residual add: q/k/v projections (+ biases), per-head
     * q/k RMSNorm (Qwen3), rotary, {@code softmax(q k^T * headDim^-0.5)} with query head h reading key/value head
     * h / rep (transformers' {@code repeat_kv}), output projection (+ bias). Keys and values are not repeated:
     * the rep query heads of one key/value head are stacked into one [rep*T, dh] matrix per (batch, kv head).
     */
    private SDVariable groupedAttention(SDVariable h, int layer, Shapes shapes, Rotary rotary) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int dh = config.headDim();
        SDVariable q = linear(h, layer, "q", config.qkvBias());           // [N, H*dh]
        SDVariable k = linear(h, layer, "k", config.qkvBias());           // [N, K*dh]
        SDVariable v = linear(h, layer, "v", config.qkvBias());           // [N, K*dh]
        if (config.qkNorm()) {
            double eps = config.normEpsilon();
            q = NormOp.rmsNorm(sd, q.reshape(-1, dh), param(WeightLayout.qNormGain(layer)), eps).reshape(-1, heads * dh);
            k = NormOp.rmsNorm(sd, k.reshape(-1, dh), param(WeightLayout.kNormGain(layer)), eps).reshape(-1, kvHeads * dh);
        }
        q = rotary.apply(q, heads);
        k = rotary.apply(k, kvHeads);
        q = sd.reshape(q, shapes.bthd).permute(0, 2, 1, 3);                // [B, H, T, dh]
        k = sd.reshape(k, shapes.btkd).permute(0, 2, 1, 3);                // [B, K, T, dh]
        v = sd.reshape(v, shapes.btkd).permute(0, 2, 1, 3);                // [B, K, T, dh]
        double scale = 1.0 / Math.sqrt(dh);
        SDVariable y;
        if (kvHeads == heads) {
            SDVariable scores = sd.mmul(q, k, false, true, false);         // [B, H, T, T]
            SDVariable att = CausalSoftmaxOp.weights(sd, scores, 4, scale);
            y = sd.mmul(att, v);                                           // [B, H, T, dh]
        } else {
            SDVariable qg = sd.reshape(q, shapes.bkgd);                    // [B, K, rep*T, dh]
            SDVariable scores = sd.mmul(qg, k, false, true, false);        // [B, K, rep*T, T]
            SDVariable att = CausalSoftmaxOp.weights(sd, sd.reshape(scores, shapes.gtt), 3, scale); // [B*H, T, T]
            SDVariable yg = sd.mmul(sd.reshape(att, shapes.bkgt), v);      // [B, K, rep*T, dh]
            y = sd.reshape(yg, shapes.bhtd);                               // [B, H, T, dh]
        }
        y = y.permute(0, 2, 1, 3).reshape(-1, heads * dh);                // [N, H*dh]
        return linear(y, layer, "out", config.outBias());                 // [N, D]
    }

    /**
     * Pre-norm over the feature dimension of [N, D]: one fused op with a hand-written gradient ({@link NormOp};
     * the stock layerNorm has no epsilon, and the same formula in stock ops has a very slow backward in M2.1).
     */
    private SDVariable norm(SDVariable x, String gainName, String biasName) {
        double eps = config.normEpsilon();
        SDVariable gain = param(gainName);
        if (config.norm() == NormKind.RMS_NORM) {
            return NormOp.rmsNorm(sd, x, gain, eps);                        // [N, D]
        }
        return NormOp.layerNorm(sd, x, gain, param(biasName), eps);    // [N, D]
    }

    /** Rotary embedding on [N, D] queries or keys, "rotate half" layout per head. */
    private final class Rotary {
        private final SDVariable cos; // [N, 1, dh/2]
        private final SDVariable sin; // [N, 1, dh/2]

        Rotary(SDVariable posIds) {
            RotaryTables tables = new RotaryTables(config);
            long[] shape = {config.maxSeqLen(), tables.half()};
            INDArray c = Nd4j.create(tables.cos(), shape, 'c').castTo(floatType);
            INDArray s = Nd4j.create(tables.sin(), shape, 'c').castTo(floatType);
            cos = EmbeddingOp.lookup(sd, sd.constant("rope_cos", c), posIds).reshape(-1, 1, tables.half());
            sin = EmbeddingOp.lookup(sd, sd.constant("rope_sin", s), posIds).reshape(-1, 1, tables.half());
        }

        /** Rotates {@code x [N, heads * dh]}: per head, (x1, x2) to (x1 cos - x2 sin, x2 cos + x1 sin). */
        SDVariable apply(SDVariable x, int heads) {
            SDVariable xh = x.reshape(-1, heads, config.headDim());             // [N, H, dh]
            SDVariable[] p = sd.split(xh, 2, 2);                                // 2 x [N, H, dh/2]
            SDVariable r1 = p[0].mul(cos).sub(p[1].mul(sin));                   // [N, H, dh/2]
            SDVariable r2 = p[0].mul(sin).add(p[1].mul(cos));                   // [N, H, dh/2]
            return sd.concat(2, r1, r2).reshape(-1, heads * config.headDim());  // [N, H*dh]
        }
    }

    /** @return the configuration */
    public PolicyConfig config() {
        return config;
    }

    /** @return FLOAT or DOUBLE */
    public DataType floatType() {
        return floatType;
    }

    /** @return the SameDiff graph, to which losses may add ops */
    public SameDiff graph() {
        return sd;
    }

    /** @return [B, T, V] logits */
    public SDVariable logits() {
        return logits;
    }

    /** @return [B, T] log softmax(z)[target] at tau = 1 */
    public SDVariable logProbs() {
        return logProbs;
    }

    /** @return [B, T] log softmax(z * invTau)[target] */
    public SDVariable temperedLogProbs() {
        return temperedLogProbs;
    }

    /** @return [B, T] entropy of softmax(z) */
    public SDVariable entropy() {
        return entropy;
    }

    /**
     * Marks a scalar variable of this graph as the loss that {@link #gradients} differentiates.
     * Call it again after adding ops that change the loss: it drops the cached gradient graph.
     *
     * @param scalarLoss a scalar variable of {@link #graph()}
     */
    public void setLoss(SDVariable scalarLoss) {
        if (scalarLoss == null || scalarLoss.getSameDiff() != sd) {
            throw new IllegalArgumentException("the loss must be a variable of this policy's graph()");
        }
        sd.setLossVariables(scalarLoss.name());
        lossName = scalarLoss.name();
    }

    /** @return the loss variable's name, or null when none is set */
    public String lossName() {
        return lossName;
    }

    /** @return the adapters, or null for full fine-tuning */
    public LoraConfig lora() {
        return lora;
    }

    /**
     * The trainable parameters: every weight for full fine-tuning, the adapters only with LoRA. These are what
     * {@link #gradients} differentiates and what an optimiser steps.
     *
     * @return parameter name to the live parameter array, in {@link WeightLayout} (or adapter) order (unmodifiable)
     */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, SDVariable> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().getArr());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * @return the frozen base weights with LoRA (name to live array, {@link WeightLayout} order), empty for full
     *         fine-tuning (unmodifiable)
     */
    public Map<String, INDArray> frozenParameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, SDVariable> e : frozen.entrySet()) {
            out.put(e.getKey(), e.getValue().getArr());
        }
        return Collections.unmodifiableMap(out);
    }

    /** @return frozen then trainable parameters (base weights in {@link WeightLayout} order, then adapters) */
    public Map<String, INDArray> allParameters() {
        Map<String, INDArray> out = new LinkedHashMap<>(frozenParameters());
        out.putAll(parameters());
        return Collections.unmodifiableMap(out);
    }

    /** @return the total number of scalar parameters (base and adapters) */
    public long parameterCount() {
        long n = WeightLayout.parameterCount(config);
        if (lora != null) {
            for (long[] shape : lora.shapes(config).values()) {
                n += shape[0] * shape[1];
            }
        }
        return n;
    }

    /**
     * Runs the forward pass.
     *
     * @param placeholders {@link #TOKENS} (required), {@link #TARGETS} (for log-prob outputs), {@link #INV_TAU}
     *                     (optional, defaults to ones) and any placeholders other code added
     * @param outputs names of the variables to compute, e.g. {@link #LOG_PROBS}
     * @return output name to value
     * @throws IllegalArgumentException for invalid inputs (bad ids, T &gt; maxSeqLen, empty batch, shape mismatch)
     */
    public Map<String, INDArray> forward(Map<String, INDArray> placeholders, String... outputs) {
        if (outputs.length == 0) {
            throw new IllegalArgumentException("name at least one output, e.g. " + LOG_PROBS + " or " + LOGITS);
        }
        Map<String, INDArray> ph = prepare(placeholders, outputs);
        return sd.output(ph, outputs);
    }

    /**
     * Computes the gradient of the loss set by {@link #setLoss} with respect to every parameter.
     *
     * @param placeholders as for {@link #forward}, plus whatever the loss needs
     * @param extraOutputs further variables to return alongside (e.g. {@link #LOG_PROBS})
     * @return the loss, the gradients in {@link #parameters()} order and the requested outputs
     * @throws IllegalStateException when no loss is set
     */
    public GradientResult gradients(Map<String, INDArray> placeholders, String... extraOutputs) {
        if (lossName == null) {
            throw new IllegalStateException("no loss is set: add a scalar loss to graph() and call setLoss(...) first");
        }
        Map<String, INDArray> ph = prepare(placeholders, extraOutputs);
        QuietGradientBuild.ensureGradFunction(sd);
        List<String> outs = new ArrayList<>();
        outs.add(lossName);
        for (String o : extraOutputs) {
            if (!outs.contains(o)) {
                outs.add(o);
            }
        }
        // Not sd.calculateGradientsAndOutputs: in DL4J 1.0.0-M2.1 it switches the gradient function's array
        // cache off (gradFn.setEnableCache(false)), so every call allocates all its intermediate arrays afresh
        // (~300 MB per step for the tiny benchmark model, 20-30 % of the step in allocation and page faults).
        // Running the same gradient function with its cache on reuses them; results are bit-identical.
        SameDiff gradFn = sd.getFunction("grad");
        List<String> all = new ArrayList<>(outs);
        Map<String, String> gradVar = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            SDVariable gv = sd.getVariable(name).getGradient();
            if (gv != null) {
                gradVar.put(name, gv.name());
                all.add(gv.name());
            }
        }
        Map<String, INDArray> res = gradFn.output(ph, all.toArray(new String[0]));
        Map<String, INDArray> gradsByParam = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : gradVar.entrySet()) {
            gradsByParam.put(e.getKey(), res.get(e.getValue()));
        }
        Map<String, INDArray> outputs = new LinkedHashMap<>();
        for (String o : outs) {
            outputs.put(o, res.get(o));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            INDArray g = gradsByParam.get(name);
            if (g == null) {
                throw new IllegalStateException("the loss '" + lossName + "' does not depend on parameter " + name);
            }
            grads.put(name, g);
        }
        INDArray loss = outputs.get(lossName);
        if (loss.length() != 1) {
            throw new IllegalStateException("the loss '" + lossName + "' must be a scalar, got shape "
                    + Arrays.toString(loss.shape()));
        }
        return new GradientResult(loss.getDouble(0), grads, outputs);
    }

    private Map<String, INDArray> prepare(Map<String, INDArray> placeholders, String[] outputs) {
        Map<String, INDArray> ph = PolicyInputs.prepare(config, floatType, placeholders);
        for (String o : outputs) {
            if ((o.equals(LOG_PROBS) || o.equals(TEMPERED_LOG_PROBS)) && !ph.containsKey(TARGETS)) {
                throw new IllegalArgumentException("output '" + o + "' needs placeholder '" + TARGETS
                        + "' (INT32 [B, T] next-token ids)");
            }
            if (!sd.hasVariable(o)) {
                throw new IllegalArgumentException("the graph has no variable named '" + o + "'");
            }
        }
        if (!ph.containsKey(TARGETS)) {
            // the fused head also takes the targets; entropy does not depend on them, so any valid ids do
            INDArray tokens = ph.get(TOKENS);
            ph.put(TARGETS, Nd4j.zeros(DataType.INT32, tokens.size(0), tokens.size(1)));
        }
        return ph;
    }

    /**
     * SHA-256 over every parameter ({@link #allParameters()}: base weights in {@link WeightLayout} order, then any
     * adapters): the name (UTF-8), the shape and the
     * IEEE bits of each element (little-endian float32, or float64 for a DOUBLE model). Equal hashes mean
     * bit-identical weights.
     *
     * @return the hash as 64 lowercase hex digits
     */
    public String weightsSha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        for (Map.Entry<String, INDArray> e : allParameters().entrySet()) {
            INDArray a = e.getValue();
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            ByteBuffer shape = ByteBuffer.allocate(8 * (a.rank() + 1)).order(ByteOrder.LITTLE_ENDIAN);
            shape.putLong(a.rank());
            for (long s : a.shape()) {
                shape.putLong(s);
            }
            md.update(shape.array());
            ByteBuffer bytes;
            if (floatType == DataType.FLOAT) {
                float[] v = HostArrays.toFloats(a);
                bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
            } else {
                double[] v = a.dup('c').data().asDouble();
                bytes = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asDoubleBuffer().put(v);
            }
            md.update(bytes.array());
        }
        StringBuilder sb = new StringBuilder(64);
        for (byte b : md.digest()) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
