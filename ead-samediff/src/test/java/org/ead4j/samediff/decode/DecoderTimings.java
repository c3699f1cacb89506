package org.ead4j.samediff.decode;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quick timings (not a benchmark, not a test): training step, decode per token and weight sync for the
 * tiny and small presets. Run with OMP_NUM_THREADS=1, e.g.
 * {@code java -cp target/test-classes:target/classes:<deps> org.ead4j.samediff.decode.DecoderTimings [what...]}
 * where what is any of {@code train}, {@code decode}, {@code small}; default: all.
 */
public final class DecoderTimings {

    private DecoderTimings() {
    }

    /**
     * Entry point.
     *
     * @param args what to time
     */
    public static void main(String[] args) {
        java.util.Set<String> what = new java.util.HashSet<>(java.util.Arrays.asList(args));
        boolean all = what.isEmpty();
        if (all || what.contains("train")) {
            train(PolicyConfig.tiny(64), 16, 64, 8);
        }
        if (all || what.contains("decode")) {
            decode(PolicyConfig.tiny(64), new int[]{1, 64});
        }
        if (all || what.contains("small")) {
            decode(PolicyConfig.small(512), new int[]{1, 64});
        }
        if (what.contains("trainsmall")) {
            train(PolicyConfig.small(512), 16, 64, 3);
        }
    }

    static void train(PolicyConfig cfg, int b, int t, int steps) {
        PolicyTransformer p = new PolicyTransformer(cfg);
        SDVariable loss = p.logProbs().mean().neg().rename("loss");
        p.setLoss(loss);
        AdamW opt = new AdamW(1e-3);
        SplittableRandom rnd = new SplittableRandom(1);
        Map<String, INDArray> ph = new HashMap<>();
        int[][] tok = new int[b][t];
        int[][] tgt = new int[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                tok[i][j] = rnd.nextInt(cfg.vocabSize());
                tgt[i][j] = rnd.nextInt(cfg.vocabSize());
            }
        }
        ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(tok));
        ph.put(PolicyTransformer.TARGETS, Nd4j.createFromArray(tgt));
        long t0 = System.nanoTime();
        GradientResult g = p.gradients(ph);
        opt.step(p.parameters(), g.gradients());
        long first = System.nanoTime() - t0;
        double gradMs = 0;
        double optMs = 0;
        double fwdMs = 0;
        for (int s = 0; s < steps; s++) {
            long a = System.nanoTime();
            g = p.gradients(ph);
            long c = System.nanoTime();
            opt.step(p.parameters(), g.gradients());
            long e = System.nanoTime();
            p.forward(ph, PolicyTransformer.LOG_PROBS);
            long f = System.nanoTime();
            gradMs += (c - a) / 1e6 / steps;
            optMs += (e - c) / 1e6 / steps;
            fwdMs += (f - e) / 1e6 / steps;
        }
        System.out.printf("train d=%d L=%d V=%d params=%d B=%d T=%d: first step %.0f ms; gradients %.1f ms + AdamW %.1f ms"
                        + " = %.1f ms/step (%.0f tokens/s); forward logProbs %.1f ms%n",
                cfg.dModel(), cfg.numLayers(), cfg.vocabSize(), p.parameterCount(), b, t, first / 1e6, gradMs, optMs,
                gradMs + optMs, b * t / ((gradMs + optMs) / 1e3), fwdMs);
    }

    static void decode(PolicyConfig cfg, int[] batches) {
        PolicyTransformer p = new PolicyTransformer(cfg);
        // JIT warm-up of every kernel on a throw-away decoder
        try (KvCacheDecoder warm = new KvCacheDecoder(p, DecoderOptions.javaOnly())) {
            int[][] prompts = new int[8][16];
            for (int i = 0; i < 30; i++) {
                warm.generate(prompts, 16, null, (r, pos, z, o, v) -> pos % v);
            }
        }
        int prompt = 64;
        int gen = 64; // context reaches 128
        DecoderOptions[] variants = {DecoderOptions.defaults(), DecoderOptions.javaOnly(),
            new DecoderOptions(1, 16, 0), DecoderOptions.defaults().withThreads(2)};
        for (DecoderOptions variant : variants) {
            KvCacheDecoder dec = new KvCacheDecoder(cfg, p.parameters(), variant);
            for (int b : batches) {
                SplittableRandom rnd = new SplittableRandom(2);
                int[][] prompts = new int[b][prompt];
                for (int[] row : prompts) {
                    for (int j = 0; j < prompt; j++) {
                        row[j] = rnd.nextInt(cfg.vocabSize());
                    }
                }
                TokenChooser greedy = (r, pos, z, o, v) -> {
                    int best = 0;
                    for (int i = 1; i < v; i++) {
                        if (z[o + i] > z[o + best]) {
                            best = i;
                        }
                    }
                    return best;
                };
                int reps = b == 1 ? 5 : 2;
                // warm-up (JIT), also with the other batch size so that the measured code is fully compiled
                for (int w = 0; w < (b == 1 ? 40 : 3); w++) {
                    dec.generate(prompts, 32, null, greedy);
                }
                double prefillMs = Double.MAX_VALUE;
                double stepMs = Double.MAX_VALUE;
                for (int rep = 0; rep < reps; rep++) {
                    long a = System.nanoTime();
                    dec.prefill(prompts, prompt + gen);
                    long c = System.nanoTime();
                    int[] rows = new int[b];
                    int[] toks = new int[b];
                    for (int s = 0; s < gen; s++) {
                        for (int r = 0; r < b; r++) {
                            rows[r] = r;
                            toks[r] = greedy.choose(r, s, dec.logits(), r * cfg.vocabSize(), cfg.vocabSize());
                        }
                        dec.step(rows, toks);
                    }
                    long e = System.nanoTime();
                    prefillMs = Math.min(prefillMs, (c - a) / 1e6);  // best of reps: the machine is shared
                    stepMs = Math.min(stepMs, (e - c) / 1e6 / gen);
                }
                System.out.printf("decode d=%d L=%d V=%d B=%d %s: prefill %d tokens %.1f ms; step (context 64..128)"
                                + " %.3f ms = %.4f ms per sequence-token (%.0f tokens/s)%n",
                        cfg.dModel(), cfg.numLayers(), cfg.vocabSize(), b, variant, b * prompt, prefillMs,
                        stepMs, stepMs / b, b / (stepMs / 1e3));
            }
            if (variant == variants[0]) {
                dec.syncWeights();
                int n = 10;
                long a = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    dec.syncWeights();
                }
                dec.close();
                System.out.printf("syncWeights d=%d L=%d params=%d: %.2f ms%n", cfg.dModel(), cfg.numLayers(),
                        p.parameterCount(), (System.nanoTime() - a) / 1e6 / n);
            }
        }
    }
}
