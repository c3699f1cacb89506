package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.loss.PpoClipLoss;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The learner wired as the trainer wires it: the loss it attaches and the numbers of one update. */
class PolicyUpdaterTest {

    /**
     * Two responses (2 and 3 tokens) with advantages 0.5 and -1.5 in a batch 4 tokens wide.
     * At the first update the PPO ratio is 1, so the clipped surrogate is -A per token and
     * Dr.GRPO's loss is -sum_tokens(A) / divisor = 3.5 / divisor.
     */
    private static TrainingBatch batch() {
        Rollout a = new Rollout(0, 0, new int[]{1, 5, 6}, new int[]{7, 2}, new float[]{1f, 1f},
                new float[]{-0.1f, -0.2f}, new float[]{-0.1f, -0.2f}, FinishReason.STOP);
        Rollout b = new Rollout(1, 0, new int[]{1, 9}, new int[]{3, 4, 2}, new float[]{1f, 1f, 1f},
                new float[]{-1f, -2f, -3f}, new float[]{-1f, -2f, -3f}, FinishReason.STOP);
        return TrainingBatch.of(List.of(a, b), new double[]{0.5, -1.5}, 0, ActorTemperature.ONE, Double.NaN);
    }

    private static double firstLoss(double lossScaleFactor, int maxResponseTokens) {
        PolicyTransformer policy = new PolicyTransformer(TrainingFixtures.policy(8));
        PpoClipLoss loss = new PpoClipLoss(0.2, 0.28, false, 3, LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM,
                lossScaleFactor, 0, null, null);
        PolicyUpdater updater = new PolicyUpdater(policy, loss, null, maxResponseTokens);
        PolicyUpdater.Stats s = updater.update(batch(), new AdamW(1e-3), 1e-3, 1, 1, i -> 7L, false);
        assertEquals(1, s.updates());
        return s.loss();
    }

    @Test
    void drGrpoDividesByTheConfiguredMaximumResponseLengthNotTheBatchWidth() {
        TrainingBatch b = batch();
        assertEquals(4, b.width());
        // default: the trainer's maxResponseTokens (16), whatever the batch's padded width (4)
        assertEquals(3.5 / 16, firstLoss(0, 16), 1e-6);
        assertEquals(3.5 / 24, firstLoss(0, 24), 1e-6);
        // the configured constant wins over the default
        assertEquals(3.5 / 10, firstLoss(10, 16), 1e-6);
        assertTrue(Math.abs(firstLoss(0, 16) - 3.5 / b.width()) > 0.5, "not the padded width");
    }

    /** Sampled at tau_t in {0.5, 2} and {0.7, 1.3, 0.9}; the SAMPLING actor temperature trains at tau_t. */
    private static TrainingBatch annealedBatch() {
        Rollout a = new Rollout(0, 0, new int[]{1, 5, 6}, new int[]{7, 2}, new float[]{0.5f, 2f},
                new float[]{-0.1f, -0.2f}, new float[]{-0.1f, -0.2f}, FinishReason.STOP);
        Rollout b = new Rollout(1, 0, new int[]{1, 9}, new int[]{3, 4, 2}, new float[]{0.7f, 1.3f, 0.9f},
                new float[]{-1f, -2f, -3f}, new float[]{-1f, -2f, -3f}, FinishReason.STOP);
        return TrainingBatch.of(List.of(a, b), new double[]{0.5, -1.5}, 0, ActorTemperature.SAMPLING, Double.NaN);
    }

    /** Mean over response tokens of the entropy of softmax(z * invTau), invTau = 1 when {@code tempered} is false. */
    private static double meanEntropy(PolicyTransformer p, TrainingBatch b, boolean tempered) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, b.tokens());
        ph.put(PolicyTransformer.TARGETS, b.targets());
        ph.put(PolicyTransformer.INV_TAU, b.invTau().castTo(p.floatType()));
        INDArray z = p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        double sum = 0;
        int n = 0;
        for (int r = 0; r < b.rows(); r++) {
            for (int t = 0; t < b.width(); t++) {
                if (b.mask().getDouble(r, t) == 0) {
                    continue;
                }
                double s = tempered ? b.invTau().getDouble(r, t) : 1;
                int v = (int) z.size(2);
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < v; k++) {
                    max = Math.max(max, s * z.getDouble(r, t, k));
                }
                double norm = 0;
                for (int k = 0; k < v; k++) {
                    norm += Math.exp(s * z.getDouble(r, t, k) - max);
                }
                double h = 0;
                for (int k = 0; k < v; k++) {
                    double lp = s * z.getDouble(r, t, k) - max - Math.log(norm);
                    h -= Math.exp(lp) * lp;
                }
                sum += h;
                n++;
            }
        }
        return sum / n;
    }

    /** The micro policy with its output head scaled up, so that the temperature changes the entropy visibly. */
    private static PolicyTransformer sharpPolicy() {
        PolicyTransformer p = new PolicyTransformer(TrainingFixtures.policy(8));
        p.parameters().get(WeightLayout.HEAD).muli(60);
        return p;
    }

    private static double reportedEntropy(double entropyCoeff) {
        PolicyTransformer policy = sharpPolicy();
        PpoClipLoss loss = new PpoClipLoss(0.2, 0.28, false, 3, LossAggregation.TOKEN_MEAN, 0, entropyCoeff, null, null);
        PolicyUpdater updater = new PolicyUpdater(policy, loss, null, 16);
        return updater.update(annealedBatch(), new AdamW(1e-3), 1e-3, 1, 1, i -> 7L, false)
                .diagnostics().get(LossDiagnostic.ENTROPY_MEAN.key());
    }

    @Test
    void entropyBonusIsTakenAtTheActorTemperature() {
        PolicyTransformer fresh = sharpPolicy();
        double atTau = meanEntropy(fresh, annealedBatch(), true);
        double atOne = meanEntropy(fresh, annealedBatch(), false);
        assertTrue(Math.abs(atTau - atOne) > 1e-2, atTau + " vs " + atOne);
        // a non-zero coefficient: the bonus (and the reported entropy) at the actor's temperature, as verl
        assertEquals(atTau, reportedEntropy(0.01), 1e-4);
        // coefficient 0: entropy is a diagnostic only, reported at tau = 1
        assertEquals(atOne, reportedEntropy(0), 1e-4);
    }
}
