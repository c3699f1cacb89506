package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Rotary tables of the Hugging Face families, the parameter layout of a real shape, and {@link PolicyTransformer#withWeights}. */
class HuggingFaceArchitectureTest {

    /** Llama 3.1's rotary settings: head_dim 128, rope_theta 500000, llama3 scaling 8 / 1 / 4 / 8192. */
    private static PolicyConfig llama31Rope() {
        return PolicyFixtures.hf(Architecture.LLAMA, 16, 256, 2, 1, 8, 16, false, 0, 0.02,
                "ropeBase", "500000", "ropeScaling", "LLAMA3", "ropeScalingFactor", "8", "ropeLowFreqFactor", "1",
                "ropeHighFreqFactor", "4", "ropeOriginalMaxPositions", "8192");
    }

    /**
     * Hand-computed (in double) from _compute_llama3_parameters: inv = 500000^(-2i/128), wavelength 2 pi / inv
     * against the band edges 8192/4 = 2048 and 8192/1 = 8192; below 2048 unchanged, above 8192 divided by 8,
     * between: s = (8192 / wavelength - 1) / 3 and (1 - s) inv / 8 + s inv.
     */
    @Test
    void llama3RescalingMatchesHandComputedFrequencies() {
        float[] inv = RotaryTables.inverseFrequencies(llama31Rope());
        assertEquals(64, inv.length);
        double[][] golden = {
                {0, 1.0},                                  // wavelength 6.28: high band, unchanged
                {20, 0.016560440080994446},                // 379: unchanged
                {28, 0.003211445994752591},                // 1956 < 2048: unchanged (edge)
                {29, 0.002166570763503359},                // 2402: s = 0.803621
                {30, 0.0013718935677611381},               // 2948: s = 0.592849
                {32, 0.0005248461609929547},               // 4443: inv = 1/sqrt(500000), s = 0.281283
                {34, 0.0001785078127679964},               // 6695: s = 0.074527
                {35, 9.556212353964683e-05},               // 8219 > 8192: divided by 8 (edge)
                {40, 3.428102195952591e-05},               // 22911: divided by 8
                {63, 3.068925988914511e-07}};              // 2.56e6: divided by 8
        for (double[] g : golden) {
            int i = (int) g[0];
            assertEquals(g[1], inv[i], 2e-6 * g[1], "inv_freq[" + i + "]");
        }
    }

    @Test
    void huggingFaceTablesAreFloat32AnglesAndGptTablesStayDouble() {
        PolicyConfig hf = PolicyFixtures.hf(Architecture.QWEN2, 16, 32, 2, 1, 8, 40, false, 0, 0.02, "ropeBase", "1000000");
        RotaryTables t = new RotaryTables(hf);
        float[] inv = RotaryTables.inverseFrequencies(hf);
        assertEquals(8, t.half());
        for (int p : new int[]{0, 1, 7, 39}) {
            for (int i = 0; i < 8; i++) {
                float angle = inv[i] * p;   // float32 product, as inv_freq @ position_ids in float32
                assertEquals((float) StrictMath.cos(angle), t.cos()[p * 8 + i], 0f);
                assertEquals((float) StrictMath.sin(angle), t.sin()[p * 8 + i], 0f);
            }
        }
        // no scaling: inv_freq = 1 / theta^(2i/d) within float rounding
        for (int i = 0; i < 8; i++) {
            assertEquals(Math.pow(1e6, -2.0 * i / 16), inv[i], 1e-6 * inv[i]);
        }
        // GPT rotary keeps its double-precision angles (existing checkpoints and golden values depend on them)
        PolicyConfig gpt = new PolicyConfig(16, 32, 2, 1, 8, 40, NormKind.RMS_NORM, PositionKind.ROTARY, false, 0);
        RotaryTables g = new RotaryTables(gpt);
        double angle = 39 * StrictMath.pow(10000.0, -2.0 * 5 / 16);
        assertEquals((float) StrictMath.cos(angle), g.cos()[39 * 8 + 5], 0f);
        assertEquals((float) StrictMath.sin(angle), g.sin()[39 * 8 + 5], 0f);
    }

    @Test
    void qwen25HalfBillionShapeHasTheKnownParameterCount() {
        PolicyConfig c = PolicyFixtures.hf(Architecture.QWEN2, 151936, 896, 14, 24, 4864, 32768, true, 0, 0.02,
                "numKvHeads", "2", "qkvBias", "true", "ropeBase", "1000000", "normEpsilon", "1e-6");
        assertEquals(64, c.headDim());
        assertEquals(494_032_768L, WeightLayout.parameterCount(c)); // Qwen2.5-0.5B, tied embeddings
        Map<String, long[]> s = WeightLayout.shapes(c);
        assertArrayEquals(new long[]{896, 128}, s.get(WeightLayout.projection(3, "k")));
        assertArrayEquals(new long[]{128}, s.get(WeightLayout.projectionBias(3, "v")));
        assertFalse(s.containsKey(WeightLayout.projectionBias(3, "out")));
        assertFalse(s.containsKey(WeightLayout.HEAD));
    }

    private static PolicyConfig micro() {
        return PolicyFixtures.hf(Architecture.QWEN3, 13, 16, 4, 2, 24, 12, false, 3, 0.2, "numKvHeads", "2",
                "headDim", "6", "qkNorm", "true", "qkvBias", "true");
    }

    @Test
    void withWeightsUsesTheGivenValues() {
        PolicyConfig c = micro();
        PolicyTransformer random = new PolicyTransformer(c);
        PolicyFixtures.randomise(random, 5, 0.3);
        Map<String, INDArray> copy = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : random.parameters().entrySet()) {
            copy.put(e.getKey(), e.getValue().dup('c'));
        }
        // a DOUBLE array and a view are copied into FLOAT; a FLOAT C-order array is used as it is
        String g = WeightLayout.qNormGain(1);
        copy.put(g, copy.get(g).castTo(DataType.DOUBLE));
        PolicyTransformer p = PolicyTransformer.withWeights(c, copy);
        assertEquals(DataType.FLOAT, p.floatType());
        assertEquals(random.weightsSha256(), p.weightsSha256());
        assertSame(copy.get(WeightLayout.TOKEN_EMBEDDING), p.parameters().get(WeightLayout.TOKEN_EMBEDDING));
        assertEquals(DataType.FLOAT, p.parameters().get(g).dataType());
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(new int[][]{{1, 2, 3, 4}, {5, 6, 7, 8}}));
        float[] a = HostArrays.toFloats(random.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS));
        float[] b = HostArrays.toFloats(p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS));
        assertArrayEquals(a, b, 0f);
    }

    @Test
    void withWeightsNamesTheBadTensor() {
        PolicyConfig c = micro();
        Map<String, INDArray> good = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(1);
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(c).entrySet()) {
            good.put(e.getKey(), Nd4j.rand(DataType.FLOAT, e.getValue()).addi(rnd.nextDouble()));
        }
        Map<String, INDArray> missing = new LinkedHashMap<>(good);
        missing.remove(WeightLayout.kNormGain(1));
        String m = assertThrows(IllegalArgumentException.class, () -> PolicyTransformer.withWeights(c, missing)).getMessage();
        assertTrue(m.contains("missing tensor 'layer1.attn.k_norm.gain'") && m.contains("[6]"), m);
        Map<String, INDArray> extra = new LinkedHashMap<>(good);
        extra.put("layer0.attn.out.bias", Nd4j.zeros(DataType.FLOAT, 16));
        m = assertThrows(IllegalArgumentException.class, () -> PolicyTransformer.withWeights(c, extra)).getMessage();
        assertTrue(m.contains("unexpected tensor 'layer0.attn.out.bias'"), m);
        Map<String, INDArray> shape = new LinkedHashMap<>(good);
        shape.put(WeightLayout.projection(0, "k"), Nd4j.zeros(DataType.FLOAT, 12, 16));
        m = assertThrows(IllegalArgumentException.class, () -> PolicyTransformer.withWeights(c, shape)).getMessage();
        assertTrue(m.contains("tensor 'layer0.attn.k' has shape [12, 16] but the configuration needs [16, 12]"), m);
        Map<String, INDArray> ints = new LinkedHashMap<>(good);
        ints.put(WeightLayout.HEAD, Nd4j.zeros(DataType.INT32, 16, 13));
        m = assertThrows(IllegalArgumentException.class, () -> PolicyTransformer.withWeights(c, ints)).getMessage();
        assertTrue(m.contains("tensor 'head' has data type INT"), m);
        assertThrows(IllegalArgumentException.class, () -> PolicyTransformer.withWeights(c, null));
    }
}
