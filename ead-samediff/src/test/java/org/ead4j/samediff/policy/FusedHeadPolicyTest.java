package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The policy's fused log-prob/entropy head against the stock-op composition it replaced (logSoftmax at tau 1 and
 * at tau_t times a one-hot, exp(lsm) * lsm for the entropy) built on the same graph's logits: outputs and
 * parameter gradients in float.
 */
class FusedHeadPolicyTest {

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("gpt untied", new PolicyConfig(29, 16, 2, 2, 32, 16, NormKind.LAYER_NORM,
                        PositionKind.LEARNED, false, 3L), 4),
                Arguments.of("qwen2 tied", PolicyFixtures.hf(Architecture.QWEN2, 29, 16, 4, 2, 24, 16, true, 5L, 0.2,
                        "numKvHeads", "2", "qkvBias", "true"), 5),
                Arguments.of("llama untied", PolicyFixtures.hf(Architecture.LLAMA, 29, 16, 2, 1, 24, 16, false, 7L,
                        0.2), 256));
    }

    @ParameterizedTest(name = "{0}, chunk {2}")
    @MethodSource("configs")
    void matchesTheStockOpComposition(String label, PolicyConfig cfg, int chunk) {
        PolicyTransformer p = new PolicyTransformer(cfg, DataType.FLOAT, chunk);
        PolicyFixtures.randomise(p, 11, 0.3);
        SameDiff sd = p.graph();
        int v = cfg.vocabSize();
        SDVariable z = p.logits().reshape(-1, v);
        SDVariable targets = sd.getVariable(PolicyTransformer.TARGETS);
        SDVariable invTau = sd.getVariable(PolicyTransformer.INV_TAU);
        SDVariable oneHot = sd.oneHot(targets.reshape(-1), v, -1, 1.0, 0.0, DataType.FLOAT);
        SDVariable lsm = sd.nn().logSoftmax(z);
        SDVariable oldLp = lsm.mul(oneHot).sum(1);
        SDVariable oldTlp = sd.nn().logSoftmax(z.mul(invTau.reshape(-1, 1))).mul(oneHot).sum(1);
        SDVariable oldEnt = sd.math().exp(lsm).mul(lsm).sum(1).neg();

        SplittableRandom rnd = new SplittableRandom(2);
        int b = 3;
        int t = 7;
        INDArray c1 = PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.FLOAT).reshape(-1);
        INDArray c2 = PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.FLOAT).reshape(-1);
        INDArray c3 = PolicyFixtures.uniform(rnd, b, t, -1, 1, DataType.FLOAT).reshape(-1);
        SDVariable oldLoss = oldLp.mul(sd.constant(c1)).sum().add(oldTlp.mul(sd.constant(c2)).sum())
                .add(oldEnt.mul(sd.constant(c3)).sum()).rename("oldLoss");
        SDVariable newLoss = p.logProbs().reshape(-1).mul(sd.constant(c1)).sum()
                .add(p.temperedLogProbs().reshape(-1).mul(sd.constant(c2)).sum())
                .add(p.entropy().reshape(-1).mul(sd.constant(c3)).sum()).rename("newLoss");

        Map<String, INDArray> ph = PolicyFixtures.placeholders(
                PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, v)), PolicyFixtures.int32(PolicyFixtures.ids(rnd, b, t, v)),
                PolicyFixtures.uniform(rnd, b, t, 0.5, 2.0, DataType.FLOAT));
        Map<String, INDArray> out = p.forward(ph, PolicyTransformer.LOG_PROBS, PolicyTransformer.TEMPERED_LOG_PROBS,
                PolicyTransformer.ENTROPY, oldLp.name(), oldTlp.name(), oldEnt.name());
        assertClose(out.get(oldLp.name()), out.get(PolicyTransformer.LOG_PROBS), 1e-5, label + " logProbs");
        assertClose(out.get(oldTlp.name()), out.get(PolicyTransformer.TEMPERED_LOG_PROBS), 1e-5, label + " tempered");
        assertClose(out.get(oldEnt.name()), out.get(PolicyTransformer.ENTROPY), 1e-5, label + " entropy");
        // entropy alone needs no targets (evaluation asks for it so)
        Map<String, INDArray> noTargets = new java.util.HashMap<>(ph);
        noTargets.remove(PolicyTransformer.TARGETS);
        noTargets.remove(PolicyTransformer.INV_TAU);
        assertClose(out.get(oldEnt.name()), p.forward(noTargets, PolicyTransformer.ENTROPY).get(PolicyTransformer.ENTROPY),
                1e-5, label + " entropy without targets");

        p.setLoss(oldLoss);
        Map<String, INDArray> gOld = copy(p.gradients(ph).gradients());
        p.setLoss(newLoss);
        Map<String, INDArray> gNew = p.gradients(ph).gradients();
        for (Map.Entry<String, INDArray> e : gOld.entrySet()) {
            INDArray a = e.getValue();
            double scale = Math.max(1.0, a.amaxNumber().doubleValue());
            assertClose(a, gNew.get(e.getKey()), 2e-5 * scale, label + " gradient of " + e.getKey());
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> g) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        g.forEach((k, a) -> out.put(k, a.dup()));
        return out;
    }

    private static void assertClose(INDArray want, INDArray got, double tol, String what) {
        double err = want.reshape(-1).sub(got.reshape(-1)).amaxNumber().doubleValue();
        assertTrue(err <= tol, what + ": max |difference| " + err + " > " + tol);
    }
}
