package org.ead4j.samediff.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder against the SameDiff graph: the logits after a prefill of ragged prompts and after each
 * incremental step equal the graph's logits at the same prefix to 1e-4, for both norms, both position
 * kinds, tied and untied heads, with the Java kernels on 1-3 threads and with ND4J gemm.
 */
class KvCacheDecoderTest {

    static PolicyConfig config(int vocab, int d, int heads, int layers, int ffn, int maxLen, NormKind norm,
                               PositionKind pos, boolean tied, long seed) {
        Map<String, String> p = new PolicyConfig(vocab, d, heads, layers, ffn, maxLen, norm, pos, tied, seed).toProperties();
        p.put("initStd", "0.15"); // larger than GPT-2's 0.02 so logits vary enough to expose mistakes
        return PolicyConfig.fromProperties(p);
    }

    /** Random weights, including norm gains and biases. */
    static PolicyTransformer policy(PolicyConfig cfg) {
        PolicyTransformer p = new PolicyTransformer(cfg);
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed() + 77);
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            if (e.getKey().endsWith(".gain") || e.getKey().endsWith(".bias")) {
                float[] v = new float[(int) e.getValue().length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((e.getKey().endsWith(".gain") ? 1 : 0) + 0.3 * rnd.nextGaussian());
                }
                HostArrays.writeFloats(v, e.getValue());
            }
        }
        return p;
    }

    static Stream<Arguments> cases() {
        int never = Integer.MAX_VALUE;
        return Stream.of(
                Arguments.of(config(37, 32, 4, 2, 64, 24, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 1), 5, 1, 1),
                Arguments.of(config(37, 32, 4, 2, 64, 24, NormKind.RMS_NORM, PositionKind.ROTARY, true, 2), 3, 1, never),
                Arguments.of(config(29, 24, 2, 3, 40, 20, NormKind.LAYER_NORM, PositionKind.ROTARY, false, 3), 9, 2, 8),
                Arguments.of(config(41, 16, 4, 1, 48, 20, NormKind.RMS_NORM, PositionKind.LEARNED, true, 4), 1, 2, 1),
                Arguments.of(config(41, 16, 4, 1, 48, 20, NormKind.LAYER_NORM, PositionKind.ROTARY, true, 5), 12, 3, never));
    }

    /** Graph logits [B, T, V] for full sequences. */
    static float[][][] graphLogits(PolicyTransformer p, int[][] seq) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(seq));
        INDArray z = p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        int b = seq.length;
        int t = seq[0].length;
        int v = p.config().vocabSize();
        float[] flat = HostArrays.toFloats(z);
        float[][][] out = new float[b][t][v];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(flat, (i * t + j) * v, out[i][j], 0, v);
            }
        }
        return out;
    }

    static double maxDiff(float[] a, int offset, float[] b) {
        double m = 0;
        for (int i = 0; i < b.length; i++) {
            m = Math.max(m, Math.abs(a[offset + i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logitsMatchGraphForRaggedPrefillsAndSteps(PolicyConfig cfg, int batch, int threads, int gemmMinRows) {
        PolicyTransformer p = policy(cfg);
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed());
        int t = cfg.maxSeqLen() - 2;
        int v = cfg.vocabSize();
        int[][] seq = new int[batch][t];
        int[][] prompts = new int[batch][];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < t; j++) {
                seq[r][j] = rnd.nextInt(v);
            }
            prompts[r] = java.util.Arrays.copyOf(seq[r], 1 + rnd.nextInt(t - 1));
        }
        float[][][] want = graphLogits(p, seq);
        // gemmMinWeights 0: every matrix may use gemm, so the small test models exercise it
        KvCacheDecoder dec = new KvCacheDecoder(cfg, p.parameters(), new DecoderOptions(threads, gemmMinRows, 0));
        dec.prefill(prompts, t);
        double worst = 0;
        for (int r = 0; r < batch; r++) {
            assertEquals(prompts[r].length, dec.length(r));
            worst = Math.max(worst, maxDiff(dec.logits(), r * v, want[r][prompts[r].length - 1]));
        }
        // feed the rest of each sequence; rows run out at different steps
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
                worst = Math.max(worst, maxDiff(dec.logits(), r * v, want[r][dec.length(r) - 1]));
            }
        }
        assertTrue(worst < 1e-4, "max |decoder - graph| logits = " + worst + " for " + cfg);
    }

    @Test
    void prefillLongerThanOneChunk() {
        PolicyConfig cfg = config(23, 16, 2, 1, 32, 300, NormKind.LAYER_NORM, PositionKind.ROTARY, false, 6);
        PolicyTransformer p = policy(cfg);
        SplittableRandom rnd = new SplittableRandom(3);
        int t = 290;
        int[][] seq = new int[2][t];
        for (int[] row : seq) {
            for (int j = 0; j < t; j++) {
                row[j] = rnd.nextInt(cfg.vocabSize());
            }
        }
        int[][] prompts = {seq[0].clone(), java.util.Arrays.copyOf(seq[1], 7)};
        float[][][] want = graphLogits(p, seq);
        KvCacheDecoder dec = new KvCacheDecoder(p);
        dec.prefill(prompts, t);
        assertTrue(maxDiff(dec.logits(), 0, want[0][t - 1]) < 1e-4);
        assertTrue(maxDiff(dec.logits(), cfg.vocabSize(), want[1][6]) < 1e-4);
    }

    /** Greedy argmax, recording the positions the decoder asks for. */
    static final class Greedy implements TokenChooser {
        final List<int[]> calls = new ArrayList<>();

        @Override
        public int choose(int row, int position, float[] logits, int offset, int vocab) {
            calls.add(new int[]{row, position});
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[offset + i] > logits[offset + best]) {
                    best = i;
                }
            }
            return best;
        }
    }

    @Test
    void generateMatchesGreedyFullRecomputeWithStopsAndLimits() {
        PolicyConfig cfg = config(13, 32, 4, 2, 64, 16, NormKind.RMS_NORM, PositionKind.ROTARY, false, 8);
        PolicyTransformer p = policy(cfg);
        int[][] prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 9, 10, 11, 12, 0, 1, 2, 3, 4}, {7, 7}};
        int maxNew = 6;
        // reference: greedy with the graph, recomputing the whole prefix every step
        Greedy g = new Greedy();
        int[][] ref = new int[prompts.length][];
        for (int r = 0; r < prompts.length; r++) {
            List<Integer> s = new ArrayList<>();
            for (int tok : prompts[r]) {
                s.add(tok);
            }
            List<Integer> outTokens = new ArrayList<>();
            while (outTokens.size() < maxNew && s.size() < cfg.maxSeqLen()) {
                int[][] one = {s.stream().mapToInt(Integer::intValue).toArray()};
                float[][][] z = graphLogits(p, one);
                float[] last = z[0][one[0].length - 1];
                int tok = g.choose(r, outTokens.size(), last, 0, cfg.vocabSize());
                outTokens.add(tok);
                s.add(tok);
            }
            ref[r] = outTokens.stream().mapToInt(Integer::intValue).toArray();
        }
        // choose a stop token that row 0 produces at its second step, to exercise STOP
        int stop = ref[0].length > 1 ? ref[0][1] : ref[0][0];

        KvCacheDecoder dec = new KvCacheDecoder(p);
        Greedy chooser = new Greedy();
        DecodeResult res = dec.generate(prompts, maxNew, new int[]{stop}, chooser);
        assertEquals(prompts.length, res.size());
        for (int r = 0; r < prompts.length; r++) {
            int[] want = ref[r];
            int cut = -1;
            for (int i = 0; i < want.length; i++) {
                if (want[i] == stop) {
                    cut = i;
                    break;
                }
            }
            int[] expected = cut >= 0 ? java.util.Arrays.copyOf(want, cut + 1) : want;
            assertArrayEquals(expected, res.tokens(r), "row " + r);
            assertEquals(cut >= 0 ? FinishReason.STOP : FinishReason.LENGTH, res.finishReason(r), "row " + r);
        }
        // row 2 (13 prompt tokens, maxSeqLen 16) stops for length after 3 tokens unless it hit the stop token
        assertTrue(res.tokens(2).length <= 3);
        // positions are 0-based within the response and consecutive per row
        Map<Integer, Integer> next = new HashMap<>();
        for (int[] c : chooser.calls) {
            int expectedPos = next.getOrDefault(c[0], 0);
            assertEquals(expectedPos, c[1], "row " + c[0]);
            next.put(c[0], expectedPos + 1);
        }
        for (int r = 0; r < prompts.length; r++) {
            assertEquals(res.tokens(r).length, next.get(r));
        }
        // the decoder is reusable and deterministic
        DecodeResult again = dec.generate(prompts, maxNew, new int[]{stop}, new Greedy());
        for (int r = 0; r < prompts.length; r++) {
            assertArrayEquals(res.tokens(r), again.tokens(r));
        }
    }

    @Test
    void syncWeightsPicksUpOptimizerUpdates() {
        PolicyConfig cfg = config(17, 16, 2, 1, 32, 12, NormKind.LAYER_NORM, PositionKind.LEARNED, true, 9);
        PolicyTransformer p = policy(cfg);
        KvCacheDecoder dec = new KvCacheDecoder(p);
        int[][] prompt = {{1, 2, 3, 4}};
        dec.prefill(prompt, 4);
        float[] before = java.util.Arrays.copyOf(dec.logits(), cfg.vocabSize());
        // one optimiser step changes the live parameters in place
        Map<String, INDArray> grads = new HashMap<>();
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            grads.put(e.getKey(), Nd4j.onesLike(e.getValue()));
        }
        new AdamW(0.05).step(p.parameters(), grads);
        dec.prefill(prompt, 4);
        assertArrayEquals(before, java.util.Arrays.copyOf(dec.logits(), cfg.vocabSize()), 0f,
                "the decoder must keep its own copy until syncWeights()");
        dec.syncWeights();
        dec.prefill(prompt, 4);
        float[] want = graphLogits(p, prompt)[0][3];
        assertTrue(maxDiff(dec.logits(), 0, want) < 1e-4);
        assertTrue(maxDiff(dec.logits(), 0, before) > 1e-3);
    }

    @Test
    void javaKernelsGiveTheSameBitsOnAnyThreadCount() {
        PolicyConfig cfg = config(300, 64, 4, 2, 256, 40, NormKind.LAYER_NORM, PositionKind.ROTARY, false, 11);
        PolicyTransformer p = policy(cfg);
        SplittableRandom rnd = new SplittableRandom(12);
        int[][] prompts = new int[24][];
        for (int r = 0; r < prompts.length; r++) {
            prompts[r] = new int[1 + rnd.nextInt(30)];
            for (int j = 0; j < prompts[r].length; j++) {
                prompts[r][j] = rnd.nextInt(cfg.vocabSize());
            }
        }
        float[] reference = null;
        for (int threads : new int[]{1, 2, 3}) {
            try (KvCacheDecoder dec = new KvCacheDecoder(cfg, p.parameters(), DecoderOptions.javaOnly().withThreads(threads))) {
                dec.prefill(prompts, 40);
                int[] rows = new int[prompts.length];
                int[] toks = new int[prompts.length];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = r;
                    toks[r] = r % cfg.vocabSize();
                }
                dec.step(rows, toks);
                float[] z = java.util.Arrays.copyOf(dec.logits(), prompts.length * cfg.vocabSize());
                if (reference == null) {
                    reference = z;
                } else {
                    assertArrayEquals(reference, z, 0f, threads + " threads");
                }
            }
        }
    }

    @Test
    void badInputsGiveClearErrors() {
        PolicyConfig cfg = config(11, 16, 2, 1, 32, 8, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 10);
        KvCacheDecoder dec = new KvCacheDecoder(policy(cfg));
        TokenChooser first = (r, pos, z, o, v) -> 0;
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> dec.generate(new int[0][], 4, null, first));
        assertTrue(empty.getMessage().contains("empty batch"), empty.getMessage());
        IllegalArgumentException emptyPrompt = assertThrows(IllegalArgumentException.class,
                () -> dec.generate(new int[][]{{1}, {}}, 4, null, first));
        assertTrue(emptyPrompt.getMessage().contains("prompt 1 is empty"), emptyPrompt.getMessage());
        IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
                () -> dec.generate(new int[][]{{1, 2}, {3, 11}}, 4, null, first));
        assertTrue(badId.getMessage().contains("prompt 1, position 1: token id 11"), badId.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> dec.generate(new int[][]{{1, 2, 3, 4, 5, 6, 7, 8}}, 4, null, first));
        assertTrue(tooLong.getMessage().contains("maxSeqLen = 8"), tooLong.getMessage());
        IllegalArgumentException badChoice = assertThrows(IllegalArgumentException.class,
                () -> dec.generate(new int[][]{{1}}, 4, null, (r, pos, z, o, v) -> v));
        assertTrue(badChoice.getMessage().contains("TokenChooser returned token 11"), badChoice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dec.generate(new int[][]{{1}}, 4, new int[]{-1}, first));
        // maxSeqLen bounds prompt + response: a 6-token prompt gets 2 tokens at most
        DecodeResult r = dec.generate(new int[][]{{1, 2, 3, 4, 5, 6}}, 10, null, first);
        assertEquals(2, r.tokens(0).length);
        assertEquals(FinishReason.LENGTH, r.finishReason(0));
        dec.prefill(new int[][]{{1}, {2}}, 4);
        assertThrows(IllegalArgumentException.class, () -> dec.step(new int[]{0, 0}, new int[]{1, 2}));
        assertThrows(IllegalArgumentException.class, () -> dec.step(new int[]{2}, new int[]{1}));
        assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class, () -> new DecoderOptions(0, 16, 0));
    }
}
