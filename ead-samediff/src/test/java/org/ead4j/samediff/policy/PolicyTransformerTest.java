package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PolicyTransformerTest {

    private static final PolicyConfig CFG =
            PolicyFixtures.config(13, 16, 2, 2, 32, 10, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 4, 0.2);

    @Test
    void sameConfigSameWeightBits() {
        PolicyTransformer a = new PolicyTransformer(CFG);
        PolicyTransformer b = new PolicyTransformer(CFG);
        assertEquals(a.weightsSha256(), b.weightsSha256());
        assertNotEquals(a.weightsSha256(), new PolicyTransformer(CFG.withInitSeed(5)).weightsSha256());
        assertEquals(WeightLayout.shapes(CFG).keySet(), a.parameters().keySet());
        assertEquals(WeightLayout.parameterCount(CFG), a.parameterCount());
        // norms start at gain 1, bias 0; residual projections use the scaled init
        assertEquals(1f, a.parameters().get(WeightLayout.norm1Gain(0)).getFloat(3), 0f);
        assertEquals(0f, a.parameters().get(WeightLayout.norm1Bias(1)).getFloat(3), 0f);
        double outStd = a.parameters().get(WeightLayout.attnOut(0)).stdNumber().doubleValue();
        double qkvStd = a.parameters().get(WeightLayout.attnQkv(0)).stdNumber().doubleValue();
        assertEquals(0.2 / Math.sqrt(4), outStd, 0.02);
        assertEquals(0.2, qkvStd, 0.02);
    }

    @Test
    void outputsAreConsistent() {
        PolicyTransformer p = new PolicyTransformer(CFG);
        SplittableRandom rnd = new SplittableRandom(1);
        int b = 3;
        int t = 6;
        int[][] tgt = PolicyFixtures.ids(rnd, b, t, 13);
        INDArray invTau = PolicyFixtures.uniform(rnd, b, t, 0.5, 2.0, DataType.FLOAT);
        Map<String, INDArray> ph = PolicyFixtures.placeholders(PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, 13)),
                PolicyFixtures.int32(tgt), invTau);
        Map<String, INDArray> out = p.forward(ph, PolicyTransformer.LOGITS, PolicyTransformer.LOG_PROBS,
                PolicyTransformer.TEMPERED_LOG_PROBS, PolicyTransformer.ENTROPY);
        INDArray z = out.get(PolicyTransformer.LOGITS);
        assertArrayEquals(new long[]{b, t, 13}, z.shape());
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                // reference in double from the logits
                double tau = 1.0 / invTau.getDouble(i, j);
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 13; v++) {
                    max = Math.max(max, z.getDouble(i, j, v));
                }
                double sum = 0;
                double sumT = 0;
                double maxT = max / tau;
                for (int v = 0; v < 13; v++) {
                    sum += Math.exp(z.getDouble(i, j, v) - max);
                    sumT += Math.exp(z.getDouble(i, j, v) / tau - maxT);
                }
                double ent = 0;
                for (int v = 0; v < 13; v++) {
                    double lp = z.getDouble(i, j, v) - max - Math.log(sum);
                    ent -= Math.exp(lp) * lp;
                }
                double zt = z.getDouble(i, j, tgt[i][j]);
                assertEquals(zt - max - Math.log(sum), out.get(PolicyTransformer.LOG_PROBS).getDouble(i, j), 1e-5);
                assertEquals(zt / tau - maxT - Math.log(sumT), out.get(PolicyTransformer.TEMPERED_LOG_PROBS).getDouble(i, j), 1e-5);
                assertEquals(ent, out.get(PolicyTransformer.ENTROPY).getDouble(i, j), 1e-5);
            }
        }
        // invTau defaults to ones: tempered equals untempered
        ph.remove(PolicyTransformer.INV_TAU);
        Map<String, INDArray> plain = p.forward(ph, PolicyTransformer.LOG_PROBS, PolicyTransformer.TEMPERED_LOG_PROBS);
        assertArrayEquals(HostArrays.toFloats(plain.get(PolicyTransformer.LOG_PROBS)),
                HostArrays.toFloats(plain.get(PolicyTransformer.TEMPERED_LOG_PROBS)), 1e-6f);
    }

    @Test
    void raggedBatchesAreCausalAndRowIndependent() {
        for (PositionKind pos : PositionKind.values()) {
            PolicyConfig cfg = PolicyFixtures.config(13, 16, 2, 2, 32, 10, NormKind.RMS_NORM, pos, true, 6, 0.3);
            PolicyTransformer p = new PolicyTransformer(cfg);
            SplittableRandom rnd = new SplittableRandom(2);
            int t = 8;
            int[][] tok = PolicyFixtures.ids(rnd, 3, t, 13);
            int[][] tgt = PolicyFixtures.ids(rnd, 3, t, 13);
            int[] len = {8, 3, 5};
            // the same batch with different right padding
            int[][] repadded = new int[3][];
            for (int i = 0; i < 3; i++) {
                repadded[i] = tok[i].clone();
                for (int j = len[i]; j < t; j++) {
                    repadded[i][j] = (tok[i][j] + 1 + j) % 13;
                }
            }
            INDArray a = logProbs(p, tok, tgt);
            INDArray b = logProbs(p, repadded, tgt);
            for (int i = 0; i < 3; i++) {
                // row i alone, cut to its real length
                int[][] alone = {java.util.Arrays.copyOf(tok[i], len[i])};
                int[][] aloneTgt = {java.util.Arrays.copyOf(tgt[i], len[i])};
                INDArray c = logProbs(p, alone, aloneTgt);
                for (int j = 0; j < len[i]; j++) {
                    assertEquals(a.getDouble(i, j), b.getDouble(i, j), 0.0, pos + ": padding changed row " + i + " pos " + j);
                    assertEquals(a.getDouble(i, j), c.getDouble(0, j), 1e-5, pos + ": row " + i + " depends on the batch");
                }
            }
        }
    }

    private static INDArray logProbs(PolicyTransformer p, int[][] tok, int[][] tgt) {
        return p.forward(PolicyFixtures.placeholders(PolicyFixtures.int32(tok), PolicyFixtures.int32(tgt), null),
                PolicyTransformer.LOG_PROBS).get(PolicyTransformer.LOG_PROBS);
    }

    @Test
    void badInputsGiveClearErrors() {
        PolicyTransformer p = new PolicyTransformer(CFG);
        int[][] ok = {{1, 2, 3}, {4, 5, 6}};
        IllegalArgumentException vocab = assertThrows(IllegalArgumentException.class,
                () -> logProbs(p, new int[][]{{1, 2, 3}, {4, 13, 6}}, ok));
        assertTrue(vocab.getMessage().contains("token id 13 at row 1, position 1"), vocab.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> logProbs(p, ok, new int[][]{{1, 2, 3}, {4, 5, -1}}));
        assertTrue(negative.getMessage().contains("'targets' has token id -1 at row 1, position 2"), negative.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> logProbs(p, new int[1][11], new int[1][11]));
        assertTrue(tooLong.getMessage().contains("T = 11") && tooLong.getMessage().contains("maxSeqLen = 10"),
                tooLong.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> p.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.create(DataType.INT32, 0, 4)), PolicyTransformer.LOGITS));
        assertTrue(empty.getMessage().contains("empty batch"), empty.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> logProbs(p, ok, new int[][]{{1, 2}, {4, 5}}));
        assertTrue(shape.getMessage().contains("must match"), shape.getMessage());
        IllegalArgumentException noTargets = assertThrows(IllegalArgumentException.class,
                () -> p.forward(Map.of(PolicyTransformer.TOKENS, PolicyFixtures.int32(ok)), PolicyTransformer.LOG_PROBS));
        assertTrue(noTargets.getMessage().contains("needs placeholder 'targets'"), noTargets.getMessage());
        IllegalArgumentException floats = assertThrows(IllegalArgumentException.class,
                () -> p.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.ones(2, 3)), PolicyTransformer.LOGITS));
        assertTrue(floats.getMessage().contains("integer"), floats.getMessage());
        INDArray badTau = Nd4j.ones(DataType.FLOAT, 2, 3);
        badTau.putScalar(1, 2, 0f);
        IllegalArgumentException tau = assertThrows(IllegalArgumentException.class, () -> p.forward(
                PolicyFixtures.placeholders(PolicyFixtures.int32(ok), PolicyFixtures.int32(ok), badTau),
                PolicyTransformer.TEMPERED_LOG_PROBS));
        assertTrue(tau.getMessage().contains("row 1, position 2"), tau.getMessage());
        assertThrows(IllegalStateException.class,
                () -> p.gradients(PolicyFixtures.placeholders(PolicyFixtures.int32(ok), PolicyFixtures.int32(ok), null)));
        // INT64 ids are accepted and converted
        INDArray z = p.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(new long[][]{{1, 2, 3}})),
                PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
        assertArrayEquals(new long[]{1, 3, 13}, z.shape());
    }
}
