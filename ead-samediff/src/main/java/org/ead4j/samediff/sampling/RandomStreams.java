package org.ead4j.samediff.sampling;

/**
 * Counter-based random numbers: every draw is a pure function of (run seed, step, prompt, sample,
 * token position), so tokens do not depend on batch order, thread scheduling or the resume point,
 * and no generator state needs checkpointing.
 *
 * <p>Keys and draws use the SplitMix64 finaliser (Steele, Lea and Flood 2014, the mixer behind
 * {@link java.util.SplittableRandom}) over a running combination of the fields.
 */
public final class RandomStreams {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomStreams() {
    }

    /**
     * The stream key of one response: sample {@code sample} of prompt {@code prompt} at RL step {@code step}.
     *
     * @param seed the run seed
     * @param step the global RL step
     * @param prompt the prompt index within the dataset (not within the batch)
     * @param sample the sample index within the prompt's group
     * @return the key
     */
    public static long key(long seed, long step, long prompt, long sample) {
        long h = mix(seed + GOLDEN);
        h = mix(h ^ (step + GOLDEN));
        h = mix(h ^ (prompt + 2 * GOLDEN));
        return mix(h ^ (sample + 3 * GOLDEN));
    }

    /**
     * A sub-key for an independent purpose under a key (e.g. 1 = dataset shuffling, 2 = Clip-Cov).
     *
     * @param key the parent key
     * @param purpose a small constant naming the purpose
     * @return the derived key
     */
    public static long derive(long key, long purpose) {
        return mix(key ^ mix(purpose * GOLDEN + 0x632BE59BD9B4E019L));
    }

    /**
     * The uniform draw number {@code counter} of stream {@code key}, in [0, 1).
     *
     * @param key the stream key
     * @param counter the draw index (the token position for sampling)
     * @return a double in [0, 1) with 53 random bits
     */
    public static double uniform(long key, long counter) {
        return (mix(key + (counter + 1) * GOLDEN) >>> 11) * 0x1.0p-53;
    }

    /**
     * The 64-bit draw number {@code counter} of stream {@code key}.
     *
     * @param key the stream key
     * @param counter the draw index
     * @return 64 random bits
     */
    public static long bits(long key, long counter) {
        return mix(key + (counter + 1) * GOLDEN);
    }

    /** SplitMix64's finaliser (variant 13 of Stafford's mixers). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
