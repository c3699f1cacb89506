package org.ead4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PyTorch peer of {@link PolicyTransformer}: the same network written with DJL's NDArray API on the
 * PyTorch engine (libtorch 2.7.1), holding a copy of our weights.
 *
 * <p>Architecture replicated exactly (see {@link WeightLayout}): pre-norm blocks, LayerNorm (torch
 * {@code layer_norm}: population variance, gain and bias, eps from the config), GELU as
 * {@code x * sigmoid(1.702 x)} (ND4J's {@code gelu}), learned positions, causal softmax attention scaled by
 * {@code 1/sqrt(dh)}, no linear biases, weights {@code [in, out]} with {@code y = x W}, qkv columns
 * {@code [q | k | v]} with head h at columns {@code h*dh .. (h+1)*dh}, untied head. Other options
 * (RMSNorm, rotary, tied head) are not implemented: the benchmark presets do not use them.
 *
 * <p>Three uses: {@link #logits} (full forward, the training path), a KV-cache decoder ({@link #newDecode},
 * preallocated {@code [B, H, capacity, dh]} caches written in place, prompts fed in chunks), and
 * {@link #trainStep} (forward, {@code GradientCollector} backward, DJL's fused Adam). Every call runs in a
 * sub-manager that is closed at its end, so temporaries are freed eagerly, as PyTorch's reference counting
 * would. Not thread-safe.
 */
public final class DjlPolicy implements TorchPeer {

    /** The DJL engine name of PyTorch. */
    public static final String ENGINE = "PyTorch";

    private final PolicyConfig cfg;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final int d;
    private final int heads;
    private final int headDim;
    private final float eps;
    private final float scale;
    private final NDArray causal; // [maxSeqLen, maxSeqLen]: 0 where key <= query, -1e9 above the diagonal
    private Optimizer optimizer;

    /**
     * Copies a policy's weights into PyTorch tensors.
     *
     * @param config the configuration (LayerNorm, learned positions, untied head)
     * @param parameters our parameters, {@link WeightLayout} names, FLOAT
     * @param trainable whether the tensors record gradients (for {@link #trainStep})
     * @throws IllegalArgumentException for a configuration this peer does not implement
     */
    public DjlPolicy(PolicyConfig config, Map<String, INDArray> parameters, boolean trainable) {
        if (config.norm() != NormKind.LAYER_NORM || config.positions() != PositionKind.LEARNED || config.tiedEmbeddings()) {
            throw new IllegalArgumentException("the PyTorch peer implements LAYER_NORM + LEARNED positions + untied head only; got "
                    + config.norm() + ", " + config.positions() + ", tiedEmbeddings = " + config.tiedEmbeddings());
        }
        this.cfg = config;
        this.manager = Engine.getEngine(ENGINE).newBaseManager();
        this.d = config.dModel();
        this.heads = config.numHeads();
        this.headDim = config.headDim();
        this.eps = (float) config.normEpsilon();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(config).entrySet()) {
            INDArray src = parameters.get(e.getKey());
            if (src == null || !Arrays.equals(src.shape(), e.getValue())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is missing or not shaped "
                        + Arrays.toString(e.getValue()));
            }
            NDArray p = manager.create(HostArrays.toFloats(src), new Shape(e.getValue()));
            p.setName(e.getKey());
            if (trainable) {
                p.setRequiresGradient(true);
            }
            params.put(e.getKey(), p);
        }
        int n = config.maxSeqLen();
        float[] mask = new float[n * n];
        for (int q = 0; q < n; q++) {
            for (int k = q + 1; k < n; k++) {
                mask[q * n + k] = -1e9f;
            }
        }
        causal = manager.create(mask, new Shape(n, n));
    }

    /**
     * Sets libtorch's intra-op threads (loading the engine if needed).
     *
     * @param threads threads for one operation
     * @return the thread count libtorch now reports
     */
    public static int configureThreads(int threads) {
        Engine.getEngine(ENGINE);
        JniUtils.setNumThreads(threads);
        return JniUtils.getNumThreads();
    }

    /**
     * The thread count that keeps the peers comparable: OMP_NUM_THREADS (ND4J's OpenBLAS and OpenMP use it;
     * {@code ./ead} sets it to 1), else 1.
     *
     * @return threads
     */
    public static int defaultThreads() {
        try {
            return Math.max(1, Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** @return the configuration */
    @Override
    public PolicyConfig config() {
        return cfg;
    }

    /** @return the tensors by {@link WeightLayout} name (live) */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** @return the manager owning the weights */
    @Override
    public NDManager manager() {
        return manager;
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    // ------------------------------------------------------------------ full forward

    /**
     * Full forward pass (no cache).
     *
     * @param tokens token ids [B][T], T at most maxSeqLen
     * @return logits [B][T][V] copied to Java, row-major
     */
    @Override
    public float[] logits(int[][] tokens) {
        try (NDManager sub = manager.newSubManager()) {
            return forward(sub, ids(sub, tokens)).toFloatArray();
        }
    }

    /** Logits [B, T, V] of token ids [B, T] (INT64, owned by the caller's manager). */
    private NDArray forward(NDManager sub, NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray x = embed(ids, 0);                                       // [B, T, D]
        for (int l = 0; l < cfg.numLayers(); l++) {
            x = block(sub, x, l, 0, null, null, t > 1 ? causal.get(sub, new NDIndex("0:{}, 0:{}", t, t)) : null);
        }
        return head(x);
    }

    /** Token + position embedding of ids [B, C] at positions start..start+C-1: [B, C, D] in the ids' manager. */
    private NDArray embed(NDArray ids, long start) {
        long c = ids.getShape().get(1);
        NDArray x = ids.getNDArrayInternal().embedding(ids, p(WeightLayout.TOKEN_EMBEDDING), SparseFormat.DENSE).get(0);
        return x.add(p(WeightLayout.POSITION_EMBEDDING).get(ids.getManager(), new NDIndex("{}:{}", start, start + c)));
    }

    /**
     * One pre-norm block on x [B, C, D] at positions start..start+C-1. With caches, k and v are written to
     * positions [start, start + C) of kCache/vCache [B, H, capacity, dh] and attention reads [0, start + C).
     */
    private NDArray block(NDManager sub, NDArray x, int l, long start, NDArray kCache, NDArray vCache, NDArray mask) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        NDArray h = norm(x, WeightLayout.norm1Gain(l), WeightLayout.norm1Bias(l));
        NDList qkv = h.matMul(p(WeightLayout.attnQkv(l))).split(3, 2);   // 3 x [B, C, D]
        NDArray q = heads(qkv.get(0), b, c);                            // [B, H, C, dh]
        NDArray k = heads(qkv.get(1), b, c);
        NDArray v = heads(qkv.get(2), b, c);
        if (kCache != null) {
            NDIndex written = new NDIndex(":, :, {}:{}", start, start + c);
            kCache.set(written, k);
            vCache.set(written, v);
            NDIndex upTo = new NDIndex(":, :, 0:{}", start + c);
            k = kCache.get(sub, upTo);                                  // [B, H, n, dh]
            v = vCache.get(sub, upTo);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).muli(scale); // [B, H, C, n]
        if (mask != null) {
            scores = scores.addi(mask);                                 // [C, n] broadcast
        }
        NDArray y = scores.softmax(3).matMul(v)                          // [B, H, C, dh]
                .transpose(0, 2, 1, 3).reshape(b, c, d);                 // [B, C, D]
        x = x.add(y.matMul(p(WeightLayout.attnOut(l))));
        h = norm(x, WeightLayout.norm2Gain(l), WeightLayout.norm2Bias(l));
        NDArray up = h.matMul(p(WeightLayout.mlpUp(l)));                 // [B, C, F]
        NDArray gelu = up.mul(up.mul(1.702f).getNDArrayInternal().sigmoid());
        return x.add(gelu.matMul(p(WeightLayout.mlpDown(l))));
    }

    private NDArray heads(NDArray a, long b, long c) {
        return a.reshape(b, c, heads, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray norm(NDArray x, String gain, String bias) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(d), p(gain), p(bias), eps).get(0);
    }

    private NDArray head(NDArray x) {
        return norm(x, WeightLayout.FINAL_NORM_GAIN, WeightLayout.FINAL_NORM_BIAS).matMul(p(WeightLayout.HEAD));
    }

    private static NDArray ids(NDManager m, int[][] tokens) {
        int b = tokens.length;
        int t = tokens[0].length;
        long[] flat = new long[b * t];
        for (int r = 0; r < b; r++) {
            if (tokens[r].length != t) {
                throw new IllegalArgumentException("the PyTorch peer takes rows of equal length; row " + r + " has "
                        + tokens[r].length + ", row 0 has " + t);
            }
            for (int j = 0; j < t; j++) {
                flat[r * t + j] = tokens[r][j];
            }
        }
        return m.create(flat, new Shape(b, t));
    }

    // ------------------------------------------------------------------ KV-cache decoding

    /**
     * Starts a KV-cache decode of a batch.
     *
     * @param batch rows B
     * @param capacity positions per row (prompt + generated), at most maxSeqLen
     * @param chunkTokens prompt tokens (B x positions) fed per forward call during prefill; bounds the
     *                    activations, as our decoder's prefill chunks do
     * @return the decode state (close it to free the cache)
     */
    @Override
    public Decode newDecode(int batch, int capacity, int chunkTokens) {
        if (capacity < 1 || capacity > cfg.maxSeqLen()) {
            throw new IllegalArgumentException("capacity = " + capacity + " must be in [1, " + cfg.maxSeqLen() + "]");
        }
        return new Decode(batch, capacity, Math.max(1, chunkTokens / batch));
    }

    /**
     * The cache and position of one batch being decoded (all rows at the same position).
     */
    public final class Decode implements TorchPeer.Decode {
        private final NDManager state;
        private final NDArray[] keys;   // per layer [B, H, capacity, dh]
        private final NDArray[] values; // per layer [B, H, capacity, dh]
        private final int batch;
        private final int capacity;
        private final int chunk;
        private int length;
        private float[] logits = new float[0];

        private Decode(int batch, int capacity, int chunk) {
            this.state = manager.newSubManager();
            this.batch = batch;
            this.capacity = capacity;
            this.chunk = chunk;
            Shape shape = new Shape(batch, heads, capacity, headDim);
            keys = new NDArray[cfg.numLayers()];
            values = new NDArray[cfg.numLayers()];
            for (int l = 0; l < keys.length; l++) {
                keys[l] = state.zeros(shape, DataType.FLOAT32);
                values[l] = state.zeros(shape, DataType.FLOAT32);
            }
        }

        /**
         * Feeds the prompts (equal lengths) in chunks; leaves the last position's logits in {@link #logits()}.
         *
         * @param prompts [B][P]
         */
        public void prefill(int[][] prompts) {
            int len = prompts[0].length;
            if (prompts.length != batch || len < 1 || len > capacity) {
                throw new IllegalArgumentException("prefill needs " + batch + " prompts of 1.." + capacity + " tokens");
            }
            length = 0;
            for (int from = 0; from < len; from += chunk) {
                int to = Math.min(len, from + chunk);
                int[][] part = new int[batch][];
                for (int r = 0; r < batch; r++) {
                    part[r] = Arrays.copyOfRange(prompts[r], from, to);
                }
                try (NDManager sub = state.newSubManager()) {
                    feed(sub, ids(sub, part), to == len);
                }
            }
        }

        /**
         * Feeds one token per row.
         *
         * @param tokens [B] token ids
         */
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
            long start = length;
            NDArray mask = c > 1 ? causal.get(sub, new NDIndex("{}:{}, 0:{}", start, start + c, start + c)) : null;
            NDArray x = embed(ids, start);                              // [B, C, D]
            for (int l = 0; l < keys.length; l++) {
                x = block(sub, x, l, start, keys[l], values[l], mask);
            }
            length += (int) c;
            if (wantLogits) {
                NDArray last = x.get(sub, new NDIndex(":, {}:{}", c - 1, c)); // [B, 1, D]
                logits = head(last).toFloatArray();                      // [B * V]
            }
        }

        /** @return logits of each row's last fed position, [B * V] row-major (a fresh array per call that produced it) */
        public float[] logits() {
            return logits;
        }

        /** @return positions fed so far */
        public int length() {
            return length;
        }

        /** @return bytes of the K and V caches */
        public long cacheBytes() {
            return 2L * keys.length * batch * heads * capacity * headDim * Float.BYTES;
        }

        @Override
        public void close() {
            state.close();
        }
    }

    // ------------------------------------------------------------------ training

    /**
     * Sets the optimiser of {@link #trainStep}: DJL's Adam (fused libtorch update), no weight decay.
     *
     * @param learningRate the fixed learning rate
     */
    public void useAdam(float learningRate) {
        optimizer = Adam.builder().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    }

    /**
     * One training step on loss = mean over all positions of -log softmax(z)[target]: forward, backward
     * through libtorch autograd, one Adam update of every parameter, gradients zeroed.
     *
     * @param tokens [B][T] input ids
     * @param targets [B][T] next-token ids
     * @return the loss before the update
     */
    public float trainStep(int[][] tokens, int[][] targets) {
        if (optimizer == null) {
            useAdam(1e-3f);
        }
        float loss;
        try (NDManager sub = manager.newSubManager()) {
            NDArray ids = ids(sub, tokens);
            NDArray tgt = ids(sub, targets);
            try (GradientCollector gc = Engine.getEngine(ENGINE).newGradientCollector()) {
                NDArray nll = lossOf(sub, ids, tgt);
                gc.backward(nll);
                loss = nll.getFloat();
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray w = e.getValue();
                try (NDArray g = w.getGradient()) {
                    optimizer.update(e.getKey(), w, g);
                    g.subi(g); // libtorch accumulates gradients: zero them for the next step
                }
            }
        }
        return loss;
    }

    /**
     * The gradients of the training loss without an update (for checking against ours).
     *
     * @param tokens [B][T] input ids
     * @param targets [B][T] next-token ids
     * @return name to gradient, row-major, {@link WeightLayout} order; the loss under key {@code "loss"}
     */
    public Map<String, float[]> gradients(int[][] tokens, int[][] targets) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager sub = manager.newSubManager()) {
            NDArray ids = ids(sub, tokens);
            NDArray tgt = ids(sub, targets);
            try (GradientCollector gc = Engine.getEngine(ENGINE).newGradientCollector()) {
                NDArray nll = lossOf(sub, ids, tgt);
                gc.backward(nll);
                out.put("loss", new float[]{nll.getFloat()});
            }
            List<NDArray> grads = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                grads.add(g);
                out.put(e.getKey(), g.toFloatArray());
            }
            for (NDArray g : grads) {
                g.subi(g);
                g.close();
            }
        }
        return out;
    }

    private NDArray lossOf(NDManager sub, NDArray ids, NDArray targets) {
        NDArray lsm = forward(sub, ids).logSoftmax(2);                   // [B, T, V]
        return lsm.gather(targets.expandDims(2), 2).mean().neg();        // scalar
    }

    @Override
    public void close() {
        manager.close();
    }
}
