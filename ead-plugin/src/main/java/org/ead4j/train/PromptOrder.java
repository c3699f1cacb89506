package org.ead4j.train;

import java.util.SplittableRandom;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * Which training prompts a step uses: the split is walked in epochs, each epoch a fresh seeded
 * permutation. A pure function of (seed, step), so a resumed run sees exactly the prompts an
 * uninterrupted run would, with no data-loader state to checkpoint.
 */
public final class PromptOrder {

    private static final long PURPOSE_SHUFFLE = 0x5348_5546L; // "SHUF"

    private final long seed;
    private final int datasetSize;
    private final int promptsPerStep;
    private final int batchesPerStep;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    /**
     * Creates the order.
     *
     * @param seed the run seed
     * @param datasetSize number of training prompts (&gt; 0)
     * @param promptsPerStep prompts per RL step (&gt; 0)
     * @param batchesPerStep generation batches reserved per step in the prompt stream (1 without
     *        dynamic sampling; its maximum number of generation batches with it), so a refill never
     *        takes another step's prompts
     */
    public PromptOrder(long seed, int datasetSize, int promptsPerStep, int batchesPerStep) {
        if (datasetSize <= 0) {
            throw new IllegalArgumentException("the training split is empty");
        }
        if (promptsPerStep <= 0) {
            throw new IllegalArgumentException("promptsPerStep = " + promptsPerStep + " is invalid: must be > 0");
        }
        if (batchesPerStep <= 0) {
            throw new IllegalArgumentException("batchesPerStep = " + batchesPerStep + " is invalid: must be > 0");
        }
        this.batchesPerStep = batchesPerStep;
        this.seed = seed;
        this.datasetSize = datasetSize;
        this.promptsPerStep = promptsPerStep;
    }

    /**
     * The dataset indices of the prompts of a step (steps count from 1) and generation batch.
     *
     * @param step the global RL step, &gt;= 1
     * @param batch the generation batch within the step (0, then 1, 2, ... when dynamic sampling refills)
     * @return {@code promptsPerStep} dataset indices
     */
    public int[] prompts(long step, int batch) {
        if (step < 1 || batch < 0 || batch >= batchesPerStep) {
            throw new IllegalArgumentException("step " + step + " / batch " + batch + " out of range");
        }
        int[] out = new int[promptsPerStep];
        // position of this batch in the endless stream of prompts
        long start = ((step - 1) * (long) batchesPerStep + batch) * promptsPerStep;
        for (int i = 0; i < promptsPerStep; i++) {
            long pos = start + i;
            int epoch = (int) (pos / datasetSize);
            out[i] = permutation(epoch)[(int) (pos % datasetSize)];
        }
        return out;
    }

    /**
     * The slots of a generation batch's prompts within their step: batch b holds slots
     * {@code b * promptsPerStep} to {@code (b + 1) * promptsPerStep - 1}. The sampler's random streams
     * are keyed by slot, so the same prompt twice in one step (across an epoch boundary, or in a
     * dynamic-sampling refill) draws different samples.
     *
     * @param batch the generation batch within the step
     * @return {@code promptsPerStep} slots, distinct across the step's batches
     */
    public int[] slots(int batch) {
        if (batch < 0 || batch >= batchesPerStep) {
            throw new IllegalArgumentException("batch " + batch + " out of range [0, " + batchesPerStep + ")");
        }
        int[] out = new int[promptsPerStep];
        for (int i = 0; i < promptsPerStep; i++) {
            out[i] = batch * promptsPerStep + i;
        }
        return out;
    }

    private int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            int[] p = new int[datasetSize];
            for (int i = 0; i < datasetSize; i++) {
                p[i] = i;
            }
            SplittableRandom rnd = new SplittableRandom(RandomStreams.derive(RandomStreams.derive(seed, PURPOSE_SHUFFLE), epoch));
            for (int i = datasetSize - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedPermutation = p;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }
}
