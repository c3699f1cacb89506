package org.ead4j.samediff.decode;

import java.util.Arrays;
import java.util.Map;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.policy.RotaryTables;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batched autoregressive generation with a KV cache, for rollouts: the same function as
 * {@link PolicyTransformer}'s logits, computed incrementally on the decoder's own copy of the weights.
 *
 * <p>Flow (nanoGPT's {@code generate} with a cache, llama3.java's preallocated state): {@link #prefill} runs
 * all prompt tokens of all rows (position-major, in chunks), filling the cache and the logits of each row's
 * last prompt token; each {@link #step} feeds one new token per listed row. {@link #generate} loops: ask the
 * {@link TokenChooser} for each active row's token, retire rows that produced a stop token or reached their
 * length limit, feed the others. Rows may have different prompt lengths and stop at different steps.
 *
 * <p>Kernels: projections use {@code Nd4j.gemm} on preallocated C-order arrays from {@code gemmMinRows}
 * rows on and a vectorisable Java loop below (see {@link MatMul}); norms, rotary, attention over the cache
 * and GELU are plain Java loops on {@code float[]}. Nothing in the API assumes the CPU backend.
 * The decoder reads its own copy of the weights: call {@link #syncWeights()} after every optimiser update.
 *
 * <p>Results are deterministic for a given batch; with gemm, a row's logits may differ in the last bits
 * between batches of different sizes (BLAS blocking), as in any batched inference. Not thread-safe.
 */
public final class KvCacheDecoder {

    /** Default row count from which projections run through {@code Nd4j.gemm}. */
    public static final int DEFAULT_GEMM_MIN_ROWS = 8;
    /** Tokens per prefill chunk (bounds the activation buffers). */
    public static final int PREFILL_CHUNK = 256;

    private final PolicyConfig cfg;
    private final DecoderWeights weights;
    private final MatMul matmul;
    private final RotaryTables rope;
    private final int vocab;
    private final int d;
    private final int heads;
    private final int headDim;
    private final int ffn;
    private final float eps;

    // state of the current batch
    private KvCache cache;
    private int rows;
    private float[] logits = new float[0]; // [rows, V]
    private boolean[] seen = new boolean[0]; // [rows] duplicate check in step

    // activations of one token batch, allocated for maxTokens tokens and grown on demand
    private int maxTokens;
    private int[] tokRow;     // [M] row of each token
    private int[] tokPos;     // [M] position of each token
    private int[] tokId;      // [M] token id
    private boolean[] tokLogits; // [M] whether to compute this token's logits
    private float[] x;        // [M, D] residual stream
    private float[] h;        // [M, D] normed input of a sub-layer
    private float[] qkv;      // [M, 3D]
    private float[] att;      // [M, D] attention output before projection
    private float[] proj;     // [M, D] sub-layer output
    private float[] ff;       // [M, F] MLP hidden
    private float[] headOut;  // [M, V] logits of the selected tokens
    private int[] headRow;    // [M] row of each selected token
    private float[] scores = new float[0]; // [capacity] attention scores of one query

    /**
     * A decoder over a policy's weights.
     *
     * @param policy the policy (its current weights are copied now and on every {@link #syncWeights()})
     */
    public KvCacheDecoder(PolicyTransformer policy) {
        this(policy.config(), policy.parameters(), DEFAULT_GEMM_MIN_ROWS);
    }

    /**
     * A decoder over a parameter map laid out as in {@link org.ead4j.samediff.policy.WeightLayout}.
     *
     * @param config the configuration
     * @param parameters name to live array (read on construction and by {@link #syncWeights()})
     */
    public KvCacheDecoder(PolicyConfig config, Map<String, INDArray> parameters) {
        this(config, parameters, DEFAULT_GEMM_MIN_ROWS);
    }

    /**
     * A decoder with an explicit kernel switch.
     *
     * @param config the configuration
     * @param parameters name to live array
     * @param gemmMinRows token-batch size from which projections use {@code Nd4j.gemm} (1 = always,
     *                    {@code Integer.MAX_VALUE} = never)
     */
    public KvCacheDecoder(PolicyConfig config, Map<String, INDArray> parameters, int gemmMinRows) {
        if (gemmMinRows < 1) {
            throw new IllegalArgumentException("gemmMinRows = " + gemmMinRows + " is invalid: must be >= 1");
        }
        this.cfg = config;
        this.weights = new DecoderWeights(config, parameters);
        this.matmul = new MatMul(gemmMinRows);
        this.rope = config.positions() == PositionKind.ROTARY ? new RotaryTables(config) : null;
        this.vocab = config.vocabSize();
        this.d = config.dModel();
        this.heads = config.numHeads();
        this.headDim = config.headDim();
        this.ffn = config.ffnWidth();
        this.eps = (float) config.normEpsilon();
    }

    /** Copies the current weights from the source arrays; call after every optimiser update. */
    public void syncWeights() {
        weights.sync();
    }

    /** @return the configuration */
    public PolicyConfig config() {
        return cfg;
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
            cache = new KvCache(cfg.numLayers(), b, capacity, heads, headDim);
        }
        rows = b;
        Arrays.fill(cache.length, 0);
        if (logits.length < b * vocab) {
            logits = new float[b * vocab];
            seen = new boolean[b];
        }
        if (scores.length < cache.capacity) {
            scores = new float[cache.capacity];
        }
        int maxLen = 0;
        long total = 0;
        for (int[] p : prompts) {
            maxLen = Math.max(maxLen, p.length);
            total += p.length;
        }
        ensureTokens((int) Math.min(Math.max(total, b), Math.max(PREFILL_CHUNK, b)));
        // position-major order: when a token is processed, all earlier positions of its row are cached
        // (in an earlier chunk, or written by this chunk before its attention runs)
        int m = 0;
        for (int pos = 0; pos < maxLen; pos++) {
            for (int r = 0; r < b; r++) {
                if (pos < prompts[r].length) {
                    tokRow[m] = r;
                    tokPos[m] = pos;
                    tokId[m] = prompts[r][pos];
                    tokLogits[m] = pos == prompts[r].length - 1;
                    m++;
                    if (m == maxTokens) {
                        forward(m);
                        m = 0;
                    }
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
            if (pos >= cache.capacity || pos >= cfg.maxSeqLen()) {
                throw new IllegalArgumentException("row " + r + " is full: " + pos + " positions cached, capacity "
                        + Math.min(cache.capacity, cfg.maxSeqLen()));
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

    /** @return the logits buffer [rows, V]: row r's latest logits at offset r * V (reused by every call) */
    public float[] logits() {
        return logits;
    }

    /**
     * @param row a row of the current batch
     * @return tokens cached for it (prompt + fed tokens)
     */
    public int length(int row) {
        return cache.length[row];
    }

    /** @return rows of the current batch */
    public int rows() {
        return rows;
    }

    /** @return bytes of the current KV cache (0 before the first prefill) */
    public long cacheBytes() {
        return cache == null ? 0 : cache.bytes();
    }

    /** Frees the cache and buffers; the next prefill reallocates them. */
    public void release() {
        cache = null;
        logits = new float[0];
        maxTokens = 0;
        matmul.release();
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
        x = new float[m * d];
        h = new float[m * d];
        qkv = new float[m * 3 * d];
        att = new float[m * d];
        proj = new float[m * d];
        ff = new float[m * ffn];
        headOut = new float[m * vocab];
        headRow = new int[m];
    }

    // ------------------------------------------------------------------ the model

    /** Runs tokens [0, m) of the token batch through the model. */
    private void forward(int m) {
        // token (+ learned position) embedding
        for (int i = 0; i < m; i++) {
            System.arraycopy(weights.tokEmb, tokId[i] * d, x, i * d, d);
            if (weights.posEmb != null) {
                int po = tokPos[i] * d;
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += weights.posEmb[po + j];
                }
            }
        }
        for (int l = 0; l < weights.layers.length; l++) {
            DecoderWeights.Layer w = weights.layers[l];
            // x = x + attn(norm1(x))
            norm(x, h, m, w.norm1Gain, w.norm1Bias);
            matmul.mul(h, m, w.qkv, qkv);                 // [m, 3D]
            if (rope != null) {
                for (int i = 0; i < m; i++) {
                    rotate(qkv, i * 3 * d, tokPos[i]);     // q
                    rotate(qkv, i * 3 * d + d, tokPos[i]); // k
                }
            }
            storeKv(l, m);
            for (int i = 0; i < m; i++) {
                attend(l, i);
            }
            matmul.mul(att, m, w.attnOut, proj);          // [m, D]
            add(x, proj, m * d);
            // x = x + mlp(norm2(x))
            norm(x, h, m, w.norm2Gain, w.norm2Bias);
            matmul.mul(h, m, w.up, ff);                    // [m, F]
            gelu(ff, m * ffn);
            matmul.mul(ff, m, w.down, proj);              // [m, D]
            add(x, proj, m * d);
        }
        for (int i = 0; i < m; i++) {
            cache.length[tokRow[i]] = Math.max(cache.length[tokRow[i]], tokPos[i] + 1);
        }
        // final norm + head only for the tokens whose logits are wanted
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (tokLogits[i]) {
                System.arraycopy(x, i * d, proj, k * d, d);
                headRow[k++] = tokRow[i];
            }
        }
        if (k == 0) {
            return;
        }
        norm(proj, h, k, weights.finalGain, weights.finalBias);
        matmul.mul(h, k, weights.head, headOut);          // [k, V]
        for (int i = 0; i < k; i++) {
            System.arraycopy(headOut, i * vocab, logits, headRow[i] * vocab, vocab);
        }
    }

    /** Writes the keys and values of tokens [0, m) into the cache. */
    private void storeKv(int l, int m) {
        float[] kc = cache.keys[l];
        float[] vc = cache.values[l];
        for (int i = 0; i < m; i++) {
            int r = tokRow[i];
            int p = tokPos[i];
            int ko = i * 3 * d + d;
            int vo = i * 3 * d + 2 * d;
            for (int hh = 0; hh < heads; hh++) {
                for (int j = 0; j < headDim; j++) {
                    kc[cache.keyIndex(r, hh, j, p)] = qkv[ko + hh * headDim + j];
                }
                System.arraycopy(qkv, vo + hh * headDim, vc, cache.valueIndex(r, hh, p), headDim);
            }
        }
    }

    /** Causal attention of token i over positions [0, pos] of its row, all heads, into att[i]. */
    private void attend(int l, int i) {
        float[] kc = cache.keys[l];
        float[] vc = cache.values[l];
        int r = tokRow[i];
        int n = tokPos[i] + 1;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int qo = i * 3 * d;
        int ao = i * d;
        for (int hh = 0; hh < heads; hh++) {
            // scores[t] = (q . k_t) * scale, as dh axpy passes over the transposed keys
            Arrays.fill(scores, 0, n, 0f);
            for (int j = 0; j < headDim; j++) {
                float q = qkv[qo + hh * headDim + j];
                int ko = cache.keyIndex(r, hh, j, 0);
                for (int t = 0; t < n; t++) {
                    scores[t] += q * kc[ko + t];
                }
            }
            // softmax (max subtracted for stability)
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < n; t++) {
                scores[t] *= scale;
                max = Math.max(max, scores[t]);
            }
            float sum = 0f;
            for (int t = 0; t < n; t++) {
                float e = (float) Math.exp(scores[t] - max);
                scores[t] = e;
                sum += e;
            }
            float inv = 1f / sum;
            // att = sum_t p_t v_t
            int oo = ao + hh * headDim;
            Arrays.fill(att, oo, oo + headDim, 0f);
            for (int t = 0; t < n; t++) {
                float pt = scores[t] * inv;
                int vo = cache.valueIndex(r, hh, t);
                for (int j = 0; j < headDim; j++) {
                    att[oo + j] += pt * vc[vo + j];
                }
            }
        }
    }

    /** Rotary embedding of one [D] vector at buf[o..o+D) for position pos ("rotate half" per head). */
    private void rotate(float[] buf, int o, int pos) {
        int half = rope.half();
        float[] cos = rope.cos();
        float[] sin = rope.sin();
        int to = pos * half;
        for (int hh = 0; hh < heads; hh++) {
            int b = o + hh * headDim;
            for (int j = 0; j < half; j++) {
                float x1 = buf[b + j];
                float x2 = buf[b + half + j];
                float c = cos[to + j];
                float s = sin[to + j];
                buf[b + j] = x1 * c - x2 * s;
                buf[b + half + j] = x1 * s + x2 * c;
            }
        }
    }

    /** LayerNorm (bias != null) or RMSNorm of each of m rows of src into dst. */
    private void norm(float[] src, float[] dst, int m, float[] gain, float[] bias) {
        boolean layerNorm = cfg.norm() == NormKind.LAYER_NORM;
        for (int i = 0; i < m; i++) {
            int o = i * d;
            if (layerNorm) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += src[o + j];
                }
                float mean = (float) (sum / d);
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    float c = src[o + j] - mean;
                    sq += c * c;
                }
                float inv = (float) (1.0 / Math.sqrt((float) (sq / d) + eps));
                for (int j = 0; j < d; j++) {
                    dst[o + j] = (src[o + j] - mean) * inv * gain[j] + bias[j];
                }
            } else {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    sq += src[o + j] * src[o + j];
                }
                float inv = (float) (1.0 / Math.sqrt((float) (sq / d) + eps));
                for (int j = 0; j < d; j++) {
                    dst[o + j] = src[o + j] * inv * gain[j];
                }
            }
        }
    }

    /** GELU as SameDiff's {@code gelu} computes it: the sigmoid approximation x * sigmoid(1.702 x). */
    private static void gelu(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            float v = a[i];
            a[i] = v / (1f + (float) Math.exp(-1.702f * v));
        }
    }

    private static void add(float[] acc, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += y[i];
        }
    }
}
