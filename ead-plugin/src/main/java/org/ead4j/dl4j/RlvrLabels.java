package org.ead4j.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The label layout read by {@link GrpoLossFunction}: one row per sampled action (a response token,
 * or the single action of a bandit), {@value #WIDTH} columns:
 * <pre>
 *   0 action id (an integer in [0, V), stored as a real number)
 *   1 advantage A
 *   2 old log-prob log pi_theta_old(a)       (the policy the PPO ratio is taken against, tau = 1)
 *   3 behaviour log-prob log pi_behaviour(a)  (the sampler's, e.g. at an EAD temperature tau_t)
 *   4 mask (1 = counts, 0 = padding)
 * </pre>
 */
public final class RlvrLabels {

    /** Column of the action id. */
    public static final int ACTION = 0;
    /** Column of the advantage. */
    public static final int ADVANTAGE = 1;
    /** Column of the old log-prob. */
    public static final int OLD_LOGP = 2;
    /** Column of the behaviour log-prob. */
    public static final int BEHAVIOUR_LOGP = 3;
    /** Column of the mask. */
    public static final int MASK = 4;
    /** Number of columns. */
    public static final int WIDTH = 5;

    private RlvrLabels() {
    }

    /**
     * Packs per-row arrays into a label matrix.
     *
     * @param actions action ids
     * @param advantages advantages
     * @param oldLogProbs old log-probs of the actions
     * @param behaviourLogProbs behaviour log-probs of the actions (pass {@code oldLogProbs} when sampling on-policy)
     * @param mask 1 for rows that count, 0 for padding (null = all 1)
     * @param dataType the network's data type
     * @return a {@code [N, WIDTH]} array
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static INDArray pack(int[] actions, double[] advantages, double[] oldLogProbs, double[] behaviourLogProbs,
                                double[] mask, DataType dataType) {
        int n = actions.length;
        if (advantages.length != n || oldLogProbs.length != n || behaviourLogProbs.length != n
                || (mask != null && mask.length != n)) {
            throw new IllegalArgumentException("label columns differ in length: actions " + n + ", advantages "
                    + advantages.length + ", old " + oldLogProbs.length + ", behaviour " + behaviourLogProbs.length
                    + (mask == null ? "" : ", mask " + mask.length));
        }
        double[][] rows = new double[n][WIDTH];
        for (int i = 0; i < n; i++) {
            rows[i][ACTION] = actions[i];
            rows[i][ADVANTAGE] = advantages[i];
            rows[i][OLD_LOGP] = oldLogProbs[i];
            rows[i][BEHAVIOUR_LOGP] = behaviourLogProbs[i];
            rows[i][MASK] = mask == null ? 1 : mask[i];
        }
        return Nd4j.createFromArray(rows).castTo(dataType);
    }
}
