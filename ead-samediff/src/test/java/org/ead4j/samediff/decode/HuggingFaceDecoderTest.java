package org.ead4j.samediff.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against the SameDiff graph for the Hugging Face families: logits after a prefill of ragged prompts
 * and after each incremental step equal the graph's logits at the same prefix to 1e-4, on the Java kernels (1 and 2
 * threads) and on ND4J gemm; greedy generation gives the same tokens as greedy decoding with the graph recomputing
 * the whole prefix.
 */
class HuggingFaceDecoderTest {

    /**
     * Micro versions of the three families. llama: grouped-query attention (4 query heads on 2 key/value heads),
     * Llama 3 rope scaling with all three bands in use below position 24 (headDim 16, theta 1e4: wavelengths 6.3 to
     * 19869 against band edges 16 and 64), untied head. qwen2: q/k/v biases, 6 query heads on 2 key/value heads,
     * tied head like Qwen2.5-0.5B. qwen3: per-head q/k RMSNorm, headDim 12 != dModel / numHeads = 8, tied head,
     * eps 1e-6.
     */
    static PolicyConfig llama() {
        return hf(Architecture.LLAMA, 37, 64, 4, 2, 96, 24, false, 21, "numKvHeads", "2",
                "ropeScaling", "LLAMA3", "ropeOriginalMaxPositions", "64");
    }

    static PolicyConfig qwen2() {
        return hf(Architecture.QWEN2, 41, 48, 6, 2, 80, 24, true, 22, "numKvHeads", "2", "qkvBias", "true",
                "ropeBase", "1000000");
    }

    static PolicyConfig qwen3() {
        return hf(Architecture.QWEN3, 29, 32, 4, 2, 64, 24, true, 23, "numKvHeads", "2", "headDim", "12",
                "qkNorm", "true", "normEpsilon", "1e-6");
    }

    /** Llama with attention_bias and mlp_bias (q/k/v, output and gate/up/down biases) and one key/value head. */
    static PolicyConfig llamaBiases() {
        return hf(Architecture.LLAMA, 23, 32, 4, 1, 40, 20, false, 24, "numKvHeads", "1", "qkvBias", "true",
                "outBias", "true", "mlpBias", "true");
    }

