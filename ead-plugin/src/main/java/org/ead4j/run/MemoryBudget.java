package org.ead4j.run;

import java.util.Locale;
import org.ead4j.cli.UserException;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightLayout;

/**
 * Estimates the memory a size from a flag, a configuration or a checkpoint would need, and refuses it
 * before anything is allocated when it cannot fit this JVM: Java arrays against the heap maximum
 * ({@code -Xmx}), ND4J arrays against the off-heap maximum ({@code org.bytedeco.javacpp.maxbytes},
 * {@code Pointer.maxBytes()}). Estimates are deliberately simple and generous upper bounds on the
 * dominant terms, in doubles so that no product overflows; they only gate allocation, they do not
 * plan it. The policy terms use only {@link PolicyConfig}'s public accessors and
 * {@link WeightLayout#parameterCount}, so they follow new architecture fields automatically.
 */
public final class MemoryBudget {

    private static final double GIB = 1L << 30;

    private MemoryBudget() {
    }

    /** @return the heap maximum in bytes */
    public static long heapMax() {
        return Runtime.getRuntime().maxMemory();
    }

    /** @return the off-heap maximum in bytes (JavaCPP's, which ND4J allocates through) */
    public static long offHeapMax() {
        try {
            long m = org.bytedeco.javacpp.Pointer.maxBytes();
            return m > 0 ? m : Long.MAX_VALUE;
        } catch (LinkageError e) {
            return heapMax(); // JavaCPP's own default
        }
    }

    /**
     * The number of parameters of a policy. Computed exactly with {@link WeightLayout#parameterCount}
     * when a quick upper bound says that is cheap; otherwise the bound itself (a configuration with
     * millions of layers must not be enumerated layer by layer just to be refused).
     *
     * @param c the configuration
     * @return the parameter count (an upper bound for huge configurations)
     */
    public static double parameters(PolicyConfig c) {
        double d = c.dModel();
        double bound = (double) c.numLayers() * (4 * d * d + 2 * d * c.ffnWidth() + 8 * d)
                + 2 * (double) c.vocabSize() * d + (double) c.maxSeqLen() * d + 4 * d;
        if (bound < 1e10 && c.numLayers() < 100_000) {
            return WeightLayout.parameterCount(c);
        }
        return bound;
    }

    /**
     * Off-heap bytes for decoding {@code rows} sequences of up to {@code context} tokens: the weights, a
     * key/value cache per layer and the logits and activations of one step.
     *
     * @param c the policy
     * @param rows rows decoded at once
     * @param context the longest sequence
     * @return bytes
     */
    public static double decodeBytes(PolicyConfig c, double rows, double context) {
        return 4 * parameters(c) + 4 * rows * (2.0 * c.numLayers() * context * c.dModel()
                + 2.0 * c.vocabSize() + 4.0 * c.dModel() + c.ffnWidth() + (double) c.numHeads() * context);
    }

    /**
     * Off-heap bytes for one forward and backward pass over {@code rows} sequences of {@code length}
     * tokens with AdamW: weights, gradients and two moments (plus a reference copy), the activations kept
     * for the backward pass and the logits with their gradient.
     *
     * @param c the policy
     * @param rows sequences per pass
     * @param length tokens per sequence
     * @param reference whether a frozen reference policy is held too
     * @return bytes
     */
    public static double trainBytes(PolicyConfig c, double rows, double length, boolean reference) {
        double tokens = rows * length;
        double perLayer = 2.0 * c.numHeads() * length + 12.0 * c.dModel() + 3.0 * c.ffnWidth();
        return 4 * parameters(c) * (reference ? 6 : 5)
                + 4 * tokens * (c.numLayers() * perLayer + 3.0 * c.vocabSize());
    }

    /**
     * Refuses a size whose estimate does not fit under a maximum.
     *
     * @param field what the user set, e.g. {@code --n} or {@code experiment.promptsPerStep}
     * @param value its value as the user wrote it
     * @param what what the memory is for, e.g. "the sampled responses"
     * @param bytes the estimate
     * @param offHeap true for ND4J arrays (off-heap), false for Java objects (heap)
     * @throws UserException naming the field, the value, the estimate and the limits
     */
    public static void require(String field, Object value, String what, double bytes, boolean offHeap) {
        long limit = offHeap ? offHeapMax() : heapMax();
        if (!(bytes <= limit)) { // also refuses NaN
            throw new UserException(String.format(Locale.ROOT, "%s = %s needs about %s for %s; this JVM allows %s "
                    + "%s (heap max %s, off-heap max %s)", field, value, size(bytes), what, size(limit),
                    offHeap ? "off-heap" : "on the heap", size(heapMax()), size(offHeapMax())));
        }
    }

    /**
     * Refuses a file larger than a bound before it is read.
     *
     * @param file the file
     * @param what how the user named it, e.g. {@code --rollouts}
     * @param maxBytes the largest size accepted
     * @throws UserException if the file is larger, or is not a regular file (a device such as /dev/zero)
     */
    public static void requireFileSize(java.nio.file.Path file, String what, long maxBytes) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            if (java.nio.file.Files.exists(file)) {
                throw new UserException(what + " " + file + " is not a regular file (a folder or a device); give a file");
            }
            return; // the caller reports the missing file in its own words
        }
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new UserException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (size > maxBytes) {
            throw new UserException(String.format(Locale.ROOT, "%s %s is %s, more than the %s allowed (heap max %s)",
                    what, file, size(size), size(maxBytes), size(heapMax())));
        }
    }

    /** The largest configuration or provenance file read (they are a few KiB to a few MiB). */
    public static final long MAX_CONFIG_BYTES = 64L << 20;

    /**
     * Refuses a policy this JVM cannot load and decode with: its weights off-heap (with one row of
     * key/value cache) and the weights file read on the heap (bytes and arrays).
     *
     * @param what where the configuration came from, e.g. the checkpoint folder
     * @param c the declared configuration
     * @throws UserException if it does not fit
     */
    public static void requirePolicy(String what, PolicyConfig c) {
        String shape = what + " " + describe(c);
        String params = String.format(Locale.ROOT, "%.3g parameters", parameters(c));
        require(shape, params, "its weights", decodeBytes(c, 1, c.maxSeqLen()), true);
        require(shape, params, "reading its weights file", 8 * parameters(c), false);
    }

    /**
     * The size fields of a policy for messages.
     *
     * @param c the configuration
     * @return e.g. "(vocabSize 26, dModel 16, numLayers 1, numHeads 2, ffnWidth 32, maxSeqLen 32)"
     */
    public static String describe(PolicyConfig c) {
        return "(vocabSize " + c.vocabSize() + ", dModel " + c.dModel() + ", numLayers " + c.numLayers() + ", numHeads "
                + c.numHeads() + ", ffnWidth " + c.ffnWidth() + ", maxSeqLen " + c.maxSeqLen() + ")";
    }

    /**
     * The largest text file read whole into memory: a quarter of the heap (its characters, the parsed
     * records and a working copy must fit).
     *
     * @return bytes
     */
    public static long maxTextFileBytes() {
        return heapMax() / 4;
    }

    /**
     * A byte count for messages: "512 MiB", "3.2 GiB", "1.1e+03 TiB".
     *
     * @param bytes the count
     * @return the text
     */
    public static String size(double bytes) {
        if (bytes < GIB) {
            return String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (1 << 20)));
        }
        if (bytes < 1024 * GIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
        }
        return String.format(Locale.ROOT, "%.3g TiB", bytes / GIB / 1024);
    }
}
