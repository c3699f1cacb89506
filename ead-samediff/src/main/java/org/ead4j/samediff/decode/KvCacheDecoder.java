package org.ead4j.samediff.decode;

import java.util.Arrays;
import java.util.Map;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.LoraMerge;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.policy.RotaryTables;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batched autoregressive generation with a KV cache, for rollouts: the same function as
 * {@link PolicyTransformer}'s logits, computed incrementally on the decoder's own copy of the weights, for every
 * {@link org.ead4j.samediff.policy.Architecture} (grouped-query models cache only their key/value heads).
 *
 * <p>Flow (nanoGPT's {@code generate} with a cache, llama3.java's preallocated state): {@link #prefill} runs
 * all prompt tokens of all rows (row by row, in chunks of {@link #PREFILL_CHUNK} tokens), filling the cache and
 * the logits of each row's last prompt token; each {@link #step} feeds one new token per listed row.
 * {@link #generate} loops: ask the {@link TokenChooser} for each active row's token, retire rows that
 * produced a stop token or reached their length limit, feed the others. Rows may have different prompt
 * lengths and stop at different steps; finished rows cost nothing.
 *
 * <p>Kernels are plain Java on {@code float[]} rows (see {@link MatMul}, {@link KvCache}), optionally split
 * over several threads, with results independent of the thread count; large projections of large batches
 * run through {@code Nd4j.gemm} instead (BLAS on CPU, the GPU on CUDA; see {@link DecoderOptions}).
 * Nothing in the API assumes the CPU backend. The decoder reads its own copy of the weights: call
 * {@link #syncWeights()} after every optimiser update. Not thread-safe; {@link #close()} stops its threads.
 */
public final class KvCacheDecoder implements AutoCloseable {

    /** Tokens per prefill chunk (bounds the activation buffers). */
    public static final int PREFILL_CHUNK = 256;
    /** Below this many floats of work per call, element-wise loops stay on one thread. */
    private static final int PARALLEL_MIN_FLOATS = 1 << 14;

    private final PolicyConfig cfg;
    private final DecoderOptions options;
    private final DecoderWeights weights;
    private final LoraMerge.Live merge;
    private final ParallelRanges parallel;
    private final MatMul matmul;
    private final RotaryTables rope;
    private final int vocab;
    private final int d;
    private final int heads;
    private final int kvHeads;
    private final int groupSize;  // query heads per key/value head (GQA), 1 without
    private final int headDim;
    private final int qDim;       // H * dh: where k starts in a q | k | v row
    private final int kvDim;      // K * dh
    private final boolean huggingFace;
    private final int ffn;
    private final float eps;
    private final boolean layerNorm;

    // state of the current batch
    private KvCache cache;
    private int rows;
    private float[] logits = new float[0];   // [rows * V] row r at offset r * V
    private boolean[] seen = new boolean[0]; // [rows] duplicate check in step

    // activations of one token batch of up to maxTokens tokens, grown on demand
    private int maxTokens;
    private int[] tokRow;        // [M] row of each token
    private int[] tokPos;        // [M] position of each token
    private int[] tokId;         // [M] token id
    private boolean[] tokLogits; // [M] whether this token's logits are wanted
    private float[][] x;         // [M][D] residual stream
    private float[][] h;         // [M][D] normed input of a sub-layer
    private float[][] qkv;       // [M][(H+2K)*dh] q | k | v
    private float[][] att;       // [M][H*dh] attention output before projection
    private float[][] proj;      // [M][D] sub-layer output
    private float[][] ff;        // [M][F] MLP hidden
    private float[][] gateUp;    // [M][2F] SwiGLU gate | up projections, null for GELU
    private float[][] headOut;   // [M][V] logits of the selected tokens
    private int[] headRow;       // [M] row of each selected token

    /**
     * A decoder over a policy's weights with {@link DecoderOptions#defaults()}.
     *
     * @param policy the policy (its current weights are copied now and on every {@link #syncWeights()})
     */
    public KvCacheDecoder(PolicyTransformer policy) {
        this(policy, DecoderOptions.defaults());
    }

    /**
     * A decoder over a policy's weights.
     *
     * @param policy the policy (its current weights are copied now and on every {@link #syncWeights()})
     * @param options kernel settings
     */
    public KvCacheDecoder(PolicyTransformer policy, DecoderOptions options) {
        this(policy.config(), LoraMerge.live(policy), options);
    }

    /**
     * A decoder over a parameter map laid out as in {@link org.ead4j.samediff.policy.WeightLayout}.
     *
     * @param config the configuration
     * @param parameters name to array (read on construction and by {@link #syncWeights()})
     * @param options kernel settings
     */
    public KvCacheDecoder(PolicyConfig config, Map<String, INDArray> parameters, DecoderOptions options) {
        this(config, LoraMerge.Live.fixed(parameters), options);
    }

    private KvCacheDecoder(PolicyConfig config, LoraMerge.Live merge, DecoderOptions options) {
        this.cfg = config;
        this.options = options;
        this.merge = merge;
        this.weights = new DecoderWeights(config, merge.weights(), merge.constant(), options);
        this.parallel = new ParallelRanges(options.threads());
        this.matmul = new MatMul(options.gemmMinRows(), parallel);
        this.rope = config.positions() == PositionKind.ROTARY ? new RotaryTables(config) : null;
        this.vocab = config.vocabSize();
        this.d = config.dModel();
        this.heads = config.numHeads();
        this.kvHeads = config.numKvHeads();
        this.groupSize = heads / kvHeads;
        this.headDim = config.headDim();
        this.qDim = heads * headDim;
        this.kvDim = kvHeads * headDim;
        this.huggingFace = config.architecture().isHuggingFace();
        this.ffn = config.ffnWidth();
        this.eps = (float) config.normEpsilon();
        this.layerNorm = config.norm() == NormKind.LAYER_NORM;
    }

    /**
     * Copies the current weights from the source arrays; call after every optimiser update. With LoRA the
     * targeted projections are first re-merged ({@code W + scale * (B A)^T}, {@link LoraMerge}).
     */
    public void syncWeights() {
        merge.refresh();
        weights.sync();
    }

    /** @return the configuration */
    public PolicyConfig config() {
        return cfg;
    }

    /** @return the kernel settings */
    public DecoderOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ generation

    /**
     * Generates a response for every prompt.
     *
     * @param prompts token ids per row; rows may differ in length; each non-empty and shorter than maxSeqLen
     * @param maxNewTokens the most tokens to generate per row (&gt;= 0)
     * @param stopTokens ids that end a response (kept as its last token); null or empty for none
     * @param chooser picks each token from the logits
     * @return per row the generated tokens and the finish reason
     * @throws IllegalArgumentException for an empty batch, empty or too long prompts, ids out of range, or a
     *                                  chooser returning an id out of range
     */
    public DecodeResult generate(int[][] prompts, int maxNewTokens, int[] stopTokens, TokenChooser chooser) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens = " + maxNewTokens + " is invalid: must be >= 0");
        }
        if (chooser == null) {
            throw new IllegalArgumentException("chooser must not be null");
        }
        boolean[] isStop = new boolean[vocab];
        if (stopTokens != null) {
            for (int s : stopTokens) {
                if (s < 0 || s >= vocab) {
                    throw new IllegalArgumentException("stop token " + s + " is out of range [0, " + vocab + ")");
                }
                isStop[s] = true;
            }
        }
        checkPrompts(prompts, cfg.maxSeqLen() - 1, "must be shorter than maxSeqLen = " + cfg.maxSeqLen()
                + " to leave room for a response");
        int b = prompts.length;
        int maxPrompt = 0;
        for (int[] p : prompts) {
            maxPrompt = Math.max(maxPrompt, p.length);
        }
        int[][] out = new int[b][];
        FinishReason[] reasons = new FinishReason[b];
        if (maxNewTokens == 0) {
            Arrays.fill(reasons, FinishReason.LENGTH);
            for (int r = 0; r < b; r++) {
                out[r] = new int[0];
            }
            return new DecodeResult(out, reasons);
        }
        prefill(prompts, Math.min(cfg.maxSeqLen(), maxPrompt + maxNewTokens));

        int[][] gen = new int[b][maxNewTokens];
        int[] count = new int[b];
        boolean[] done = new boolean[b];
        int[] feedRows = new int[b];
        int[] feedTokens = new int[b];
        while (true) {
            int n = 0;
            for (int r = 0; r < b; r++) {
                if (done[r]) {
                    continue;
                }
                int tok = chooser.choose(r, count[r], logits, r * vocab, vocab);
                if (tok < 0 || tok >= vocab) {
                    throw new IllegalArgumentException("TokenChooser returned token " + tok + " for row " + r + ", position "
                            + count[r] + ": must be in [0, " + vocab + ")");
                }
                gen[r][count[r]++] = tok;
                if (isStop[tok]) {
                    done[r] = true;
                    reasons[r] = FinishReason.STOP;
                } else if (count[r] == maxNewTokens || prompts[r].length + count[r] >= cfg.maxSeqLen()) {
                    done[r] = true;
                    reasons[r] = FinishReason.LENGTH;
                } else {
                    feedRows[n] = r;
                    feedTokens[n] = tok;
                    n++;
                }
            }
            if (n == 0) {
                break;
            }
            step(feedRows, feedTokens, n);
        }
        for (int r = 0; r < b; r++) {
            out[r] = Arrays.copyOf(gen[r], count[r]);
        }
        return new DecodeResult(out, reasons);
    }

    // ------------------------------------------------------------------ low-level API

    /**
     * Starts a batch: runs every prompt token through the model, filling the cache, and leaves the logits of
     * each row's last prompt token in {@link #logits()}.
     *
     * @param prompts token ids per row, each non-empty and at most {@code capacity} long
     * @param capacity positions to reserve per row (prompt + tokens to be fed), at most maxSeqLen
     */
    public void prefill(int[][] prompts, int capacity) {
        if (capacity < 1 || capacity > cfg.maxSeqLen()) {
            throw new IllegalArgumentException("capacity = " + capacity + " is invalid: must be in [1, maxSeqLen = "
                    + cfg.maxSeqLen() + "]");
        }
        checkPrompts(prompts, capacity, "must fit the capacity of " + capacity + " positions");
        int b = prompts.length;
        if (cache == null || cache.rows < b || cache.capacity < capacity) {
            cache = null; // let the old cache go before allocating the new one
            cache = new KvCache(cfg.numLayers(), b, capacity, kvHeads, headDim);
        }
        rows = b;
        Arrays.fill(cache.length, 0);
        if (logits.length < b * vocab) {
            logits = new float[b * vocab];
            seen = new boolean[b];
        }
        long total = 0;
        for (int[] p : prompts) {
            total += p.length;
        }
        ensureTokens((int) Math.min(Math.max(total, b), Math.max(PREFILL_CHUNK, b)));
        // row-major order: a row's prompt tokens are consecutive, so its keys and values stay in the CPU caches
        // while its queries attend to them (position-major order re-read every row's cache once per position:
        // 3x slower prefill attention at batch 64). When a token is processed, all earlier positions of its
        // row are cached, by an earlier chunk or by this chunk's cache write, which precedes its attention.
        int m = 0;
        for (int r = 0; r < b; r++) {
            int[] p = prompts[r];
            for (int pos = 0; pos < p.length; pos++) {
                tokRow[m] = r;
                tokPos[m] = pos;
                tokId[m] = p[pos];
                tokLogits[m] = pos == p.length - 1;
                m++;
                if (m == maxTokens) {
                    forward(m);
                    m = 0;
                }
            }
        }
        if (m > 0) {
            forward(m);
        }
    }

    /**
     * Feeds one token to each listed row (at position {@link #length(int)}) and updates those rows' logits.
     *
     * @param rowIds rows to advance (distinct, each prefilled and not full)
     * @param tokens the token fed to each row
     */
    public void step(int[] rowIds, int[] tokens) {
        if (rowIds.length != tokens.length) {
            throw new IllegalArgumentException("rowIds and tokens differ in length: " + rowIds.length + " vs " + tokens.length);
        }
        step(rowIds, tokens, rowIds.length);
    }

    private void step(int[] rowIds, int[] tokens, int n) {
        if (cache == null) {
            throw new IllegalStateException("call prefill(...) before step(...)");
        }
        ensureTokens(n);
        for (int i = 0; i < n; i++) {
            int r = rowIds[i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("row " + r + " is out of range [0, " + rows + ")");
            }
            int pos = cache.length[r];
            if (pos >= cache.capacity) {
                throw new IllegalArgumentException("row " + r + " is full: " + pos + " positions cached, capacity "
                        + cache.capacity);
            }
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token " + tokens[i] + " for row " + r + " is out of range [0, " + vocab + ")");
            }
            tokRow[i] = r;
            tokPos[i] = pos;
            tokId[i] = tokens[i];
            tokLogits[i] = true;
        }
        boolean duplicate = false;
        for (int i = 0; i < n && !duplicate; i++) {
            duplicate = seen[tokRow[i]];
            seen[tokRow[i]] = true;
        }
        for (int i = 0; i < n; i++) {
            seen[tokRow[i]] = false;
        }
        if (duplicate) {
            throw new IllegalArgumentException("a row is listed twice in one step: " + Arrays.toString(Arrays.copyOf(rowIds, n)));
        }
        forward(n);
    }

    /** @return the logits buffer: row r's latest logits at offset r * V (reused by every call) */
    public float[] logits() {
        return logits;
    }

    /**
     * @param row a row of the current batch
     * @return positions cached for it (prompt + fed tokens)
     */
    public int length(int row) {
        if (cache == null || row < 0 || row >= rows) {
            throw new IllegalArgumentException("row " + row + " is not in the current batch of " + rows + " rows");
        }
        return cache.length[row];
    }

    /** @return rows of the current batch */
    public int rows() {
        return rows;
    }

    /** @return bytes of the current KV cache's floats (0 before the first prefill) */
    public long cacheBytes() {
        return cache == null ? 0 : cache.bytes();
    }

    /** Frees the cache and buffers; the next prefill reallocates them. */
    public void release() {
        cache = null;
        logits = new float[0];
        seen = new boolean[0];
        maxTokens = 0;
        x = h = qkv = att = proj = ff = gateUp = headOut = null;
        matmul.release();
    }

    /** Stops the worker threads (if any) and frees the buffers. */
    @Override
    public void close() {
        release();
        parallel.close();
    }

    private void checkPrompts(int[][] prompts, int maxLen, String why) {
        if (prompts == null || prompts.length == 0) {
            throw new IllegalArgumentException("empty batch: give at least one prompt");
        }
        for (int r = 0; r < prompts.length; r++) {
            int[] p = prompts[r];
            if (p == null || p.length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty: a prompt needs at least one token (e.g. BOS)");
            }
            if (p.length > maxLen) {
                throw new IllegalArgumentException("prompt " + r + " has " + p.length + " tokens; prompts " + why);
            }
            for (int j = 0; j < p.length; j++) {
                if (p[j] < 0 || p[j] >= vocab) {
                    throw new IllegalArgumentException("prompt " + r + ", position " + j + ": token id " + p[j]
                            + " is out of range [0, " + vocab + ") (vocabSize = " + vocab + ")");
                }
            }
        }
    }

    private void ensureTokens(int m) {
        if (m <= maxTokens) {
            return;
        }
        maxTokens = m;
        tokRow = new int[m];
        tokPos = new int[m];
        tokId = new int[m];
        tokLogits = new boolean[m];
        headRow = new int[m];
        x = new float[m][d];
        h = new float[m][d];
        qkv = new float[m][qDim + 2 * kvDim];
        att = new float[m][qDim];
        proj = new float[m][d];
        ff = new float[m][ffn];
        gateUp = huggingFace ? new float[m][2 * ffn] : null;
        headOut = new float[m][vocab];
    }

    // ------------------------------------------------------------------ the model

    /** Runs tokens [0, m) of the token batch through the model. */
    private void forward(int m) {
        // token (+ learned position) embedding
        for (int i = 0; i < m; i++) {
            System.arraycopy(weights.tokEmb[tokId[i]], 0, x[i], 0, d);
            if (weights.posEmb != null) {
                add(x[i], weights.posEmb[tokPos[i]], d);
            }
        }
        boolean wide = (long) m * d >= PARALLEL_MIN_FLOATS;
        for (int l = 0; l < weights.layers.length; l++) {
            DecoderWeights.Layer w = weights.layers[l];
            int layer = l;
            if (huggingFace) {
                huggingFaceLayer(layer, w, m, wide);
                continue;
            }
            // x = x + attn(norm1(x))
            parallel.run(m, wide, 1, (from, to) -> norm(x, h, from, to, w.norm1Gain, w.norm1Bias));
            matmul.mul(h, m, w.qkv, qkv);                                   // [m][3D]
            parallel.run(m, wide, 1, (from, to) -> rotateAndStore(layer, from, to));
            parallel.run(m, (long) m * cache.capacity * d >= PARALLEL_MIN_FLOATS, 1,
                    (from, to) -> attend(layer, from, to));                 // [m][D]
            matmul.mul(att, m, w.attnOut, proj);                            // [m][D]
            for (int i = 0; i < m; i++) {
                add(x[i], proj[i], d);
            }
            // x = x + mlp(norm2(x))
            parallel.run(m, wide, 1, (from, to) -> norm(x, h, from, to, w.norm2Gain, w.norm2Bias));
            if (matmul.usesGemm(m, w.up)) {
                matmul.mulGelu(h, m, w.up, ff);                             // [m][F], native gelu
            } else {
                matmul.mul(h, m, w.up, ff);                                 // [m][F]
                parallel.run(m, (long) m * ffn >= PARALLEL_MIN_FLOATS, 1, (from, to) -> gelu(ff, from, to, ffn));
            }
            matmul.mul(ff, m, w.down, proj);                                // [m][D]
            for (int i = 0; i < m; i++) {
                add(x[i], proj[i], d);
            }
        }
        for (int i = 0; i < m; i++) {
            cache.length[tokRow[i]] = Math.max(cache.length[tokRow[i]], tokPos[i] + 1);
        }
        // final norm + head only for the tokens whose logits are wanted
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (tokLogits[i]) {
                System.arraycopy(x[i], 0, proj[k], 0, d);
                headRow[k++] = tokRow[i];
            }
        }
        if (k == 0) {
            return;
        }
        int selected = k;
        parallel.run(k, (long) k * d >= PARALLEL_MIN_FLOATS, 1,
                (from, to) -> norm(proj, h, from, to, weights.finalGain, weights.finalBias));
        matmul.mul(h, selected, weights.head, headOut);                      // [k][V]
        for (int i = 0; i < selected; i++) {
            System.arraycopy(headOut[i], 0, logits, headRow[i] * vocab, vocab);
        }
    }

    /**
     * Bias and per-head norm of q and k (when configured), rotary embedding of q and k (rotary models) and the cache
     * write of k and v, tokens [from, to).
     */
    private void rotateAndStore(int l, int from, int to) {
        DecoderWeights.Layer w = weights.layers[l];
        float[] qkvBias = w.qkvBias;
        float[] qNorm = w.qNorm;
        float[] kNorm = w.kNorm;
        for (int i = from; i < to; i++) {
            float[] row = qkv[i];
            int p = tokPos[i];
            if (qkvBias != null) {
                add(row, qkvBias, row.length);
            }
            if (qNorm != null) {
                headNorm(row, 0, heads, qNorm);      // q
                headNorm(row, qDim, kvHeads, kNorm); // k
            }
            if (rope != null) {
                rotate(row, 0, p, heads);      // q
                rotate(row, qDim, p, kvHeads); // k
            }
            int r = tokRow[i];
            float[] kc = cache.keys(l, r);
            float[] vc = cache.values(l, r);
            for (int hh = 0; hh < kvHeads; hh++) {
                int o = cache.offset(r, hh) + p * headDim;
                System.arraycopy(row, qDim + hh * headDim, kc, o, headDim);
                System.arraycopy(row, qDim + kvDim + hh * headDim, vc, o, headDim);
            }
        }
    }

    /** Causal attention of tokens [from, to), each over positions [0, pos] of its row, all heads. */
    private void attend(int l, int from, int to) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int dh = headDim;
        float[] scores = new float[cache.capacity]; // per call: tasks may run on several threads
        float[] acc = new float[dh];
        for (int i = from; i < to; i++) {
            float[] q = qkv[i];
            int n = tokPos[i] + 1;
            int r = tokRow[i];
            float[] k = cache.keys(l, r);
            float[] v = cache.values(l, r);
            for (int hh = 0; hh < heads; hh++) {
                // scores[t] = (q . k_t) * scale: dot products over the contiguous keys, four positions at a time
                // (four independent sums keep the FP units busy; C2 does not vectorise a float sum)
                int kv = cache.offset(r, hh / groupSize); // query head hh reads key/value head hh / rep
                int qo = hh * dh;
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    int b0 = kv + t * dh;
                    int b1 = b0 + dh;
                    int b2 = b1 + dh;
                    int b3 = b2 + dh;
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int j = 0; j < dh; j++) {
                        float qj = q[qo + j];
                        s0 += qj * k[b0 + j];
                        s1 += qj * k[b1 + j];
                        s2 += qj * k[b2 + j];
                        s3 += qj * k[b3 + j];
                    }
                    scores[t] = s0;
                    scores[t + 1] = s1;
                    scores[t + 2] = s2;
                    scores[t + 3] = s3;
                }
                for (; t < n; t++) {
                    int b0 = kv + t * dh;
                    float s0 = 0f;
                    for (int j = 0; j < dh; j++) {
                        s0 += q[qo + j] * k[b0 + j];
                    }
                    scores[t] = s0;
                }
                // softmax, max subtracted for stability
                float max = Float.NEGATIVE_INFINITY;
                for (t = 0; t < n; t++) {
                    scores[t] *= scale;
                    max = Math.max(max, scores[t]);
                }
                float sum = 0f;
                for (t = 0; t < n; t++) {
                    float e = (float) Math.exp(scores[t] - max);
                    scores[t] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                // att = sum_t p_t v_t, vectorisable axpy passes over the contiguous values, 4 positions at a time
                Arrays.fill(acc, 0f);
                t = 0;
                for (; t + 4 <= n; t += 4) {
                    float p0 = scores[t] * inv;
                    float p1 = scores[t + 1] * inv;
                    float p2 = scores[t + 2] * inv;
                    float p3 = scores[t + 3] * inv;
                    int b0 = kv + t * dh;
                    int b1 = b0 + dh;
                    int b2 = b1 + dh;
                    int b3 = b2 + dh;
                    for (int c = 0; c < dh; c++) {
                        acc[c] += p0 * v[b0 + c] + p1 * v[b1 + c] + p2 * v[b2 + c] + p3 * v[b3 + c];
                    }
                }
                for (; t < n; t++) {
                    float pt = scores[t] * inv;
                    int b0 = kv + t * dh;
                    for (int c = 0; c < dh; c++) {
                        acc[c] += pt * v[b0 + c];
                    }
                }
                System.arraycopy(acc, 0, att[i], qo, dh);
            }
        }
    }

    /** Rotary embedding of {@code n} heads of {@code row} starting at {@code o}, for position pos ("rotate half"). */
    private void rotate(float[] row, int o, int pos, int n) {
        int half = rope.half();
        float[] cos = rope.cos();
        float[] sin = rope.sin();
        int to = pos * half;
        for (int hh = 0; hh < n; hh++) {
            int b = o + hh * headDim;
            for (int j = 0; j < half; j++) {
                float x1 = row[b + j];
                float x2 = row[b + half + j];
                float c = cos[to + j];
                float s = sin[to + j];
                row[b + j] = x1 * c - x2 * s;
                row[b + half + j] = x1 * s + x2 * c;
            }
        }
    }

    /**
     * One Hugging Face block on tokens [0, m): {@code x = x + o(attn(norm1(x)))}, {@code x = x + down(silu(gate h) *
     * up h)} with {@code h = norm2(x)}; q | k | v and gate | up are each one fused matrix.
     */
    private void huggingFaceLayer(int layer, DecoderWeights.Layer w, int m, boolean wide) {
        parallel.run(m, wide, 1, (from, to) -> norm(x, h, from, to, w.norm1Gain, w.norm1Bias));
        matmul.mul(h, m, w.qkv, qkv);                                       // [m][(H+2K)*dh]
        parallel.run(m, wide, 1, (from, to) -> rotateAndStore(layer, from, to));
        parallel.run(m, (long) m * cache.capacity * qDim >= PARALLEL_MIN_FLOATS, 1,
                (from, to) -> attend(layer, from, to));                     // [m][H*dh]
        matmul.mul(att, m, w.attnOut, proj);                                // [m][D]
        for (int i = 0; i < m; i++) {
            add(x[i], proj[i], d);
            if (w.outBias != null) {
                add(x[i], w.outBias, d);
            }
        }
        parallel.run(m, wide, 1, (from, to) -> norm(x, h, from, to, w.norm2Gain, w.norm2Bias));
        matmul.mul(h, m, w.up, gateUp);                                     // [m][2F]
        parallel.run(m, (long) m * ffn >= PARALLEL_MIN_FLOATS, 1, (from, to) -> siluMul(from, to, w.upBias));
        matmul.mul(ff, m, w.down, proj);                                    // [m][D]
        for (int i = 0; i < m; i++) {
            add(x[i], proj[i], d);
            if (w.downBias != null) {
                add(x[i], w.downBias, d);
            }
        }
    }

    /** ff = silu(gate + bg) * (up + bu) for tokens [from, to), from the gate | up rows; bias null for none. */
    private void siluMul(int from, int to, float[] bias) {
        int f = ffn;
        for (int i = from; i < to; i++) {
            float[] gu = gateUp[i];
            float[] o = ff[i];
            if (bias != null) {
                add(gu, bias, 2 * f);
            }
            for (int j = 0; j < f; j++) {
                float g = gu[j];
                o[j] = g / (1f + (float) Math.exp(-g)) * gu[f + j];
            }
        }
    }

    /** RMSNorm over each of {@code n} heads of {@code row} starting at {@code o} (Qwen3's q_norm / k_norm). */
    private void headNorm(float[] row, int o, int n, float[] gain) {
        int dh = headDim;
        for (int hh = 0; hh < n; hh++) {
            int b = o + hh * dh;
            double sq = 0;
            for (int j = 0; j < dh; j++) {
                sq += row[b + j] * row[b + j];
            }
            float inv = (float) (1.0 / Math.sqrt((float) (sq / dh) + eps));
            for (int j = 0; j < dh; j++) {
                row[b + j] = row[b + j] * inv * gain[j];
            }
        }
    }

    /** LayerNorm (population variance) or RMSNorm of rows [from, to) of src into dst. */
    private void norm(float[][] src, float[][] dst, int from, int to, float[] gain, float[] bias) {
        for (int i = from; i < to; i++) {
            float[] s = src[i];
            float[] o = dst[i];
            if (layerNorm) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += s[j];
                }
                float mean = (float) (sum / d);
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    float c = s[j] - mean;
                    sq += c * c;
                }
                float inv = (float) (1.0 / Math.sqrt((float) (sq / d) + eps));
                for (int j = 0; j < d; j++) {
                    o[j] = (s[j] - mean) * inv * gain[j] + bias[j];
                }
            } else {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    sq += s[j] * s[j];
                }
                float inv = (float) (1.0 / Math.sqrt((float) (sq / d) + eps));
                for (int j = 0; j < d; j++) {
                    o[j] = s[j] * inv * gain[j];
                }
            }
        }
    }

    /** GELU as SameDiff's {@code gelu} computes it: the sigmoid approximation x * sigmoid(1.702 x). */
    private static void gelu(float[][] a, int from, int to, int n) {
        for (int i = from; i < to; i++) {
            float[] r = a[i];
            for (int j = 0; j < n; j++) {
                float v = r[j];
                r[j] = v / (1f + (float) Math.exp(-1.702f * v));
            }
        }
    }

    private static void add(float[] acc, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] += y[j];
        }
    }
}
