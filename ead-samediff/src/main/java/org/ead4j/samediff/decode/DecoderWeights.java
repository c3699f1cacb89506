package org.ead4j.samediff.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder's own copy of the policy weights, refreshed by {@link #sync()}.
 *
 * <p>Matrices are Java arrays of rows, {@code float[in][out]}: the kernels then index the weight row and
 * the output row with the same loop variable, which lets C2 vectorise them (with one flat array and
 * offsets it cannot prove the two do not overlap and stays scalar, ~15x slower on JDK 17). ND4J copies of
 * the matrices that {@link DecoderOptions} lets use gemm feed {@code Nd4j.gemm}. Owning a copy means a rollout never sees a half-updated model.
 */
final class DecoderWeights {

    /** A linear layer {@code y = x W}. */
    static final class Matrix {
        final int in;
        final int out;
        final float[][] rows;  // [in][out]
        final INDArray nd;     // [in, out], or [out, in] when ndTransposed; null without gemm
        final boolean ndTransposed;

        Matrix(int in, int out, boolean ndTransposed, DecoderOptions options) {
            this.in = in;
            this.out = out;
            this.rows = new float[in][out];
            this.ndTransposed = ndTransposed;
            boolean gemm = options.gemmEligible(in, out);
            this.nd = !gemm ? null : ndTransposed ? Nd4j.create(DataType.FLOAT, out, in) : Nd4j.create(DataType.FLOAT, in, out);
        }
    }

    /** One transformer block. */
    static final class Layer {
        final float[] norm1Gain; // [D]
        final float[] norm1Bias; // [D], null for RMSNorm
        final Matrix qkv;        // [D, (H+2K)*dh] columns q | k | v (GPT: the fused [D, 3D] parameter)
        final float[] qkvBias;   // [(H+2K)*dh], null without qkvBias
        final float[] qNorm;     // [dh], null without qkNorm
        final float[] kNorm;     // [dh], null without qkNorm
        final Matrix attnOut;    // [H*dh, D]
        final float[] outBias;   // [D], null without outBias
        final float[] norm2Gain; // [D]
        final float[] norm2Bias; // [D], null for RMSNorm
        final Matrix up;         // GELU: [D, F]; SwiGLU: [D, 2F] columns gate | up
        final float[] upBias;    // SwiGLU with mlpBias: [2F] gate | up biases, else null
        final Matrix down;       // [F, D]
        final float[] downBias;  // [D], null without mlpBias

        Layer(PolicyConfig c, DecoderOptions gemm) {
            int d = c.dModel();
            int f = c.ffnWidth();
            int q = c.numHeads() * c.headDim();
            int kv = c.numKvHeads() * c.headDim();
            boolean layerNorm = c.norm() == NormKind.LAYER_NORM;
            boolean swiglu = c.mlp() == MlpKind.SWIGLU;
            norm1Gain = new float[d];
            norm1Bias = layerNorm ? new float[d] : null;
            qkv = new Matrix(d, q + 2 * kv, false, gemm);
            qkvBias = c.qkvBias() ? new float[q + 2 * kv] : null;
            qNorm = c.qkNorm() ? new float[c.headDim()] : null;
            kNorm = c.qkNorm() ? new float[c.headDim()] : null;
            attnOut = new Matrix(q, d, false, gemm);
            outBias = c.outBias() ? new float[d] : null;
            norm2Gain = new float[d];
            norm2Bias = layerNorm ? new float[d] : null;
            up = new Matrix(d, swiglu ? 2 * f : f, false, gemm);
            upBias = swiglu && c.mlpBias() ? new float[2 * f] : null;
            down = new Matrix(f, d, false, gemm);
            downBias = c.mlpBias() ? new float[d] : null;
        }
    }

    final PolicyConfig config;
    private final Map<String, INDArray> source;
    private final Set<String> constant; // parameters that never change (a LoRA policy's frozen base)
    private boolean synced;
    final float[][] tokEmb;    // [V][D]
    final float[][] posEmb;    // [maxSeqLen][D], null for rotary
    final Layer[] layers;
    final float[] finalGain;   // [D]
    final float[] finalBias;   // [D], null for RMSNorm
    final Matrix head;         // [D][V]; tied: tok_emb transposed (gemm: tok_emb itself with transposeB)

    DecoderWeights(PolicyConfig config, Map<String, INDArray> source, DecoderOptions gemm) {
        this(config, source, Set.of(), gemm);
    }

