package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tiny policy learns to copy: sequence {@code a_1..a_k SEP a_1..a_k}, loss = masked mean NLL of the copied
 * half, built on {@link PolicyTransformer#logProbs()} with an extra {@code mask} placeholder, trained with
 * {@link AdamW}. Copying needs attention to the right earlier position, so a broken mask, position
 * encoding or gradient keeps the loss near ln(K).
 */
class CopyTaskTrainingTest {

    static final int K = 6;        // symbols 0..K-1, SEP = K
    static final int LEN = 5;      // copied length
    static final int VOCAB = K + 1;

    /** Batch of copy sequences: tokens [B, 2*LEN], targets shifted by one, mask on the copied half. */
    static Map<String, INDArray> batch(SplittableRandom rnd, int b) {
        int t = 2 * LEN;
        int[][] seq = new int[b][t + 1];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < LEN; j++) {
                seq[i][j] = rnd.nextInt(K);
                seq[i][j + LEN + 1] = seq[i][j];
            }
            seq[i][LEN] = K;
        }
        int[][] tok = new int[b][t];
        int[][] tgt = new int[b][t];
        float[][] mask = new float[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                tok[i][j] = seq[i][j];
                tgt[i][j] = seq[i][j + 1];
                mask[i][j] = j >= LEN ? 1f : 0f;
            }
        }
        Map<String, INDArray> ph = PolicyFixtures.placeholders(PolicyFixtures.int32(tok), PolicyFixtures.int32(tgt), null);
        ph.put("mask", Nd4j.createFromArray(mask));
        return ph;
    }

    /** Masked mean negative log-likelihood over the copied positions. */
    static SDVariable nllLoss(PolicyTransformer p) {
        SameDiff sd = p.graph();
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, -1);
        SDVariable loss = p.logProbs().mul(mask).sum().neg().div(mask.sum()).rename("nll");
        p.setLoss(loss);
        return loss;
    }

    @Test
    void lossFallsOnCopyTask() {
        for (PositionKind pos : PositionKind.values()) {
            PolicyConfig cfg = new PolicyConfig(VOCAB, 32, 2, 2, 64, 16, NormKind.LAYER_NORM, pos, false, 5);
            PolicyTransformer p = new PolicyTransformer(cfg);
            nllLoss(p);
            AdamW opt = new AdamW(1e-2, 0.9, 0.99, 1e-8, 0.0, 1.0);
            SplittableRandom rnd = new SplittableRandom(11);
            double first = 0;
            double last = 0;
            int steps = 50;
            for (int s = 0; s < steps; s++) {
                GradientResult g = p.gradients(batch(rnd, 16));
                opt.step(p.parameters(), g.gradients());
                if (s == 0) {
                    first = g.loss();
                }
                if (s >= steps - 5) {
                    last += g.loss() / 5;
                }
            }
            assertEquals(Math.log(VOCAB), first, 0.3, "initial loss should be near ln(V) (" + pos + ")");
            // chance for the copied symbol is ln(6) = 1.79; attention-based copying goes far below it
            assertTrue(last < 0.5, pos + ": loss fell only from " + first + " to " + last);
        }
    }
}
