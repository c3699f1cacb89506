package org.ead4j.samediff.policy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.samediff.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks the policy graph's placeholders before they reach ND4J, so that a user mistake fails with a
 * message naming the row, position and value instead of a native error (or, for an out-of-range id,
 * a read of arbitrary memory).
 */
final class PolicyInputs {

    private PolicyInputs() {
    }

    /**
     * Validates and normalises the placeholders: integer ids become INT32, {@code invTau} becomes the model's
     * float type and defaults to ones [B, T] when absent. Placeholders other code added pass through unchanged.
     *
     * @param c the configuration
     * @param floatType the model's floating type
     * @param in the caller's placeholders (not modified)
     * @return the placeholders to feed
     * @throws IllegalArgumentException naming the first problem found
     */
    static Map<String, INDArray> prepare(PolicyConfig c, DataType floatType, Map<String, INDArray> in) {
        if (in == null) {
            throw new IllegalArgumentException("placeholders must not be null; feed at least '" + PolicyTransformer.TOKENS + "'");
        }
        Map<String, INDArray> out = new LinkedHashMap<>(in);
        INDArray tokens = in.get(PolicyTransformer.TOKENS);
        if (tokens == null) {
            throw new IllegalArgumentException("missing placeholder '" + PolicyTransformer.TOKENS
                    + "': INT32 [B, T] token ids; given: " + in.keySet());
        }
        INDArray tok = ids(PolicyTransformer.TOKENS, tokens, c);
        long b = tok.size(0);
        long t = tok.size(1);
        out.put(PolicyTransformer.TOKENS, tok);
        INDArray targets = in.get(PolicyTransformer.TARGETS);
        if (targets != null) {
            sameShape(PolicyTransformer.TARGETS, targets, b, t);
            out.put(PolicyTransformer.TARGETS, ids(PolicyTransformer.TARGETS, targets, c));
        }
        INDArray invTau = in.get(PolicyTransformer.INV_TAU);
        if (invTau == null) {
            out.put(PolicyTransformer.INV_TAU, Nd4j.ones(floatType, b, t));
        } else {
            sameShape(PolicyTransformer.INV_TAU, invTau, b, t);
            if (!invTau.dataType().isFPType()) {
                throw new IllegalArgumentException("placeholder '" + PolicyTransformer.INV_TAU + "' must be a floating "
                        + "array [B, T] of 1/tau values, got " + invTau.dataType());
            }
            INDArray it = invTau.dataType() == floatType ? invTau : invTau.castTo(floatType);
            float[] v = HostArrays.toFloats(it.castTo(DataType.FLOAT));
            for (int i = 0; i < v.length; i++) {
                if (!(v[i] > 0) || Float.isInfinite(v[i])) {
                    throw new IllegalArgumentException("placeholder '" + PolicyTransformer.INV_TAU + "' at row " + (i / t)
                            + ", position " + (i % t) + " is " + v[i] + ": 1/tau must be a positive finite number");
                }
            }
            out.put(PolicyTransformer.INV_TAU, it);
        }
        return out;
    }

    private static void sameShape(String name, INDArray a, long b, long t) {
        if (a.rank() != 2 || a.size(0) != b || a.size(1) != t) {
            throw new IllegalArgumentException("placeholder '" + name + "' has shape " + Arrays.toString(a.shape())
                    + " but '" + PolicyTransformer.TOKENS + "' is [" + b + ", " + t + "]; they must match");
        }
    }

    private static INDArray ids(String name, INDArray a, PolicyConfig c) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("placeholder '" + name + "' must be [B, T] (rank 2), got shape "
                    + Arrays.toString(a.shape()));
        }
        if (!a.dataType().isIntType()) {
            throw new IllegalArgumentException("placeholder '" + name + "' must hold integer token ids (INT32), got "
                    + a.dataType());
        }
        long b = a.size(0);
        long t = a.size(1);
        if (b == 0) {
            throw new IllegalArgumentException("placeholder '" + name + "' is an empty batch (B = 0); feed at least one row");
        }
        if (t == 0) {
            throw new IllegalArgumentException("placeholder '" + name + "' has no positions (T = 0); feed at least one token");
        }
        if (t > c.maxSeqLen()) {
            throw new IllegalArgumentException("placeholder '" + name + "' has T = " + t + " positions, more than maxSeqLen = "
                    + c.maxSeqLen() + "; truncate the sequences or raise PolicyConfig.maxSeqLen");
        }
        INDArray i32 = a.dataType() == DataType.INT32 ? a : a.castTo(DataType.INT32);
        int[] v = HostArrays.toInts(i32);
        int vocab = c.vocabSize();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= vocab) {
                throw new IllegalArgumentException("placeholder '" + name + "' has token id " + v[i] + " at row " + (i / t)
                        + ", position " + (i % t) + ": ids must be in [0, " + vocab + ") (vocabSize = " + vocab + ")");
            }
        }
        return i32;
    }
}
