package org.ead4j.samediff.decode;

import java.util.Arrays;
import java.util.Map;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder's own copy of the policy weights, refreshed by {@link #sync()}: Java {@code float[]} arrays for
 * the Java kernels and, for the projections, ND4J arrays for {@code Nd4j.gemm}. Owning a copy means a
 * rollout never sees a half-updated model, and the source arrays can be trained while it runs.
 */
final class DecoderWeights {

    /** A linear layer {@code y = x W}, W stored [in, out] row-major. */
    static final class Matrix {
        final int in;
        final int out;
        final float[] w;   // [in, out] row-major (Java kernel)
        final INDArray nd; // [in, out], or [out, in] when ndTransposed (gemm)
        final boolean ndTransposed;

        Matrix(int in, int out, boolean ndTransposed) {
            this.in = in;
            this.out = out;
            this.w = new float[Math.multiplyExact(in, out)];
            this.ndTransposed = ndTransposed;
            this.nd = ndTransposed ? Nd4j.create(DataType.FLOAT, out, in) : Nd4j.create(DataType.FLOAT, in, out);
        }
    }

    /** One transformer block. */
    static final class Layer {
        final float[] norm1Gain;
        final float[] norm1Bias; // null for RMSNorm
        final Matrix qkv;        // [D, 3D]
        final Matrix attnOut;    // [D, D]
        final float[] norm2Gain;
        final float[] norm2Bias; // null for RMSNorm
        final Matrix up;         // [D, F]
        final Matrix down;       // [F, D]

        Layer(int d, int f, boolean layerNorm) {
            norm1Gain = new float[d];
            norm1Bias = layerNorm ? new float[d] : null;
            qkv = new Matrix(d, 3 * d, false);
            attnOut = new Matrix(d, d, false);
            norm2Gain = new float[d];
            norm2Bias = layerNorm ? new float[d] : null;
            up = new Matrix(d, f, false);
            down = new Matrix(f, d, false);
        }
    }

    final PolicyConfig config;
    private final Map<String, INDArray> source;
    final float[] tokEmb;      // [V, D]
    final float[] posEmb;      // [maxSeqLen, D], null for rotary
    final Layer[] layers;
    final float[] finalGain;   // [D]
    final float[] finalBias;   // [D], null for RMSNorm
    final Matrix head;         // [D, V]; for tied embeddings the gemm side is tok_emb itself, transposed

    DecoderWeights(PolicyConfig config, Map<String, INDArray> source) {
        this.config = config;
        this.source = source;
        Map<String, long[]> shapes = WeightLayout.shapes(config);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
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
        tokEmb = new float[Math.multiplyExact(v, d)];
        posEmb = config.positions() == PositionKind.LEARNED ? new float[Math.multiplyExact(config.maxSeqLen(), d)] : null;
        layers = new Layer[config.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(d, config.ffnWidth(), ln);
        }
        finalGain = new float[d];
        finalBias = ln ? new float[d] : null;
        head = new Matrix(d, v, config.tiedEmbeddings());
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
            // head = tok_emb^T: the Java kernel wants [D, V] row-major; gemm uses [V, D] with transposeB
            int v = config.vocabSize();
            int d = config.dModel();
            float[] t = head.w;
            for (int i = 0; i < v; i++) {
                for (int j = 0; j < d; j++) {
                    t[j * v + i] = tokEmb[i * d + j];
                }
            }
            head.nd.assign(source.get(WeightLayout.TOKEN_EMBEDDING));
        } else {
            read(WeightLayout.HEAD, head);
        }
    }

    private void read(String name, float[] dst) {
        HostArrays.readFloats(source.get(name), dst);
    }

    private void read(String name, Matrix m) {
        INDArray src = source.get(name);
        HostArrays.readFloats(src, m.w);
        m.nd.assign(src);
    }
}
