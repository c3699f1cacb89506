package org.ead4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;

/** The policy presets the benchmarks accept by name, and their deterministic inputs. */
public final class BenchConfigs {

    /** The names {@link #byName} accepts. */
    public static final String NAMES = "tiny (V 64, d 128, 2 layers, 4 heads, FFN 512), "
            + "small (V 512, d 512, 6 layers, 8 heads, FFN 2048), micro (V 32, d 16, 2 layers, 2 heads; for tests), "
            + "qwen2.5-0.5b (Qwen2.5-0.5B's shape: V 151936, d 896, 24 layers, 14 heads / 2 KV heads, FFN 4864, "
            + "q/k/v biases, tied), llama3.2-1b (Llama-3.2-1B's shape: V 128256, d 2048, 16 layers, 32 / 8 heads, "
            + "FFN 8192, llama3 rope scaling, tied), llama-micro, qwen2-micro, qwen3-micro (for tests)";

    private BenchConfigs() {
    }

    /**
     * A preset by name.
     *
     * @param name tiny, small or micro
     * @return the configuration (init seed 0)
     * @throws IllegalArgumentException for another name
     */
    public static PolicyConfig byName(String name) {
        switch (name) {
            case "tiny":
                return PolicyConfig.tiny(64);
            case "small":
                return PolicyConfig.small(512);
            case "micro":
                return new PolicyConfig(32, 16, 2, 2, 32, 64, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 0L);
            case "qwen2.5-0.5b":
                // Qwen/Qwen2.5-0.5B config.json
                return huggingFace(Architecture.QWEN2, 151936, 896, 14, 2, 0, 24, 4864, 32768, true, 1e6, 1e-6,
                        Map.of("qkvBias", "true"));
            case "llama3.2-1b":
                // meta-llama/Llama-3.2-1B config.json
                return huggingFace(Architecture.LLAMA, 128256, 2048, 32, 8, 64, 16, 8192, 131072, true, 500000, 1e-5,
                        Map.of("ropeScaling", "LLAMA3", "ropeScalingFactor", "32", "ropeLowFreqFactor", "1",
                                "ropeHighFreqFactor", "4", "ropeOriginalMaxPositions", "8192"));
            case "llama-micro":
                // grouped-query attention, llama3 scaling with all three bands (wavelengths 6 .. 6283 around 64 .. 256),
                // untied head
                return huggingFace(Architecture.LLAMA, 96, 64, 4, 2, 0, 2, 96, 64, false, 10000, 1e-5,
                        Map.of("ropeScaling", "LLAMA3", "ropeScalingFactor", "8", "ropeLowFreqFactor", "1",
                                "ropeHighFreqFactor", "4", "ropeOriginalMaxPositions", "256"));
            case "qwen2-micro":
                return huggingFace(Architecture.QWEN2, 96, 32, 4, 2, 0, 2, 64, 64, true, 1e6, 1e-6, Map.of("qkvBias", "true"));
            case "qwen3-micro":
                // head_dim 16 != d / heads = 8
                return huggingFace(Architecture.QWEN3, 96, 32, 4, 2, 16, 2, 64, 64, true, 1e6, 1e-6, Map.of("qkNorm", "true"));
            default:
                throw new IllegalArgumentException("unknown config '" + name + "'; known: " + NAMES);
        }
    }

    /**
     * A Hugging Face family configuration (RMSNorm, rotary, SwiGLU).
     *
     * @param arch LLAMA, QWEN2 or QWEN3
     * @param vocab vocab_size
     * @param d hidden_size
     * @param heads num_attention_heads
     * @param kvHeads num_key_value_heads
     * @param headDim head_dim (0: d / heads)
     * @param layers num_hidden_layers
     * @param ffn intermediate_size
     * @param maxSeqLen max_position_embeddings
     * @param tied tie_word_embeddings
     * @param theta rope_theta
     * @param eps rms_norm_eps
     * @param extra further {@link PolicyConfig} fields
     * @return the configuration (init seed 0)
     */
    public static PolicyConfig huggingFace(Architecture arch, int vocab, int d, int heads, int kvHeads, int headDim,
                                           int layers, int ffn, int maxSeqLen, boolean tied, double theta, double eps,
                                           Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("architecture", arch.name());
        p.put("vocabSize", Integer.toString(vocab));
        p.put("dModel", Integer.toString(d));
        p.put("numHeads", Integer.toString(heads));
        p.put("numKvHeads", Integer.toString(kvHeads));
        p.put("headDim", Integer.toString(headDim));
        p.put("numLayers", Integer.toString(layers));
        p.put("ffnWidth", Integer.toString(ffn));
        p.put("maxSeqLen", Integer.toString(maxSeqLen));
        p.put("tiedEmbeddings", Boolean.toString(tied));
        p.put("ropeBase", Double.toString(theta));
        p.put("normEpsilon", Double.toString(eps));
        p.put("norm", NormKind.RMS_NORM.name());
        p.put("positions", PositionKind.ROTARY.name());
        p.put("mlp", "SWIGLU");
        p.putAll(extra);
        return PolicyConfig.fromProperties(p);
    }

    /**
     * Whether a preset is a real model's shape (hundreds of millions of parameters): the benchmarks then skip
     * the naive full-recompute decode and default to smaller batches and memory probes.
     *
     * @param name a preset name
     * @return true for qwen2.5-0.5b and llama3.2-1b
     */
    public static boolean isLarge(String name) {
        return name.equals("qwen2.5-0.5b") || name.equals("llama3.2-1b");
    }

    /**
     * Uniformly random token ids.
     *
     * @param rows rows
     * @param length tokens per row
     * @param vocab vocabulary size
     * @param seed seed
     * @return ids [rows][length]
     */
    public static int[][] randomTokens(int rows, int length, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] t = new int[rows][length];
        for (int[] row : t) {
            for (int j = 0; j < length; j++) {
                row[j] = rnd.nextInt(vocab);
            }
        }
        return t;
    }

    /**
     * Greedy choice: the first index of the largest logit of one row.
     *
     * @param z logits buffer
     * @param offset start of the row
     * @param vocab row length
     * @return the argmax in [0, vocab)
     */
    public static int argmax(float[] z, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (z[offset + i] > z[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
