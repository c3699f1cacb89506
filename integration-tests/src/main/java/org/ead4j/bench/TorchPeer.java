package org.ead4j.bench;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.ead4j.samediff.policy.PolicyConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A PyTorch implementation (libtorch through DJL) of a policy that the benchmarks run next to ours: a full
 * forward pass and a KV-cache decoder over a copy of our weights.
 */
public interface TorchPeer extends AutoCloseable {

    /**
     * The peer of a configuration: {@link DjlPolicy} for ead4j's GPT, {@link DjlHfPolicy} for the Hugging Face
     * families.
     *
     * @param config the configuration
     * @param parameters our parameters, {@link org.ead4j.samediff.policy.WeightLayout} names, FLOAT
     * @return the peer (close it to free its tensors)
     */
    static TorchPeer of(PolicyConfig config, Map<String, INDArray> parameters) {
        return config.architecture().isHuggingFace() ? new DjlHfPolicy(config, parameters)
                : new DjlPolicy(config, parameters, false);
    }

    /** @return the configuration */
    PolicyConfig config();

    /** @return the manager owning the weights (its live tensors are counted by leak checks) */
    NDManager manager();

    /**
     * Full forward pass (no cache) of rows of equal length.
     *
     * @param tokens token ids [B][T]
     * @return logits [B][T][V], row-major
     */
    float[] logits(int[][] tokens);

    /**
     * Starts a KV-cache decode of a batch.
     *
     * @param batch rows B
     * @param capacity positions per row (prompt + generated)
     * @param chunkTokens prompt tokens (B x positions) fed per forward call during prefill
     * @return the decode state (close it to free the cache)
     */
    Decode newDecode(int batch, int capacity, int chunkTokens);

    @Override
    void close();

    /** One batch being decoded with a KV cache. */
    interface Decode extends AutoCloseable {

        /**
         * Feeds the prompts; leaves each row's last-position logits in {@link #logits()}.
         *
         * @param prompts [B][P]
         */
        void prefill(int[][] prompts);

        /**
         * Feeds one token per row.
         *
         * @param tokens [B] token ids
         */
        void step(long[] tokens);

        /** @return logits of each row's last fed position, [B * V] row-major */
        float[] logits();

        /** @return cache positions filled so far */
        int length();

        /** @return bytes of the K and V caches */
        long cacheBytes();

        @Override
        void close();
    }
}