    /**
     * @param constant names of parameters that never change: copied on construction only, skipped by later syncs
     */
    DecoderWeights(PolicyConfig config, Map<String, INDArray> source, Set<String> constant, DecoderOptions gemm) {
        this.config = config;
        this.source = source;
        this.constant = constant;
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(config).entrySet()) {
            INDArray a = source.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("parameter map lacks " + e.getKey() + " required by " + config);
            }
            if (!Arrays.equals(a.shape(), e.getValue())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has shape " + Arrays.toString(a.shape())
                        + " but the configuration needs " + Arrays.toString(e.getValue()));
            }
        }
        int v = config.vocabSize();
        int d = config.dModel();
        boolean ln = config.norm() == NormKind.LAYER_NORM;
        tokEmb = new float[v][d];
        posEmb = config.positions() == PositionKind.LEARNED ? new float[config.maxSeqLen()][d] : null;
        layers = new Layer[config.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(config, gemm);
        }
        finalGain = new float[d];
        finalBias = ln ? new float[d] : null;
        head = new Matrix(d, v, config.tiedEmbeddings(), gemm);
        sync();
        synced = true;
    }

    /** Whether a later sync may skip this parameter: it never changes and was copied already. */
    private boolean skip(String name) {
        return synced && constant.contains(name);
    }

    /** Copies every parameter from the source arrays (constant ones only on the first call). */
    void sync() {
        read(WeightLayout.TOKEN_EMBEDDING, tokEmb);
        if (posEmb != null) {
            read(WeightLayout.POSITION_EMBEDDING, posEmb);
        }
        for (int l = 0; l < layers.length; l++) {
            Layer y = layers[l];
            read(WeightLayout.norm1Gain(l), y.norm1Gain);
            read(WeightLayout.norm2Gain(l), y.norm2Gain);
            if (y.norm1Bias != null) {
                read(WeightLayout.norm1Bias(l), y.norm1Bias);
                read(WeightLayout.norm2Bias(l), y.norm2Bias);
            }
            if (config.architecture().isHuggingFace()) {
                readHuggingFace(l, y);
                continue;
            }
            read(WeightLayout.attnQkv(l), y.qkv);
            read(WeightLayout.attnOut(l), y.attnOut);
            read(WeightLayout.mlpUp(l), y.up);
            read(WeightLayout.mlpDown(l), y.down);
        }
        read(WeightLayout.FINAL_NORM_GAIN, finalGain);
        if (finalBias != null) {
            read(WeightLayout.FINAL_NORM_BIAS, finalBias);
        }
        if (config.tiedEmbeddings() && !skip(WeightLayout.TOKEN_EMBEDDING)) {
            for (int i = 0; i < tokEmb.length; i++) {
                float[] e = tokEmb[i];
                for (int j = 0; j < e.length; j++) {
                    head.rows[j][i] = e[j];
                }
            }
            if (head.nd != null) {
                head.nd.assign(source.get(WeightLayout.TOKEN_EMBEDDING));
            }
        } else if (!config.tiedEmbeddings()) {
            read(WeightLayout.HEAD, head);
        }
    }

    /** The separate projections of a Hugging Face block into the fused q | k | v and gate | up copies. */
    private void readHuggingFace(int l, Layer y) {
        int q = config.numHeads() * config.headDim();
        int kv = config.numKvHeads() * config.headDim();
        int f = config.ffnWidth();
        readColumns(WeightLayout.projection(l, "q"), y.qkv, 0, q);
        readColumns(WeightLayout.projection(l, "k"), y.qkv, q, kv);
        readColumns(WeightLayout.projection(l, "v"), y.qkv, q + kv, kv);
        toNd(y.qkv);
        if (y.qkvBias != null) {
            read(WeightLayout.projectionBias(l, "q"), y.qkvBias, 0, q);
            read(WeightLayout.projectionBias(l, "k"), y.qkvBias, q, kv);
            read(WeightLayout.projectionBias(l, "v"), y.qkvBias, q + kv, kv);
        }
        if (y.qNorm != null) {
            read(WeightLayout.qNormGain(l), y.qNorm);
            read(WeightLayout.kNormGain(l), y.kNorm);
        }
        read(WeightLayout.projection(l, "out"), y.attnOut);
        if (y.outBias != null) {
            read(WeightLayout.projectionBias(l, "out"), y.outBias);
        }
        readColumns(WeightLayout.projection(l, "gate"), y.up, 0, f);
        readColumns(WeightLayout.projection(l, "up"), y.up, f, f);
        toNd(y.up);
        read(WeightLayout.projection(l, "down"), y.down);
        if (y.upBias != null) {
            read(WeightLayout.projectionBias(l, "gate"), y.upBias, 0, f);
            read(WeightLayout.projectionBias(l, "up"), y.upBias, f, f);
        }
        if (y.downBias != null) {
            read(WeightLayout.projectionBias(l, "down"), y.downBias);
        }
    }

    /** Columns [from, from + width) of m's rows from an [in, width] parameter. */
    private void readColumns(String name, Matrix m, int from, int width) {
        if (skip(name)) {
            return;
        }
        FloatBuffer fb = buffer(source.get(name));
        for (float[] row : m.rows) {
            fb.get(row, from, width);
        }
    }

    /** Copies m's rows into its ND4J copy (not transposed), if it has one. */
    private static void toNd(Matrix m) {
        if (m.nd == null) {
            return;
        }
        Nd4j.getAffinityManager().ensureLocation(m.nd, AffinityManager.Location.HOST);
        FloatBuffer fb = m.nd.data().asNioFloat();
        fb.position((int) m.nd.offset());
        for (float[] row : m.rows) {
            fb.put(row);
        }
        Nd4j.getAffinityManager().tagLocation(m.nd, AffinityManager.Location.HOST);
    }

    private void read(String name, float[] dst, int from, int width) {
        if (skip(name)) {
            return;
        }
        buffer(source.get(name)).get(dst, from, width);
    }

    private void read(String name, float[] dst) {
        if (skip(name)) {
            return;
        }
        buffer(source.get(name)).get(dst);
    }

    private void read(String name, float[][] dst) {
        if (skip(name)) {
            return;
        }
        FloatBuffer fb = buffer(source.get(name));
        for (float[] row : dst) {
            fb.get(row);
        }
    }

    private void read(String name, Matrix m) {
        if (skip(name)) {
            return;
        }
        INDArray src = source.get(name);
        read(name, m.rows);
        if (m.nd != null) {
            m.nd.assign(src);
        }
    }

    /** A host view of a parameter's elements in C order, positioned at its first element. */
    private static FloatBuffer buffer(INDArray a) {
        INDArray c = a;
        if (c.dataType() != DataType.FLOAT) {
            c = c.castTo(DataType.FLOAT);
        }
        if (c.isView() || c.ordering() != 'c') {
            c = c.dup('c');
        }
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        FloatBuffer fb = c.data().asNioFloat();
        fb.position((int) c.offset());
        return fb;
    }
}
