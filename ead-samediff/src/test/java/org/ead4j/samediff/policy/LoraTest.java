package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LoRA in the policy graph: finite-difference gradients of the adapters (float64), only adapters trainable,
 * B = 0 starts at the base model, the layer equals {@code x (W + scale (B A)^T)} computed by hand, PEFT's A
 * initialisation bound, and one-line validation errors.
 */
class LoraTest {

    static final List<String> ALL = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    static Stream<PolicyConfig> configs() {
        return Stream.of(
                PolicyFixtures.hf(Architecture.QWEN2, 11, 8, 2, 2, 12, 8, true, 6, 0.3, "numKvHeads", "1",
                        "qkvBias", "true"),
                PolicyFixtures.hf(Architecture.LLAMA, 11, 8, 4, 1, 12, 8, false, 5, 0.3, "numKvHeads", "2",
                        "headDim", "8"));
    }

    /** Random base and adapters (B non-zero, so gradients of A are not trivially zero). */
    static PolicyTransformer randomLora(PolicyConfig cfg, LoraConfig lora, DataType type, long seed) {
        PolicyTransformer p = new PolicyTransformer(cfg, lora, type);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Map<String, INDArray> m : List.of(p.frozenParameters(), p.parameters())) {
            for (Map.Entry<String, INDArray> e : m.entrySet()) {
                INDArray flat = e.getValue().reshape(e.getValue().length());
                double base = e.getKey().endsWith(".gain") ? 1 : 0;
                for (long i = 0; i < flat.length(); i++) {
                    flat.putScalar(i, base + 0.4 * rnd.nextGaussian());
                }
            }
        }
        return p;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void adapterGradientsMatchFiniteDifferences(PolicyConfig cfg) {
        LoraConfig lora = new LoraConfig(3, 6, ALL, false, 9);
        PolicyTransformer p = randomLora(cfg, lora, DataType.DOUBLE, cfg.initSeed());
        assertEquals(lora.shapes(cfg).keySet(), p.parameters().keySet());
        assertEquals(WeightLayout.shapes(cfg).keySet(), p.frozenParameters().keySet());
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed() * 31 + 7);
        SameDiff sd = p.graph();
        SDVariable w1 = sd.placeHolder("w1", DataType.DOUBLE, -1, -1);
        SDVariable w3 = sd.placeHolder("w3", DataType.DOUBLE, -1, -1);
        SDVariable loss = p.logProbs().mul(w1).sum().add(p.entropy().mul(w3).sum()).rename("testLoss");
        p.setLoss(loss);
        int b = 2;
        int t = 5;
        Map<String, INDArray> ph = PolicyFixtures.placeholders(
                PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, cfg.vocabSize())),
                PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, cfg.vocabSize())), null);
        ph.put("w1", PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.DOUBLE));
        ph.put("w3", PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.DOUBLE));
        GradientResult g = p.gradients(ph);
        assertEquals(p.parameters().keySet(), g.gradients().keySet(), "gradients exactly for the adapters");
        double h = 1e-6;
        int checked = 0;
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            INDArray flat = e.getValue().reshape(e.getValue().length());
            INDArray grad = g.gradients().get(e.getKey()).reshape(flat.length());
            double norm = 0;
            for (int k = 0; k < 4; k++) {
                long i = rnd.nextInt((int) flat.length());
                double orig = flat.getDouble(i);
                flat.putScalar(i, orig + h);
                double up = p.forward(ph, "testLoss").get("testLoss").getDouble(0);
                flat.putScalar(i, orig - h);
                double down = p.forward(ph, "testLoss").get("testLoss").getDouble(0);
                flat.putScalar(i, orig);
                double fd = (up - down) / (2 * h);
                double an = grad.getDouble(i);
                assertTrue(Math.abs(fd - an) <= 1e-7 + 1e-6 * Math.abs(fd),
                        e.getKey() + "[" + i + "]: analytic " + an + " vs finite difference " + fd);
                norm += Math.abs(an);
                checked++;
            }
            assertTrue(norm > 1e-6, "gradient of " + e.getKey() + " is zero at every checked element");
        }
        assertTrue(checked >= 4 * 14);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void graphEqualsMergedWeightsAndZeroBIsTheBase(PolicyConfig cfg) {
        LoraConfig lora = new LoraConfig(4, 16, List.of("q_proj", "o_proj", "down_proj"), true, 3);
        PolicyTransformer p = randomLora(cfg, lora, DataType.DOUBLE, 17);
        int[][] tokens = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 0, 1}};
        Map<String, INDArray> ph = PolicyFixtures.placeholders(PolicyFixtures.int32(tokens), null, null);
        INDArray withLora = p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        // the same logits from a plain policy on W + scale (B A)^T (rsLoRA: scale = 16 / sqrt(4) = 8)
        assertEquals(8.0, lora.scale(), 0);
        Map<String, INDArray> merged = LoraMerge.merged(p);
        INDArray w = p.frozenParameters().get(WeightLayout.projection(0, "q"));
        INDArray a = p.parameters().get(LoraConfig.loraA(0, "q"));
        INDArray bm = p.parameters().get(LoraConfig.loraB(0, "q"));
        INDArray byHand = w.add(bm.mmul(a).transpose().mul(8.0));
        assertTrue(byHand.equalsWithEps(merged.get(WeightLayout.projection(0, "q")), 1e-12));
        PolicyTransformer plain = new PolicyTransformer(cfg, DataType.DOUBLE);
        plain.parameters().forEach((n, arr) -> arr.assign(merged.get(n)));
        INDArray ref = plain.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        assertTrue(ref.equalsWithEps(withLora, 1e-9), "LoRA graph != merged weights");
        plain.parameters().forEach((n, arr) -> arr.assign(p.frozenParameters().get(n)));
        INDArray base = plain.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        assertTrue(base.sub(withLora).amaxNumber().doubleValue() > 1e-3, "adapters change the logits");
        // B = 0: exactly the base model
        p.parameters().forEach((n, arr) -> {
            if (n.endsWith(".lora_B")) {
                arr.assign(0);
            }
        });
        INDArray zeroB = p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        assertTrue(base.equalsWithEps(zeroB, 1e-12));
    }

    @Test
    void initialisationFollowsPeft() {
        PolicyConfig cfg = configs().findFirst().orElseThrow();
        LoraConfig lora = new LoraConfig(8, 8, ALL, false, 5);
        PolicyTransformer p = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        PolicyTransformer same = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        PolicyTransformer other = new PolicyTransformer(cfg, new LoraConfig(8, 8, ALL, false, 6), DataType.FLOAT);
        assertEquals(p.weightsSha256(), same.weightsSha256());
        assertNotEquals(p.weightsSha256(), other.weightsSha256(), "initSeed draws A");
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            float[] v = HostArrays.toFloats(e.getValue());
            if (e.getKey().endsWith(".lora_B")) {
                assertArrayEquals(new float[v.length], v, e.getKey() + " starts at zero");
                continue;
            }
            double bound = 1 / Math.sqrt(e.getValue().size(1)); // kaiming_uniform(a = sqrt(5)) on [r, in]
            double max = 0;
            for (float x : v) {
                max = Math.max(max, Math.abs(x));
            }
            assertTrue(max <= bound && max > 0.8 * bound, e.getKey() + ": max |A| " + max + " vs bound " + bound);
        }
        // base weights equal those of the plain policy with the same seed, and the hash covers them
        PolicyTransformer plain = new PolicyTransformer(cfg);
        plain.parameters().forEach((n, a) -> assertTrue(a.equals(p.frozenParameters().get(n)), n));
        String before = p.weightsSha256();
        p.frozenParameters().get(WeightLayout.TOKEN_EMBEDDING).putScalar(0, 0.5f);
        assertNotEquals(before, p.weightsSha256());
        // 2 layers x r 8 x (in + out) of q 8+8, k 8+4, v 8+4, o 8+8, gate 8+12, up 8+12, down 12+8
        assertEquals(WeightLayout.parameterCount(cfg) + 2 * 8 * (16 + 12 + 12 + 16 + 20 + 20 + 20), p.parameterCount());
    }

    @Test
    void invalidSettingsNameTheField() {
        List<String> q = List.of("q_proj");
        PropertyException r = assertThrows(PropertyException.class, () -> new LoraConfig(0, 8, q, false, 0));
        assertTrue(r.getMessage().contains("r = 0"), r.getMessage());
        PropertyException a = assertThrows(PropertyException.class, () -> new LoraConfig(8, 0, q, false, 0));
        assertTrue(a.getMessage().contains("alpha = 0"), a.getMessage());
        PropertyException m = assertThrows(PropertyException.class,
                () -> new LoraConfig(8, 8, List.of("q_proj", "qkv_proj"), false, 0));
        assertTrue(m.getMessage().contains("targetModules") && m.getMessage().contains("qkv_proj"), m.getMessage());
        PolicyConfig gpt = PolicyFixtures.config(11, 8, 2, 1, 12, 8, NormKind.RMS_NORM, PositionKind.ROTARY, true, 1, 0.3);
        assertThrows(IllegalArgumentException.class, () -> new PolicyTransformer(gpt, new LoraConfig(), DataType.FLOAT));
        List<String> names = new ArrayList<>(LoraConfig.knownModules());
        assertEquals(ALL, names);
    }
}
