package org.ead4j.rollout;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rollouts laid out for the policy graph: row i is prompt_i followed by response_i, shifted by one
 * (inputs {@code tokens[j] = seq[j]}, {@code targets[j] = seq[j + 1]}), right-padded to the longest
 * row. Response token r of row i sits at column {@code promptLength_i - 1 + r}; the mask is 1
 * exactly there. Right padding keeps every row's causal prefix intact.
 */
public final class TrainingBatch {

    private final int rows;
    private final int width;
    private final int[] tokens;            // [B*T]
    private final int[] targets;           // [B*T]
    private final float[] mask;            // [B*T] 1 on response targets
    private final float[] invTau;          // [B*T] 1 / actor temperature
    private final float[] behaviourLogProb; // [B*T] sampler's log pi(y_t; tau_t)
    private final float[] advantage;       // [B*T] the row's advantage on response positions
    private final int[] responseLength;    // [B]

    private TrainingBatch(int rows, int width) {
        this.rows = rows;
        this.width = width;
        int n = rows * width;
        tokens = new int[n];
        targets = new int[n];
        mask = new float[n];
        invTau = new float[n];
        behaviourLogProb = new float[n];
        advantage = new float[n];
        responseLength = new int[rows];
    }

    /**
     * Lays rollouts out for training.
     *
     * @param rollouts the responses (at least one)
     * @param advantages one advantage per rollout
     * @param padId the padding token id
     * @param actorTemperature how log-probs are tempered in the policy graph
     * @param constantTau the schedule's temperature when it is constant (used by
     *        {@link ActorTemperature#VERL}), else NaN
     * @return the batch
     */
    public static TrainingBatch of(List<Rollout> rollouts, double[] advantages, int padId,
                                   ActorTemperature actorTemperature, double constantTau) {
        if (rollouts.isEmpty()) {
            throw new IllegalArgumentException("no rollouts to train on");
        }
        int width = 1;
        for (Rollout r : rollouts) {
            width = Math.max(width, r.prompt().length + r.response().length - 1);
        }
        TrainingBatch b = new TrainingBatch(rollouts.size(), width);
        java.util.Arrays.fill(b.tokens, padId);
        java.util.Arrays.fill(b.targets, padId);
        java.util.Arrays.fill(b.invTau, 1f);
        for (int i = 0; i < rollouts.size(); i++) {
            Rollout r = rollouts.get(i);
            int p = r.prompt().length;
            int base = i * width;
            for (int j = 0; j < p; j++) {
                b.tokens[base + j] = r.prompt()[j];
            }
            for (int j = 0; j < r.response().length; j++) {
                int col = p - 1 + j;
                if (j + 1 < r.response().length) {
                    b.tokens[base + col + 1] = r.response()[j];
                }
                b.targets[base + col] = r.response()[j];
                b.mask[base + col] = 1f;
                b.behaviourLogProb[base + col] = r.behaviourLogProb()[j];
                b.advantage[base + col] = (float) advantages[i];
                b.invTau[base + col] = (float) (1.0 / actorTemperature.tau(r.tau()[j], constantTau));
            }
            // the last prompt token predicts the first response token; tokens already hold the prompt
            b.responseLength[i] = r.response().length;
        }
        return b;
    }

    /** @return number of rows B */
    public int rows() {
        return rows;
    }

    /** @return padded width T */
    public int width() {
        return width;
    }

    /** @return response lengths per row */
    public int[] responseLengths() {
        return responseLength.clone();
    }

    /** @return total number of response tokens (mask sum) */
    public int responseTokens() {
        int n = 0;
        for (int l : responseLength) {
            n += l;
        }
        return n;
    }

    /** @return input ids INT32 [B, T] */
    public INDArray tokens() {
        return Nd4j.createFromArray(tokens).reshape(rows, width);
    }

    /** @return next-token ids INT32 [B, T] */
    public INDArray targets() {
        return Nd4j.createFromArray(targets).reshape(rows, width);
    }

    /** @return response mask FLOAT [B, T] */
    public INDArray mask() {
        return Nd4j.createFromArray(mask).reshape(rows, width);
    }

    /** @return 1 / actor temperature FLOAT [B, T] */
    public INDArray invTau() {
        return Nd4j.createFromArray(invTau).reshape(rows, width);
    }

    /** @return the sampler's behaviour log-probs FLOAT [B, T] (0 off the mask) */
    public INDArray behaviourLogProbs() {
        return Nd4j.createFromArray(behaviourLogProb).reshape(rows, width);
    }

    /** @return advantages broadcast over response tokens FLOAT [B, T] */
    public INDArray advantages() {
        return Nd4j.createFromArray(advantage).reshape(rows, width);
    }

    /**
     * The rows {@code [from, to)} as a batch of the same width.
     *
     * @param from first row
     * @param to end row (exclusive)
     * @return the sub-batch
     */
    public TrainingBatch slice(int from, int to) {
        TrainingBatch s = new TrainingBatch(to - from, width);
        int off = from * width;
        int n = (to - from) * width;
        System.arraycopy(tokens, off, s.tokens, 0, n);
        System.arraycopy(targets, off, s.targets, 0, n);
        System.arraycopy(mask, off, s.mask, 0, n);
        System.arraycopy(invTau, off, s.invTau, 0, n);
        System.arraycopy(behaviourLogProb, off, s.behaviourLogProb, 0, n);
        System.arraycopy(advantage, off, s.advantage, 0, n);
        System.arraycopy(responseLength, from, s.responseLength, 0, to - from);
        return s;
    }
}
