package org.ead4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The PyTorch peer of the Hugging Face families computes their forward pass: its logits (full forward over a
 * ragged, left-padded batch, and the KV-cache decoder with chunked prefill and greedy steps) equal an
 * independent double-precision implementation ({@link HfReference}, one sequence at a time, no padding) to
 * 1e-4 on micro llama (GQA, llama3 rope scaling with all three bands, untied), qwen2 (q/k/v biases, tied)
 * and qwen3 (q/k norms, head_dim 16 != 32 / 4, tied) models and on a llama with every optional bias. Then
 * ours ({@link PolicyTransformer}'s graph and {@link KvCacheDecoder}) equals the peer on the same weights to
 * 1e-4, over ragged batches, and both decoders pick the same greedy tokens.
 */
class DjlHfPolicyTest {

    static final double TOL = 1e-4;

    /**
     * Random weights in every parameter of a configuration: matrices N(0, 1/fan_in) (so that activations stay
     * O(1)), the embedding N(0, 1), norm gains 1 + N(0, 0.1^2), biases N(0, 0.1^2).
     */
    static Map<String, INDArray> randomParameters(PolicyConfig cfg, long seed) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(cfg).entrySet()) {
            out.put(e.getKey(), Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, e.getValue()));
        }
        randomize(cfg, out, seed);
        return out;
    }

    /** Overwrites parameters (ours or a policy's live arrays) with the values of {@link #randomParameters}. */
    static void randomize(PolicyConfig cfg, Map<String, INDArray> params, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(cfg).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            boolean gain = name.endsWith(".gain");
            boolean bias = name.endsWith(".bias");
            double std = name.equals(WeightLayout.TOKEN_EMBEDDING) ? 1 : gain || bias ? 0.1 : 1 / Math.sqrt(shape[0]);
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((gain ? 1 : 0) + std * rnd.nextGaussian());
            }
            HostArrays.writeFloats(v, params.get(name));
        }
    }

    static Map<String, float[]> floats(Map<String, INDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, a) -> out.put(k, HostArrays.toFloats(a)));
        return out;
    }

    static PolicyConfig config(String name) {
        if (name.equals("llama-biases")) {
            // Llama with attention_bias (q, k, v and o) and mlp_bias, MHA-sized groups of 2
            PolicyConfig base = BenchConfigs.byName("llama-micro");
            Map<String, String> p = base.toProperties();
            p.put("qkvBias", "true");
            p.put("outBias", "true");
            p.put("mlpBias", "true");
            return PolicyConfig.fromProperties(p);
        }
        return BenchConfigs.byName(name);
    }

    static double maxAbsDiff(double[] ref, float[] got, int refFrom, int gotFrom, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(ref[refFrom + i] - got[gotFrom + i]));
        }
        return m;
    }

    static int argmax(double[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        return best;
    }

    static int[][] ragged(int vocab, long seed, int... lengths) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] t = new int[lengths.length][];
        for (int r = 0; r < lengths.length; r++) {
            t[r] = rnd.ints(lengths[r], 0, vocab).toArray();
        }
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-micro", "qwen2-micro", "qwen3-micro", "llama-biases"})
    void fullForwardOverARaggedBatchEqualsTheReference(String name) {
        PolicyConfig cfg = config(name);
        Map<String, INDArray> params = randomParameters(cfg, 11);
        HfReference ref = new HfReference(cfg, floats(params));
        int v = cfg.vocabSize();
        int[][] tok = ragged(v, 5, 13, 4, 9, 1);
        try (DjlHfPolicy torch = new DjlHfPolicy(cfg, params)) {
            float[][] z = torch.raggedLogits(tok);
            double worst = 0;
            double scale = 0;
            for (int r = 0; r < tok.length; r++) {
                assertEquals(tok[r].length * v, z[r].length);
                double[][] want = ref.logits(tok[r]);
                for (int i = 0; i < tok[r].length; i++) {
                    worst = Math.max(worst, maxAbsDiff(want[i], z[r], 0, i * v, v));
                    for (double x : want[i]) {
                        scale = Math.max(scale, Math.abs(x));
                    }
                }
            }
            assertTrue(scale > 1, "logits too small to make the comparison meaningful: " + scale);
            System.out.println("RESULT " + name + " full " + worst + " scale " + scale);
            assertTrue(worst <= TOL, name + ": ragged full-forward logits differ from the reference by " + worst);

            // rows of equal length, no padding: the plain path
            int[][] square = ragged(v, 6, 7, 7);
            float[] flat = torch.logits(square);
            for (int r = 0; r < 2; r++) {
                double[][] want = ref.logits(square[r]);
                for (int i = 0; i < 7; i++) {
                    assertTrue(maxAbsDiff(want[i], flat, 0, (r * 7 + i) * v, v) <= TOL, name + " row " + r + " pos " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-micro", "qwen2-micro", "qwen3-micro", "llama-biases"})
    void kvCacheDecodeOfRaggedPromptsEqualsTheReferenceAndPicksTheSameGreedyTokens(String name) {
        PolicyConfig cfg = config(name);
        Map<String, INDArray> params = randomParameters(cfg, 12);
        HfReference ref = new HfReference(cfg, floats(params));
        int v = cfg.vocabSize();
        int[][] prompts = ragged(v, 7, 5, 11, 2);
        int b = prompts.length;
        int steps = 12;
        try (DjlHfPolicy torch = new DjlHfPolicy(cfg, params);
             // 6 tokens per chunk / 3 rows = 2 slots: the 11-slot prefill takes 6 chunks, padding in the first ones
             DjlHfPolicy.Decode dec = torch.newDecode(b, 11 + steps, 6)) {
            dec.prefill(prompts);
            assertArrayEquals(new int[]{6, 0, 9}, dec.pads());
            int managed = ((BaseNDManager) torch.manager()).getManagedArrays().size();
            int[][] seq = new int[b][];
            for (int r = 0; r < b; r++) {
                seq[r] = prompts[r].clone();
            }
            double worst = 0;
            for (int s = 0; s <= steps; s++) {
                float[] z = dec.logits();
                long[] next = new long[b];
                for (int r = 0; r < b; r++) {
                    double[] want = ref.logits(seq[r])[seq[r].length - 1];
                    worst = Math.max(worst, maxAbsDiff(want, z, 0, r * v, v));
                    int greedy = BenchConfigs.argmax(z, r * v, v);
                    assertEquals(argmax(want), greedy, name + ": greedy token differs at row " + r + " step " + s);
                    next[r] = greedy;
                    seq[r] = Arrays.copyOf(seq[r], seq[r].length + 1);
                    seq[r][seq[r].length - 1] = greedy;
                }
                if (s < steps) {
                    dec.step(next);
                }
            }
            System.out.println("RESULT " + name + " decode " + worst);
            assertTrue(worst <= TOL, name + ": decode logits differ from the reference by " + worst);
            assertEquals(11 + steps, dec.length());
            assertEquals(managed, ((BaseNDManager) torch.manager()).getManagedArrays().size(), "decode steps leaked tensors");
            assertThrows(IllegalStateException.class, () -> dec.step(new long[b]), "the cache is full");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-micro", "qwen2-micro", "qwen3-micro", "llama-biases"})
    void oursEqualsPyTorchOverRaggedBatchesAndPicksTheSameGreedyTokens(String name) {
        PolicyConfig cfg = config(name);
        PolicyTransformer policy = PolicyTransformer.withWeights(cfg, randomParameters(cfg, 21));
        int v = cfg.vocabSize();
        int[][] tok = ragged(v, 9, 13, 4, 9, 1);
        int t = 13;
        // the graph takes a right-padded [B, T] batch: padding after a row's end cannot reach its positions (causal)
        int[][] padded = new int[tok.length][t];
        for (int r = 0; r < tok.length; r++) {
            System.arraycopy(tok[r], 0, padded[r], 0, tok[r].length);
        }
        float[] ours = HostArrays.toFloats(policy.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(padded)),
                PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS));
        int[][] prompts = ragged(v, 10, 6, 11, 2);
        int b = prompts.length;
        int steps = 12;
        try (DjlHfPolicy torch = new DjlHfPolicy(cfg, policy.parameters());
             KvCacheDecoder dec = new KvCacheDecoder(policy);
             DjlHfPolicy.Decode dd = torch.newDecode(b, 11 + steps, 6)) {
            float[][] theirs = torch.raggedLogits(tok);
            double full = 0;
            for (int r = 0; r < tok.length; r++) {
                for (int i = 0; i < tok[r].length; i++) {
                    for (int j = 0; j < v; j++) {
                        full = Math.max(full, Math.abs(ours[(r * t + i) * v + j] - theirs[r][i * v + j]));
                    }
                }
            }
            System.out.println("RESULT " + name + " ours-vs-torch full " + full);
            assertTrue(full <= TOL, name + ": our graph's logits differ from PyTorch's by " + full);

            dec.prefill(prompts, 11 + steps);
            dd.prefill(prompts);
            double decode = 0;
            int[] rows = {0, 1, 2};
            for (int s = 0; s <= steps; s++) {
                float[] zo = dec.logits();
                float[] zt = dd.logits();
                int[] next = new int[b];
                long[] nextT = new long[b];
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < v; j++) {
                        decode = Math.max(decode, Math.abs(zo[r * v + j] - zt[r * v + j]));
                    }
                    next[r] = BenchConfigs.argmax(zo, r * v, v);
                    nextT[r] = BenchConfigs.argmax(zt, r * v, v);
                    assertEquals(nextT[r], next[r], name + ": greedy tokens differ at row " + r + " step " + s);
                }
                if (s < steps) {
                    dec.step(rows, next);
                    dd.step(nextT);
                }
            }
            System.out.println("RESULT " + name + " ours-vs-torch decode " + decode);
            assertTrue(decode <= TOL, name + ": our decoder's logits differ from PyTorch's by " + decode);
        }
    }

    @Test
    void llama3InverseFrequenciesHaveAllThreeBandsAndMatchTheFormula() {
        PolicyConfig cfg = BenchConfigs.byName("llama-micro");
        double[] want = HfReference.inverseFrequencies(cfg);
        try (DjlHfPolicy torch = new DjlHfPolicy(cfg, randomParameters(cfg, 1))) {
            float[] got = torch.inverseFrequencies();
            assertEquals(8, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 1e-6 * want[i], "inv_freq[" + i + "]");
            }
        }
        // theta 10000, head_dim 16: wavelengths 6.3, 19.9, 62.8 (kept, < 256 / 4), 199 (blended), 628.. (/ 8)
        double plain3 = Math.pow(10000, -6.0 / 16);
        double plain4 = Math.pow(10000, -8.0 / 16);
        assertEquals(Math.pow(10000, -4.0 / 16), want[2], 1e-15);
        assertTrue(want[3] < plain3 && want[3] > plain3 / 8, "index 3 is blended: " + want[3]);
        assertEquals(plain4 / 8, want[4], 1e-15);
    }

    @Test
    void hfNamesFollowTheSafetensorsLayout() {
        assertEquals("model.embed_tokens.weight", DjlHfPolicy.hfName("tok_emb"));
        assertEquals("model.layers.3.self_attn.q_proj.bias", DjlHfPolicy.hfName("layer3.attn.q.bias"));
        assertEquals("model.layers.0.self_attn.o_proj.weight", DjlHfPolicy.hfName("layer0.attn.out"));
        assertEquals("model.layers.1.self_attn.k_norm.weight", DjlHfPolicy.hfName("layer1.attn.k_norm.gain"));
        assertEquals("model.layers.2.mlp.gate_proj.weight", DjlHfPolicy.hfName("layer2.mlp.gate"));
        assertEquals("model.layers.2.post_attention_layernorm.weight", DjlHfPolicy.hfName("layer2.norm2.gain"));
        assertEquals("model.norm.weight", DjlHfPolicy.hfName("final_norm.gain"));
        assertEquals("lm_head.weight", DjlHfPolicy.hfName("head"));
    }

    @Test
    void refusesGpt() {
        PolicyConfig gpt = PolicyConfig.tiny(64);
        assertThrows(IllegalArgumentException.class, () -> new DjlHfPolicy(gpt, Map.of()));
    }
}
