package org.ead4j.samediff.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
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
        final Matrix qkv;        // [D, 3D]
        final Matrix attnOut;    // [D, D]
        final float[] norm2Gain; // [D]
        final float[] norm2Bias; // [D], null for RMSNorm
        final Matrix up;         // [D, F]
        final Matrix down;       // [F, D]

        Layer(int d, int f, boolean layerNorm, DecoderOptions gemm) {
            norm1Gain = new float[d];
            norm1Bias = layerNorm ? new float[d] : null;
            qkv = new Matrix(d, 3 * d, false, gemm);
            attnOut = new Matrix(d, d, false, gemm);
            norm2Gain = new float[d];
            norm2Bias = layerNorm ? new float[d] : null;
            up = new Matrix(d, f, false, gemm);
            down = new Matrix(f, d, false, gemm);
        }
    }

    final PolicyConfig config;
    private final Map<String, INDArray> source;
    final float[][] tokEmb;    // [V][D]
    final float[][] posEmb;    // [maxSeqLen][D], null for rotary
    final Layer[] layers;
    final float[] finalGain;   // [D]
    final float[] finalBias;   // [D], null for RMSNorm
    final Matrix head;         // [D][V]; tied: tok_emb transposed (gemm: tok_emb itself with transposeB)

    DecoderWeights(PolicyConfig config, Map<String, INDArray> source, DecoderOptions gemm) {
        this.config = config;
        this.source = source;
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
            layers[l] = new Layer(d, config.ffnWidth(), ln, gemm);
        }
        finalGain = new float[d];
        finalBias = ln ? new float[d] : null;
        head = new Matrix(d, v, config.tiedEmbeddings(), gemm);
        sync();
    }

    /** Copies every parameter from the source arrays. */
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
            read(WeightLayout.attnQkv(l), y.qkv);
            read(WeightLayout.attnOut(l), y.attnOut);
            read(WeightLayout.mlpUp(l), y.up);
            read(WeightLayout.mlpDown(l), y.down);
        }
        read(WeightLayout.FINAL_NORM_GAIN, finalGain);
        if (finalBias != null) {
            read(WeightLayout.FINAL_NORM_BIAS, finalBias);
        }
        if (config.tiedEmbeddings()) {
            for (int i = 0; i < tokEmb.length; i++) {
                float[] e = tokEmb[i];
                for (int j = 0; j < e.length; j++) {
                    head.rows[j][i] = e[j];
                }
            }
            if (head.nd != null) {
                head.nd.assign(source.get(WeightLayout.TOKEN_EMBEDDING));
            }
        } else {
            read(WeightLayout.HEAD, head);
        }
    }

    private void read(String name, float[] dst) {
        buffer(source.get(name)).get(dst);
    }

    private void read(String name, float[][] dst) {
        FloatBuffer fb = buffer(source.get(name));
        for (float[] row : dst) {
            fb.get(row);
        }
    }

    private void read(String name, Matrix m) {
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
