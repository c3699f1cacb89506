package org.ead4j.samediff.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightInit;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Random-init models in Hugging Face format, for tests, smoke runs and benchmarks of a real shape without its
 * weights ({@code ead model new}). Weights follow {@link WeightInit} (normal(0, initializer_range), residual output
 * projections scaled by 1/sqrt(2 * layers), norm gains 1, biases 0), seeded: the same spec and seed give the same
 * files.
 */
public final class RandomHfModel {

    private RandomHfModel() {
    }

    /**
     * The shape of a random model (the {@code model new} flags).
     *
     * @param architecture LLAMA, QWEN2 or QWEN3
     * @param hidden hidden_size
     * @param layers num_hidden_layers
     * @param heads num_attention_heads
     * @param kvHeads num_key_value_heads (0 = heads)
     * @param headDim head_dim (0 = hidden / heads)
     * @param intermediate intermediate_size
     * @param vocab vocab_size
     * @param tie tie_word_embeddings
     * @param maxPositions max_position_embeddings
     * @param ropeTheta rope_theta
     * @param llama3RopeScaling rope_scaling llama3 with Llama 3.1's factors (8, 1, 4, 8192)
     * @param seed initialisation seed
     */
    public record Spec(Architecture architecture, int hidden, int layers, int heads, int kvHeads, int headDim,
                       int intermediate, int vocab, boolean tie, int maxPositions, double ropeTheta,
                       boolean llama3RopeScaling, long seed) {

        /**
         * A small model of a family (hidden 64, 2 layers, 4 heads / 2 KV heads, FFN 128, vocabulary 256, 512
         * positions; Qwen3 with head_dim 32 != hidden / heads; Qwen2 and Qwen3 tied, Llama untied).
         *
         * @param architecture the family
         * @param seed the seed
         * @return the spec
         */
        public static Spec small(Architecture architecture, long seed) {
            return new Spec(architecture, 64, 2, 4, 2, architecture == Architecture.QWEN3 ? 32 : 0, 128, 256,
                    architecture != Architecture.LLAMA, 512, architecture == Architecture.LLAMA ? 500000.0 : 1000000.0,
                    false, seed);
        }

        /**
         * Qwen2.5-0.5B's shape: hidden 896, 24 layers, 14 heads / 2 KV heads, FFN 4864, vocabulary 151936, tied,
         * 32768 positions, rope_theta 1e6.
         *
         * @param seed the seed
         * @return the spec
         */
        public static Spec qwen25_05b(long seed) {
            return new Spec(Architecture.QWEN2, 896, 24, 14, 2, 0, 4864, 151936, true, 32768, 1000000.0, false, seed);
        }

        /** @return the policy configuration this spec describes */
        public PolicyConfig policyConfig() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("architecture", architecture.name());
            p.put("norm", "RMS_NORM");
            p.put("positions", "ROTARY");
            p.put("mlp", "SWIGLU");
            p.put("dModel", Integer.toString(hidden));
            p.put("numLayers", Integer.toString(layers));
            p.put("numHeads", Integer.toString(heads));
            // explicit values, as HfConfig.read gives them, so a written model reads back to an equal configuration
            p.put("numKvHeads", Integer.toString(kvHeads == 0 ? heads : kvHeads));
            p.put("headDim", Integer.toString(headDim == 0 && heads > 0 && hidden % heads == 0 ? hidden / heads : headDim));
            p.put("ffnWidth", Integer.toString(intermediate));
            p.put("vocabSize", Integer.toString(vocab));
            p.put("maxSeqLen", Integer.toString(maxPositions));
            p.put("tiedEmbeddings", Boolean.toString(tie));
            p.put("ropeBase", Double.toString(ropeTheta));
            p.put("normEpsilon", architecture == Architecture.LLAMA ? "1e-5" : "1e-6");
            p.put("qkvBias", Boolean.toString(architecture == Architecture.QWEN2));
            p.put("qkNorm", Boolean.toString(architecture == Architecture.QWEN3));
            p.put("ropeScaling", llama3RopeScaling ? "LLAMA3" : "NONE");
            p.put("initSeed", Long.toString(seed));
            return PolicyConfig.fromProperties(p);
        }
    }

    /**
     * Seeded random weights of a configuration, by ead4j name.
     *
     * @param config the configuration (its initSeed and initStd are used)
     * @return float32 parameters in {@link WeightLayout} order
     */
    public static Map<String, INDArray> weights(PolicyConfig config) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(config).entrySet()) {
            long n = 1;
            for (long s : e.getValue()) {
                n *= s;
            }
            out.put(e.getKey(), Nd4j.create(WeightInit.values(config, e.getKey(), (int) n), e.getValue(), 'c'));
        }
        return out;
    }

    /**
     * Writes a random model folder.
     *
     * @param outDir the folder
     * @param spec the shape and seed
     * @param dtype F32 or BF16
     * @param tokenizerSource folder whose tokenizer files are copied, or null
     * @param bosId BOS id or null
     * @param eosIds EOS ids
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(Path outDir, Spec spec, SafetensorsDtype dtype, Path tokenizerSource, Integer bosId,
                                   List<Integer> eosIds) throws IOException {
        PolicyConfig config = spec.policyConfig();
        HfExporter.Options opts = new HfExporter.Options(dtype, SafetensorsModel.DEFAULT_MAX_SHARD_BYTES, tokenizerSource,
                bosId, eosIds, null);
        return HfExporter.export(outDir, config, weights(config), opts);
    }
}
