package org.ead4j.bench;

import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.PolicyConfig;

/**
 * Floating-point operations (a multiply-add counts 2) of the policy, for achieved-GFLOP/s figures.
 * Norms, activations, rotary embeddings, biases, softmax and embeddings are left out (O(D) per token against
 * O(D^2)). Grouped-query attention projects keys and values to K heads of dh (not D), the Hugging Face families'
 * SwiGLU MLP has three [D, F] matrices, and a tied head costs the same product as an untied one.
 */
public final class PolicyFlops {

    private PolicyFlops() {
    }

    /**
     * The projections of one token: q, k, v, attention output and the MLP in every layer, and the head.
     *
     * @param c the configuration
     * @return FLOPs per token
     */
    public static double projections(PolicyConfig c) {
        double d = c.dModel();
        double f = c.ffnWidth();
        double q = (double) c.numHeads() * c.headDim();    // D for GPT
        double kv = (double) c.numKvHeads() * c.headDim(); // D for GPT
        double mlp = (c.mlp() == MlpKind.SWIGLU ? 3 : 2) * d * f;
        return 2.0 * (c.numLayers() * (d * q + 2 * d * kv + q * d + mlp) + d * c.vocabSize());
    }

    /**
     * Attention scores and weighted sum of one query over {@code keys} positions, all layers.
     *
     * @param c the configuration
     * @param keys positions attended to
     * @return FLOPs
     */
    public static double attention(PolicyConfig c, long keys) {
        return 2.0 * 2.0 * c.numLayers() * c.numHeads() * c.headDim() * (double) keys;
    }

    /**
     * One KV-cache decode step of one row whose new token is at 0-based position {@code pos} (it attends to
     * pos + 1 positions).
     *
     * @param c the configuration
     * @param pos the new token's position
     * @return FLOPs
     */
    public static double decodeToken(PolicyConfig c, int pos) {
        return projections(c) + attention(c, pos + 1L);
    }

    /**
     * A full forward pass of one sequence of {@code t} tokens as the SameDiff graph computes it: every
     * projection for every position and the full T x T attention (the causal mask is added, not skipped).
     *
     * @param c the configuration
     * @param t sequence length
     * @return FLOPs
     */
    public static double fullForward(PolicyConfig c, int t) {
        return t * projections(c) + t * attention(c, t);
    }

    /**
     * Forward + backward of one sequence: the backward pass costs two forward passes (gradients of both
     * operands of every product).
     *
     * @param c the configuration
     * @param t sequence length
     * @return FLOPs
     */
    public static double trainSequence(PolicyConfig c, int t) {
        return 3 * fullForward(c, t);
    }
}
