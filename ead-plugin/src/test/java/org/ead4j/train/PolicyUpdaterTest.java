package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ead4j.loss.PpoClipLoss;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.junit.jupiter.api.Test;

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
}