    static PolicyConfig hf(Architecture arch, int vocab, int d, int heads, int layers, int ffn, int maxLen,
                           boolean tied, long seed, String... extra) {
        Map<String, String> p = new PolicyConfig(vocab, d, heads, layers, ffn, maxLen, NormKind.RMS_NORM,
                PositionKind.ROTARY, tied, seed).toProperties();
        p.put("architecture", arch.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("initStd", "0.15");
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return PolicyConfig.fromProperties(p);
    }

    static Stream<Arguments> cases() {
        int never = Integer.MAX_VALUE;
        List<Arguments> out = new ArrayList<>();
        for (PolicyConfig c : List.of(llama(), qwen2(), qwen3(), llamaBiases())) {
            String name = c.outBias() ? "LLAMA+biases" : c.architecture().name();
            out.add(Arguments.of(name, c, 5, 1, never));
            out.add(Arguments.of(name, c, 4, 2, 1));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} threads {3} gemmMinRows {4}")
    @MethodSource("cases")
    void logitsMatchGraphForRaggedPrefillsAndSteps(String family, PolicyConfig cfg, int batch, int threads,
                                                   int gemmMinRows) {
        PolicyTransformer p = KvCacheDecoderTest.policy(cfg);
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed());
        int t = cfg.maxSeqLen() - 2;
        int v = cfg.vocabSize();
        int[][] seq = new int[batch][t];
        int[][] prompts = new int[batch][];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < t; j++) {
                seq[r][j] = rnd.nextInt(v);
            }
            prompts[r] = Arrays.copyOf(seq[r], 1 + rnd.nextInt(t - 1));
        }
        float[][][] want = KvCacheDecoderTest.graphLogits(p, seq);
        double spread = 0;
        for (float[][] row : want) {
            for (float[] z : row) {
                for (float zi : z) {
                    spread = Math.max(spread, Math.abs(zi));
                }
            }
        }
        assertTrue(spread > 0.5, "logits too flat to expose mistakes: max |z| = " + spread);
        try (KvCacheDecoder dec = new KvCacheDecoder(cfg, p.parameters(), new DecoderOptions(threads, gemmMinRows, 0))) {
            dec.prefill(prompts, t);
            double worst = 0;
            for (int r = 0; r < batch; r++) {
                assertEquals(prompts[r].length, dec.length(r));
                worst = Math.max(worst, KvCacheDecoderTest.maxDiff(dec.logits(), r * v, want[r][prompts[r].length - 1]));
            }
            while (true) {
                List<Integer> rows = new ArrayList<>();
                for (int r = 0; r < batch; r++) {
                    if (dec.length(r) < t) {
                        rows.add(r);
                    }
                }
                if (rows.isEmpty()) {
                    break;
                }
                int[] ids = rows.stream().mapToInt(Integer::intValue).toArray();
                int[] toks = new int[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    toks[i] = seq[ids[i]][dec.length(ids[i])];
                }
                dec.step(ids, toks);
                for (int r : ids) {
                    worst = Math.max(worst, KvCacheDecoderTest.maxDiff(dec.logits(), r * v, want[r][dec.length(r) - 1]));
                }
            }
            System.out.printf("%s: max |decoder - graph| logits = %.3g (threads %d, gemmMinRows %d, max |z| %.2f)%n",
                    family, worst, threads, gemmMinRows, spread);
            assertTrue(worst < 1e-4, "max |decoder - graph| logits = " + worst + " for " + cfg);
        }
    }

    static Stream<Arguments> families() {
        return Stream.of(Arguments.of(llama()), Arguments.of(qwen2()), Arguments.of(qwen3()), Arguments.of(llamaBiases()));
    }

    @ParameterizedTest
    @MethodSource("families")
    void greedyTokensEqualGraphRecompute(PolicyConfig cfg) {
        PolicyTransformer p = KvCacheDecoderTest.policy(cfg);
        int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 9, 10, 11, 12, 0}, {7, 7, 2, 9, 3, 1}};
        int maxNew = 8;
        KvCacheDecoderTest.Greedy g = new KvCacheDecoderTest.Greedy();
        int[][] ref = new int[prompts.length][];
        for (int r = 0; r < prompts.length; r++) {
            int[] s = prompts[r].clone();
            int[] out = new int[maxNew];
            for (int n = 0; n < maxNew; n++) {
                float[][][] z = KvCacheDecoderTest.graphLogits(p, new int[][]{s});
                out[n] = g.choose(r, n, z[0][s.length - 1], 0, cfg.vocabSize());
                s = Arrays.copyOf(s, s.length + 1);
                s[s.length - 1] = out[n];
            }
            ref[r] = out;
        }
        try (KvCacheDecoder dec = new KvCacheDecoder(p)) {
            DecodeResult res = dec.generate(prompts, maxNew, null, new KvCacheDecoderTest.Greedy());
            for (int r = 0; r < prompts.length; r++) {
                assertArrayEquals(ref[r], res.tokens(r), cfg.architecture() + " row " + r);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void syncWeightsRefreshesTheFusedCopies(PolicyConfig cfg) {
        PolicyTransformer p = KvCacheDecoderTest.policy(cfg);
        try (KvCacheDecoder dec = new KvCacheDecoder(cfg, p.parameters(), new DecoderOptions(1, 1, 0))) {
            int[][] prompt = {{1, 2, 3, 4, 5}};
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> grads = new java.util.HashMap<>();
            for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : p.parameters().entrySet()) {
                grads.put(e.getKey(), org.nd4j.linalg.factory.Nd4j.randn(e.getValue().dataType(), e.getValue().shape()));
            }
            new org.ead4j.samediff.policy.AdamW(0.05).step(p.parameters(), grads);
            dec.syncWeights();
            dec.prefill(prompt, 5);
            float[] want = KvCacheDecoderTest.graphLogits(p, prompt)[0][4];
            assertTrue(KvCacheDecoderTest.maxDiff(dec.logits(), 0, want) < 1e-4);
        }
    }
}
