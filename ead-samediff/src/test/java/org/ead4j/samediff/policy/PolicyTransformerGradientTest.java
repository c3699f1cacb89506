package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite differences against the graph's gradients, in float64, for every parameter kind:
 * token embedding, learned positions, LayerNorm and RMSNorm gains/biases, qkv and output projections,
 * the MLP, the untied head and the tied head (whose gradient sums the lookup and the output use), with
 * learned and rotary positions. The loss mixes all three outputs with random weights, so the gradients
 * of logProbs, temperedLogProbs (random per-position 1/tau) and entropy are all checked.
 *
 * <p>Tolerance: with float64 and step h = 1e-6 the central difference has truncation error O(h^2 f''') ~ 1e-12
 * and rounding error ~ 1e-16 |L| / h ~ 1e-10 for |L| ~ 1, so 1e-7 absolute plus 1e-6 relative leaves a margin
 * of 1000x, while a wrong gradient (a missing term, a transposed weight) is off by O(|g|).
 */
class PolicyTransformerGradientTest {

    static Stream<PolicyConfig> configs() {
        return Stream.of(
                PolicyFixtures.config(11, 8, 2, 2, 12, 8, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 1, 0.3),
                PolicyFixtures.config(11, 8, 2, 2, 12, 8, NormKind.RMS_NORM, PositionKind.ROTARY, true, 2, 0.3),
                PolicyFixtures.config(11, 8, 2, 1, 12, 8, NormKind.LAYER_NORM, PositionKind.ROTARY, true, 3, 0.3),
                PolicyFixtures.config(11, 8, 2, 1, 12, 8, NormKind.RMS_NORM, PositionKind.LEARNED, false, 4, 0.3));
    }

    /**
     * The Hugging Face families: grouped-query attention (numKvHeads &lt; numHeads), q/k/v, output and MLP biases,
     * per-head q/k RMSNorm, SwiGLU, Llama 3 rope scaling with all three frequency bands in use (headDim 8, theta
     * 1e4: wavelengths 6.3, 63, 628, 6283 against band edges 256 and 1024), headDim != dModel / numHeads, tied and
     * untied heads.
     */
    static Stream<PolicyConfig> huggingFaceConfigs() {
        return Stream.of(
                PolicyFixtures.hf(Architecture.LLAMA, 11, 8, 4, 2, 12, 8, false, 5, 0.3, "numKvHeads", "2",
                        "headDim", "8", "ropeScaling", "LLAMA3", "ropeOriginalMaxPositions", "1024"),
                PolicyFixtures.hf(Architecture.QWEN2, 11, 8, 2, 2, 12, 8, false, 6, 0.3, "numKvHeads", "1",
                        "qkvBias", "true"),
                PolicyFixtures.hf(Architecture.QWEN3, 11, 8, 2, 1, 12, 8, true, 7, 0.3, "numKvHeads", "1",
                        "headDim", "6", "qkNorm", "true", "outBias", "true", "mlpBias", "true", "normEpsilon", "1e-6"),
                PolicyFixtures.hf(Architecture.LLAMA, 11, 8, 2, 1, 12, 8, true, 8, 0.3, "qkvBias", "true",
                        "outBias", "true", "mlpBias", "true"));
    }

    @ParameterizedTest
    @MethodSource("huggingFaceConfigs")
    void huggingFaceGradientsMatchFiniteDifferences(PolicyConfig cfg) {
        gradientsMatchFiniteDifferences(cfg);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(PolicyConfig cfg) {
        int b = 2;
        int t = 5;
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed() * 31 + 7);
        PolicyTransformer p = new PolicyTransformer(cfg, DataType.DOUBLE);
        PolicyFixtures.randomise(p, cfg.initSeed(), 0.4);
        SameDiff sd = p.graph();
        SDVariable w1 = sd.placeHolder("w1", DataType.DOUBLE, -1, -1);
        SDVariable w2 = sd.placeHolder("w2", DataType.DOUBLE, -1, -1);
        SDVariable w3 = sd.placeHolder("w3", DataType.DOUBLE, -1, -1);
        SDVariable loss = p.logProbs().mul(w1).sum()
                .add(p.temperedLogProbs().mul(w2).sum())
                .add(p.entropy().mul(w3).sum()).rename("testLoss");
        p.setLoss(loss);

        int[][] tokens = PolicyFixtures.ids(rnd, b, t, cfg.vocabSize());
        Map<String, INDArray> ph = PolicyFixtures.placeholders(PolicyFixtures.int32(tokens),
                PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, cfg.vocabSize())),
                PolicyFixtures.uniform(rnd, b, t, 0.5, 2.0, DataType.DOUBLE));
        ph.put("w1", PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.DOUBLE));
        ph.put("w2", PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.DOUBLE));
        ph.put("w3", PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.DOUBLE));

        GradientResult g = p.gradients(ph);
        assertEquals(p.parameters().keySet(), g.gradients().keySet());
        double h = 1e-6;
        int checked = 0;
        double worst = 0;
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            String name = e.getKey();
            INDArray param = e.getValue();
            INDArray grad = g.gradients().get(name).reshape(param.length());
            INDArray flat = param.reshape(param.length());
            double gradNorm = 0;
            for (long i : elementsToCheck(name, param, tokens, rnd)) {
                double orig = flat.getDouble(i);
                flat.putScalar(i, orig + h);
                double up = loss(p, ph);
                flat.putScalar(i, orig - h);
                double down = loss(p, ph);
                flat.putScalar(i, orig);
                double fd = (up - down) / (2 * h);
                double an = grad.getDouble(i);
                double err = Math.abs(fd - an);
                worst = Math.max(worst, err);
                assertTrue(err <= 1e-7 + 1e-6 * Math.abs(fd),
                        name + "[" + i + "]: analytic " + an + " vs finite difference " + fd + " (" + cfg + ")");
                gradNorm += Math.abs(an);
                checked++;
            }
            // a parameter whose checked gradients are all zero would make the comparison vacuous
            assertTrue(gradNorm > 1e-6, "gradient of " + name + " is zero at every checked element");
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    private static double loss(PolicyTransformer p, Map<String, INDArray> ph) {
        return p.forward(ph, "testLoss").get("testLoss").getDouble(0);
    }

    /** A few elements per parameter; embedding rows that the batch actually uses. */
    private static List<Long> elementsToCheck(String name, INDArray param, int[][] tokens, SplittableRandom rnd) {
        List<Long> out = new ArrayList<>();
        long n = param.length();
        if (name.equals(WeightLayout.TOKEN_EMBEDDING) || name.equals(WeightLayout.POSITION_EMBEDDING)) {
            long cols = param.size(1);
            for (int k = 0; k < 6; k++) {
                int row = name.equals(WeightLayout.POSITION_EMBEDDING)
                        ? rnd.nextInt(tokens[0].length)
                        : tokens[rnd.nextInt(tokens.length)][rnd.nextInt(tokens[0].length)];
                out.add(row * cols + rnd.nextInt((int) cols));
            }
            return out;
        }
        for (int k = 0; k < 5; k++) {
            out.add((long) rnd.nextInt((int) n));
        }
        return out;
    }
}
