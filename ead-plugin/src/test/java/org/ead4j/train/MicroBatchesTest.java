package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.loss.LossOutputs;
import org.ead4j.loss.PpoClipLoss;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.samediff.decode.FinishReason;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient accumulation over micro-batches equals the whole mini-batch's gradient, for every aggregation. */
class MicroBatchesTest {

    @ParameterizedTest
    @EnumSource(LossAggregation.class)
    void accumulatedGradientEqualsTheWholeBatchGradient(LossAggregation agg) {
        PolicyConfig cfg = new PolicyConfig(13, 16, 2, 1, 32, 24, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 9L);
        PolicyTransformer policy = new PolicyTransformer(cfg);
        PpoClipLoss loss = new PpoClipLoss(0.2, 0.28, true, 3.0, agg, 0, 0.01, null, null);
        PolicyUpdater updater = new PolicyUpdater(policy, loss, null, 24);
        TrainingBatch batch = batch(new SplittableRandom(4), 7, 13);
        INDArray old = PolicyUpdater.logProbs(policy, batch);
        // perturb "old" so that ratios differ from 1 and some tokens clip
        old.addi(org.nd4j.linalg.factory.Nd4j.rand(old.dataType(), old.shape()).subi(0.5).muli(0.6));

        MicroBatches.Accumulated all = updater.miniBatchGradients(batch, 0, 7, old, null, 3L, 0);
        double wantLoss = all.result().loss();
        Map<String, Double> wantDiag = LossOutputs.diagnosticsMap(all.result().output(diagName(updater)));
        Map<String, INDArray> want = new java.util.LinkedHashMap<>();
        all.result().gradients().forEach((k, a) -> want.put(k, a.dup()));
        for (int micro : new int[]{1, 3, 6}) {
            MicroBatches.Accumulated acc = updater.miniBatchGradients(batch, 0, 7, old, null, 3L, micro);
            assertEquals(wantLoss, acc.result().loss(), 1e-6 * Math.max(1, Math.abs(wantLoss)), agg + " micro " + micro);
            for (Map.Entry<String, INDArray> e : want.entrySet()) {
                INDArray got = acc.result().gradients().get(e.getKey());
                double scale = Math.max(1e-3, e.getValue().amaxNumber().doubleValue());
                double err = e.getValue().sub(got).amaxNumber().doubleValue();
                assertTrue(err <= 2e-5 * scale, agg + " micro " + micro + " " + e.getKey() + ": max diff " + err
                        + " vs max |g| " + scale);
            }
            Map<String, Double> d = acc.diagnostics();
            for (String k : new String[]{"loss/pg_loss", "loss/entropy_loss", "loss/entropy", "loss/valid_tokens",
                    "loss/ratio_mean", "loss/ratio_max", "loss/pg_clipfrac"}) {
                assertEquals(wantDiag.get(k), d.get(k), 1e-5 * Math.max(1, Math.abs(wantDiag.get(k))),
                        agg + " micro " + micro + " " + k);
            }
        }
    }

    private static String diagName(PolicyUpdater u) {
        try {
            java.lang.reflect.Field f = PolicyUpdater.class.getDeclaredField("diagnosticsName");
            f.setAccessible(true);
            return (String) f.get(u);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Rows of different prompt and response lengths, random behaviour log-probs and advantages. */
    static TrainingBatch batch(SplittableRandom rnd, int rows, int vocab) {
        List<Rollout> rollouts = new ArrayList<>();
        double[] adv = new double[rows];
        for (int r = 0; r < rows; r++) {
            int[] prompt = new int[1 + rnd.nextInt(3)];
            int[] response = new int[1 + rnd.nextInt(6)];
            float[] tau = new float[response.length];
            float[] beh = new float[response.length];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 1 + rnd.nextInt(vocab - 1);
            }
            for (int i = 0; i < response.length; i++) {
                response[i] = 1 + rnd.nextInt(vocab - 1);
                tau[i] = (float) (0.6 + rnd.nextDouble());
                beh[i] = (float) (-1 - 2 * rnd.nextDouble());
            }
            rollouts.add(new Rollout(r, 0, prompt, response, tau, beh, beh.clone(), FinishReason.STOP));
            adv[r] = rnd.nextGaussian();
        }
        return TrainingBatch.of(rollouts, adv, 0, ActorTemperature.SAMPLING, Double.NaN);
    }
}
