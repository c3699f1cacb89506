package org.ead4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The PyTorch peer computes our model: same logits (full forward and KV-cache decode, chunked prefill) to
 * 1e-4 on the tiny and small presets, same gradients, and its training step learns without leaking tensors.
 * Every parameter is perturbed first, so that norm gains and biases (1 and 0 at initialisation) and every
 * matrix are exercised with distinct values.
 */
class DjlPolicyTest {

    /** Adds N(0, 0.05) noise to every parameter of the policy, in place. */
    static void perturb(PolicyTransformer p, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (INDArray a : p.parameters().values()) {
            float[] v = HostArrays.toFloats(a);
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.05 * rnd.nextGaussian());
            }
            HostArrays.writeFloats(v, a);
        }
    }

    private static double maxAbsDiff(float[] a, float[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static void logitsMatch(PolicyConfig cfg, int t, int prompt, int chunkTokens) {
        PolicyTransformer p = new PolicyTransformer(cfg.withInitSeed(3));
        perturb(p, 17);
        int b = 3;
        int v = cfg.vocabSize();
        int[][] tok = BenchConfigs.randomTokens(b, t, v, 4);
        float[] ours = HostArrays.toFloats(p.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(tok)),
                PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS));
        double scale = 0;
        for (float z : ours) {
            scale = Math.max(scale, Math.abs(z));
        }
        assertTrue(scale > 0.5, "logits too small to make the comparison meaningful: " + scale);
        try (DjlPolicy torch = new DjlPolicy(cfg, p.parameters(), false);
             KvCacheDecoder dec = new KvCacheDecoder(p)) {
            float[] theirs = torch.logits(tok);
            assertEquals(ours.length, theirs.length);
            double full = maxAbsDiff(ours, theirs, ours.length);
            assertTrue(full <= 1e-4, "full-forward logits differ by " + full);

            int[][] prompts = new int[b][];
            for (int r = 0; r < b; r++) {
                prompts[r] = Arrays.copyOf(tok[r], prompt);
            }
            dec.prefill(prompts, t);
            try (DjlPolicy.Decode dd = torch.newDecode(b, t, chunkTokens)) {
                dd.prefill(prompts);
                int managed = ((BaseNDManager) torch.manager()).getManagedArrays().size();
                for (int s = prompt; s <= t; s++) {
                    float[] zt = dd.logits();
                    // against our decoder and against the graph's logits at the same position
                    assertTrue(maxAbsDiff(dec.logits(), zt, b * v) <= 1e-4, "decode logits differ at step " + s);
                    for (int r = 0; r < b; r++) {
                        float[] row = Arrays.copyOfRange(ours, (r * t + s - 1) * v, (r * t + s) * v);
                        float[] rowT = Arrays.copyOfRange(zt, r * v, (r + 1) * v);
                        assertTrue(maxAbsDiff(row, rowT, v) <= 1e-4, "decode vs graph differ at row " + r + " step " + s);
                    }
                    if (s == t) {
                        break;
                    }
                    int[] rows = new int[b];
                    int[] next = new int[b];
                    long[] nextL = new long[b];
                    for (int r = 0; r < b; r++) {
                        rows[r] = r;
                        next[r] = tok[r][s];
                        nextL[r] = tok[r][s];
                    }
                    dec.step(rows, next);
                    dd.step(nextL);
                }
                assertEquals(t, dd.length());
                assertEquals(managed, ((BaseNDManager) torch.manager()).getManagedArrays().size(),
                        "decode steps leaked tensors");
            }
        }
    }

    @Test
    void tinyLogitsMatchOursIncludingChunkedPrefillAndDecode() {
        // chunk of 3 tokens per row (9 / B=3): the 10-token prompt takes 4 prefill chunks, the last one partial
        logitsMatch(PolicyConfig.tiny(64), 20, 10, 9);
    }

    @Test
    void smallLogitsMatchOurs() {
        logitsMatch(PolicyConfig.small(512), 12, 8, 1024);
    }

    @Test
    void gradientsMatchOursAndTrainingLearns() {
        PolicyConfig cfg = PolicyConfig.tiny(64);
        PolicyTransformer p = new PolicyTransformer(cfg.withInitSeed(5));
        perturb(p, 23);
        int b = 4;
        int t = 16;
        int[][] tok = BenchConfigs.randomTokens(b, t, cfg.vocabSize(), 8);
        int[][] tgt = BenchConfigs.randomTokens(b, t, cfg.vocabSize(), 9);
        p.setLoss(p.logProbs().mean().neg().rename("nll"));
        GradientResult ours = p.gradients(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(tok),
                PolicyTransformer.TARGETS, Nd4j.createFromArray(tgt)));
        try (DjlPolicy torch = new DjlPolicy(cfg, p.parameters(), true)) {
            Map<String, float[]> g = torch.gradients(tok, tgt);
            assertEquals(ours.loss(), g.get("loss")[0], 1e-5);
            for (Map.Entry<String, INDArray> e : ours.gradients().entrySet()) {
                float[] go = HostArrays.toFloats(e.getValue());
                double scale = 0;
                for (float x : go) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertTrue(scale > 0, "zero gradient for " + e.getKey());
                double diff = maxAbsDiff(go, g.get(e.getKey()), go.length);
                assertTrue(diff <= 1e-5 + 1e-3 * scale, e.getKey() + ": gradients differ by " + diff + " (scale " + scale + ")");
            }
            // the accumulated gradients were zeroed: asking again gives the same gradients, not twice them
            Map<String, float[]> again = torch.gradients(tok, tgt);
            assertTrue(maxAbsDiff(g.get("head"), again.get("head"), g.get("head").length) <= 1e-6);

            torch.useAdam(1e-2f);
            int managed = ((BaseNDManager) torch.manager()).getManagedArrays().size();
            float first = torch.trainStep(tok, tgt);
            float last = first;
            for (int s = 0; s < 5; s++) {
                last = torch.trainStep(tok, tgt);
            }
            assertTrue(last < first - 0.1, "loss did not fall: " + first + " -> " + last);
            // Adam's two moments per parameter are the only new tensors
            int params = torch.parameters().size();
            assertTrue(((BaseNDManager) torch.manager()).getManagedArrays().size() <= managed + 2 * params,
                    "training steps leaked tensors");
        }
    }
}
