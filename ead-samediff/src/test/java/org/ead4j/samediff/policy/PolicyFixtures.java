package org.ead4j.samediff.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared generators for policy tests. */
final class PolicyFixtures {

    private PolicyFixtures() {
    }

    /**
     * A configuration with a custom init std (larger weights make the model non-linear enough for checks).
     */
    static PolicyConfig config(int vocab, int d, int heads, int layers, int ffn, int maxLen, NormKind norm,
                               PositionKind pos, boolean tied, long seed, double initStd) {
        Map<String, String> p = new PolicyConfig(vocab, d, heads, layers, ffn, maxLen, norm, pos, tied, seed).toProperties();
        p.put("initStd", Double.toString(initStd));
        return PolicyConfig.fromProperties(p);
    }

    /**
     * A Hugging Face family configuration (RMSNorm, rotary, SwiGLU) with the given extra fields, e.g.
     * {@code "numKvHeads", "2", "qkvBias", "true"}.
     */
    static PolicyConfig hf(Architecture arch, int vocab, int d, int heads, int layers, int ffn, int maxLen, boolean tied,
                           long seed, double initStd, String... extra) {
        Map<String, String> p = new PolicyConfig(vocab, d, heads, layers, ffn, maxLen, NormKind.RMS_NORM,
                PositionKind.ROTARY, tied, seed).toProperties();
        p.put("architecture", arch.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("initStd", Double.toString(initStd));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return PolicyConfig.fromProperties(p);
    }

    /** Random ids [b, t] in [0, vocab). */
    static int[][] ids(SplittableRandom rnd, int b, int t, int vocab) {
        int[][] out = new int[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                out[i][j] = rnd.nextInt(vocab);
            }
        }
        return out;
    }

    static INDArray int32(int[][] v) {
        return Nd4j.createFromArray(v).castTo(DataType.INT32);
    }

    /** Random values [b, t] uniform in [lo, hi). */
    static INDArray uniform(SplittableRandom rnd, int b, int t, double lo, double hi, DataType type) {
        double[][] v = new double[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                v[i][j] = lo + (hi - lo) * rnd.nextDouble();
            }
        }
        return Nd4j.createFromArray(v).castTo(type);
    }

    /** Overwrites every parameter with random values (gains around 1), so biases and gains matter. */
    static void randomise(PolicyTransformer p, long seed, double std) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            INDArray a = e.getValue();
            double base = e.getKey().endsWith(".gain") ? 1.0 : 0.0;
            long n = a.length();
            INDArray flat = a.reshape(n);
            for (long i = 0; i < n; i++) {
                flat.putScalar(i, base + std * rnd.nextGaussian());
            }
        }
    }

    static Map<String, INDArray> placeholders(INDArray tokens, INDArray targets, INDArray invTau) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, tokens);
        if (targets != null) {
            ph.put(PolicyTransformer.TARGETS, targets);
        }
        if (invTau != null) {
            ph.put(PolicyTransformer.INV_TAU, invTau);
        }
        return ph;
    }
}
