package org.ead4j.samediff.ops.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ead4j.samediff.ops.CustomOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The policy-loss op against the plain-Java reference ({@link ReferencePolicyLoss}) and finite
 * differences through the SameDiff graph, plus hand-made cases where each mechanism triggers.
 */
class PolicyLossOpTest {

    private static final int B = 5;
    private static final int T = 7;
    private static final int[] LENGTHS = {7, 5, 1, 0, 4};   // one empty row: seq-mean modes must skip it

    @BeforeAll
    static void register() {
        CustomOps.ensureRegistered();
    }

    // ------------------------------------------------------------------ fixtures

    /** Random batch: ratios on both sides of the clip range, some dual clips, padding holds garbage. */
    static ReferencePolicyLoss randomBatch(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ReferencePolicyLoss r = new ReferencePolicyLoss(B, T);
        for (int b = 0; b < B; b++) {
            double a = rnd.nextGaussian() * 1.5;
            for (int t = 0; t < T; t++) {
                boolean valid = t < LENGTHS[b];
                r.mask[b][t] = valid ? 1 : 0;
                r.logp[b][t] = valid ? -0.05 - 3 * rnd.nextDouble() : 1e3;
                r.old[b][t] = r.logp[b][t] + 0.5 * rnd.nextGaussian();
                r.beh[b][t] = r.old[b][t] + 0.5 * rnd.nextGaussian();
                r.ref[b][t] = r.logp[b][t] + 0.5 * rnd.nextGaussian();
                r.ent[b][t] = 3 * rnd.nextDouble();
                r.adv[b][t] = valid ? a + 0.3 * rnd.nextGaussian() : 7;
            }
        }
        // one token far above the dual-clip bound c = 3 with a negative advantage
        r.old[1][0] = r.logp[1][0] - Math.log(5);
        for (int t = 0; t < T; t++) {
            r.adv[1][t] = -Math.abs(r.adv[1][t]) - 0.1;
        }
        r.key = 12345;
        // round to float so FLOAT and DOUBLE graphs see the same numbers
        for (double[][] m : new double[][][]{r.logp, r.old, r.beh, r.ref, r.ent, r.adv}) {
            for (double[] row : m) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = (float) row[t];
                }
            }
        }
        return r;
    }

    static PolicyLossSpec.Builder modeSpec(PolicyLossMode mode) {
        PolicyLossSpec.Builder s = PolicyLossSpec.builder().mode(mode);
        switch (mode) {
            case VANILLA:
                return s.clipRatio(0.2, 0.28).dualClip(true, 3.0)
                        .importanceSampling(ImportanceSamplingLevel.TOKEN, 1.5)
                        .klPenalty(KlEstimator.K3, 0.05).entropyCoeff(0.01);
            case CLIP_COV:
                // ratio 1: every candidate is masked, so the value does not depend on the random draw
                return s.clipRatio(0.2, 0.2).clipCov(1.0, 0.1, 2.0)
                        .importanceSampling(ImportanceSamplingLevel.SEQUENCE, 2.0)
                        .klPenalty(KlEstimator.K2, 0.05).entropyCoeff(0.01);
            case KL_COV:
                return s.klCov(0.2, 1.0).importanceSampling(ImportanceSamplingLevel.TOKEN, 2.0)
                        .klPenalty(KlEstimator.K1, 0.05).entropyCoeff(0.02);
            default:
                throw new AssertionError();
        }
    }

    static Stream<Arguments> modesAndAggregations() {
        List<Arguments> args = new ArrayList<>();
        for (PolicyLossMode m : PolicyLossMode.values()) {
            for (LossAggregation a : LossAggregation.values()) {
                args.add(Arguments.of(m, a));
            }
        }
        return args.stream();
    }

    static INDArray arr(double[][] m, DataType dt) {
        return Nd4j.createFromArray(m).castTo(dt);
    }

    /** logp and entropy are variables (to differentiate); the rest placeholders. */
    static SameDiff graph(PolicyLossSpec spec, ReferencePolicyLoss r, DataType dt) {
        SameDiff sd = SameDiff.create();
        SDVariable logp = sd.var("logp", arr(r.logp, dt));
        SDVariable ent = sd.var("entropy", arr(r.ent, dt));
        SDVariable old = sd.placeHolder("old", dt, -1, -1);
        SDVariable beh = sd.placeHolder("beh", dt, -1, -1);
        SDVariable ref = sd.placeHolder("ref", dt, -1, -1);
        SDVariable adv = sd.placeHolder("adv", dt, -1, -1);
        SDVariable mask = sd.placeHolder("mask", dt, -1, -1);
        SDVariable key = sd.placeHolder("key", DataType.INT64);
        SDVariable[] out = new PolicyLossOp(sd, new SDVariable[]{logp, old, beh, ref, ent, adv, mask, key}, spec)
                .outputVariables();
        out[0].rename("loss");
        out[1].rename("diag");
        sd.setLossVariables("loss");
        return sd;
    }

    static Map<String, INDArray> placeholders(ReferencePolicyLoss r, DataType dt) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put("old", arr(r.old, dt));
        ph.put("beh", arr(r.beh, dt));
        ph.put("ref", arr(r.ref, dt));
        ph.put("adv", arr(r.adv, dt));
        ph.put("mask", arr(r.mask, dt));
        ph.put("key", Nd4j.scalar(r.key));
        return ph;
    }

    static double lossOf(SameDiff sd, Map<String, INDArray> ph) {
        return sd.output(ph, "loss").get("loss").getDouble(0);
    }

    static void assertClose(double expected, double actual, double tol, String what) {
        assertEquals(expected, actual, tol * Math.max(1, Math.abs(expected)), what);
    }

    // ------------------------------------------------------------------ values and gradients on random inputs

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndAggregations")
    void lossMatchesReference(PolicyLossMode mode, LossAggregation agg) {
        for (long seed = 1; seed <= 3; seed++) {
            ReferencePolicyLoss r = randomBatch(seed);
            PolicyLossSpec spec = modeSpec(mode).aggregation(agg).build();
            double expected = r.loss(spec);
            double d = lossOf(graph(spec, r, DataType.DOUBLE), placeholders(r, DataType.DOUBLE));
            assertClose(expected, d, 1e-10, mode + " " + agg + " DOUBLE seed " + seed);
            double f = lossOf(graph(spec, r, DataType.FLOAT), placeholders(r, DataType.FLOAT));
            assertClose(expected, f, 1e-6, mode + " " + agg + " FLOAT seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndAggregations")
    void gradientMatchesFiniteDifferences(PolicyLossMode mode, LossAggregation agg) {
        ReferencePolicyLoss r = randomBatch(7);
        PolicyLossSpec spec = modeSpec(mode).aggregation(agg).build();
        checkGradient(spec, r);
    }

    @ParameterizedTest
    @EnumSource(KlEstimator.class)
    void klEstimatorsMatchReferenceAndFiniteDifferences(KlEstimator estimator) {
        ReferencePolicyLoss r = randomBatch(11);
        r.ref[0][0] = r.logp[0][0] + 4;   // k3: exp(4) - 5 = 49.6, clamped to 10 with zero gradient
        PolicyLossSpec spec = PolicyLossSpec.builder().klPenalty(estimator, 0.3).build();
        assertClose(r.loss(spec), lossOf(graph(spec, r, DataType.DOUBLE), placeholders(r, DataType.DOUBLE)), 1e-10,
                estimator.name());
        checkGradient(spec, r);
    }

    @ParameterizedTest
    @EnumSource(ImportanceSamplingLevel.class)
    void importanceSamplingLevelsMatchReference(ImportanceSamplingLevel level) {
        ReferencePolicyLoss r = randomBatch(13);
        PolicyLossSpec spec = PolicyLossSpec.builder().importanceSampling(level, 1.3)
                .aggregation(LossAggregation.SEQ_MEAN_TOKEN_MEAN).build();
        assertClose(r.loss(spec), lossOf(graph(spec, r, DataType.DOUBLE), placeholders(r, DataType.DOUBLE)), 1e-10,
                level.name());
        checkGradient(spec, r);
    }

    /** Central differences through {@code sd.output} vs {@code sd.calculateGradients}, for logp and entropy. */
    static void checkGradient(PolicyLossSpec spec, ReferencePolicyLoss r) {
        SameDiff sd = graph(spec, r, DataType.DOUBLE);
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);
        Map<String, INDArray> grads = sd.calculateGradients(ph, "logp", "entropy");
        double h = 1e-6;
        for (String name : new String[]{"logp", "entropy"}) {
            INDArray x = sd.getVariable(name).getArr();
            INDArray g = grads.get(name);
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    double x0 = x.getDouble(b, t);
                    x.putScalar(new long[]{b, t}, x0 + h);
                    double up = lossOf(sd, ph);
                    x.putScalar(new long[]{b, t}, x0 - h);
                    double down = lossOf(sd, ph);
                    x.putScalar(new long[]{b, t}, x0);
                    double fd = (up - down) / (2 * h);
                    assertEquals(fd, g.getDouble(b, t), 1e-7, spec + ": d loss / d " + name + "[" + b + ", " + t + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------ hand-made cases

    /** A 1 x 4 batch with ratios r = exp(logp - old) chosen to trigger each clip. */
    static ReferencePolicyLoss clipCase() {
        ReferencePolicyLoss r = new ReferencePolicyLoss(1, 4);
        double[] ratio = {1.5, 0.5, 4.0, 1.1};
        double[] adv = {1, -1, -1, 1};
        for (int t = 0; t < 4; t++) {
            r.old[0][t] = -1;
            r.logp[0][t] = -1 + Math.log(ratio[t]);
            r.beh[0][t] = -1;
            r.ref[0][t] = r.logp[0][t];
            r.adv[0][t] = adv[t];
            r.mask[0][t] = 1;
        }
        return r;
    }

    @Test
    void clippingAndDualClipTriggerWhereExpected() {
        ReferencePolicyLoss r = clipCase();
        PolicyLossSpec spec = PolicyLossSpec.builder().build();          // verl defaults: 0.2/0.2, c = 3
        // token losses: A=+1 r=1.5 -> -1.2 (clipped high); A=-1 r=0.5 -> 0.8 (clipped low);
        // A=-1 r=4 -> max(4, 1.2) = 4 bounded by the dual clip at 3; A=+1 r=1.1 -> -1.1 (unclipped)
        SameDiff sd = graph(spec, r, DataType.DOUBLE, 1, 4);
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);
        Map<String, INDArray> out = sd.output(ph, "loss", "diag");
        assertEquals((-1.2 + 0.8 + 3 - 1.1) / 4, out.get("loss").getDouble(0), 1e-12);
        INDArray diag = out.get("diag");
        assertEquals(0.5, LossDiagnostic.CLIP_FRAC.get(diag), 0);
        assertEquals(0.25, LossDiagnostic.CLIP_FRAC_LOW.get(diag), 0);
        assertEquals(0.25, LossDiagnostic.CLIP_FRAC_HIGH.get(diag), 0);
        assertEquals(0.25, LossDiagnostic.DUAL_CLIP_FRAC.get(diag), 0);
        assertEquals((1.5 + 0.5 + 4 + 1.1) / 4, LossDiagnostic.RATIO_MEAN.get(diag), 1e-12);
        assertEquals(4.0, LossDiagnostic.RATIO_MAX.get(diag), 1e-12);
        assertEquals(-(Math.log(1.5) + Math.log(0.5) + Math.log(4) + Math.log(1.1)) / 4,
                LossDiagnostic.PPO_KL.get(diag), 1e-12);
        assertEquals(4, LossDiagnostic.VALID_TOKENS.get(diag), 0);
        // only the unclipped token has a gradient: d(-A r)/d logp / N = -1.1 / 4
        INDArray g = sd.calculateGradients(ph, "logp").get("logp");
        assertArrayEquals(new double[]{0, 0, 0, -1.1 / 4}, g.toDoubleVector(), 1e-12);

        // dual clip off: the A=-1, r=4 token keeps -A r = 4 and its gradient -A r = 4
        PolicyLossSpec noDual = PolicyLossSpec.builder().dualClip(false, 3).build();
        SameDiff sd2 = graph(noDual, r, DataType.DOUBLE, 1, 4);
        assertEquals((-1.2 + 0.8 + 4 - 1.1) / 4, lossOf(sd2, ph), 1e-12);
        assertArrayEquals(new double[]{0, 0, 4.0 / 4, -1.1 / 4},
                sd2.calculateGradients(ph, "logp").get("logp").toDoubleVector(), 1e-12);

        // DAPO clip-higher 0.28: r = 1.1 and 1.5 unchanged, but r = 1.25 would no longer be clipped
        r.logp[0][0] = -1 + Math.log(1.25);
        PolicyLossSpec dapo = PolicyLossSpec.builder().clipRatio(0.2, 0.28).build();
        assertEquals((-1.25 + 0.8 + 3 - 1.1) / 4, lossOf(graph(dapo, r, DataType.DOUBLE, 1, 4),
                placeholders(r, DataType.DOUBLE)), 1e-12);
    }

    @Test
    void truncatedImportanceSamplingTruncatesAtTheCap() {
        ReferencePolicyLoss r = new ReferencePolicyLoss(2, 2);
        // on-policy ratios (logp = old) so each token's surrogate is -A; weights exp(old - behaviour)
        double[][] logW = {{Math.log(3), Math.log(0.5)}, {Math.log(1.5), Math.log(1.6)}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 2; t++) {
                r.logp[b][t] = -0.7;
                r.old[b][t] = -0.7;
                r.beh[b][t] = -0.7 - logW[b][t];
                r.ref[b][t] = -0.7;
                r.adv[b][t] = 1;
                r.mask[b][t] = 1;
            }
        }
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);

        PolicyLossSpec token = PolicyLossSpec.builder().importanceSampling(ImportanceSamplingLevel.TOKEN, 2.0).build();
        Map<String, INDArray> out = graph(token, r, DataType.DOUBLE, 2, 2).output(ph, "loss", "diag");
        // weights 3 -> 2 (truncated), 0.5, 1.5, 1.6
        assertEquals(-(2 + 0.5 + 1.5 + 1.6) / 4, out.get("loss").getDouble(0), 1e-12);
        INDArray diag = out.get("diag");
        assertEquals((3 + 0.5 + 1.5 + 1.6) / 4, LossDiagnostic.IS_WEIGHT_MEAN_RAW.get(diag), 1e-12);
        assertEquals(3, LossDiagnostic.IS_WEIGHT_MAX_RAW.get(diag), 1e-12);
        assertEquals((2 + 0.5 + 1.5 + 1.6) / 4, LossDiagnostic.IS_WEIGHT_MEAN.get(diag), 1e-12);
        assertEquals(2, LossDiagnostic.IS_WEIGHT_MAX.get(diag), 1e-12);
        assertEquals(0.25, LossDiagnostic.IS_TRUNCATED_FRAC.get(diag), 0);

        // sequence level: row weights 3 * 0.5 = 1.5 and 1.5 * 1.6 = 2.4 -> 2 (truncated)
        PolicyLossSpec seq = PolicyLossSpec.builder().importanceSampling(ImportanceSamplingLevel.SEQUENCE, 2.0).build();
        out = graph(seq, r, DataType.DOUBLE, 2, 2).output(ph, "loss", "diag");
        assertEquals(-(1.5 * 2 + 2 * 2) / 4, out.get("loss").getDouble(0), 1e-12);
        diag = out.get("diag");
        assertEquals((1.5 + 2.4) / 2, LossDiagnostic.IS_WEIGHT_MEAN_RAW.get(diag), 1e-12);
        assertEquals(2.4, LossDiagnostic.IS_WEIGHT_MAX_RAW.get(diag), 1e-12);
        assertEquals((1.5 + 2) / 2, LossDiagnostic.IS_WEIGHT_MEAN.get(diag), 1e-12);
        assertEquals(0.5, LossDiagnostic.IS_TRUNCATED_FRAC.get(diag), 0);

        // off: weight 1 everywhere, but the raw mismatch is still reported
        PolicyLossSpec off = PolicyLossSpec.builder().build();
        out = graph(off, r, DataType.DOUBLE, 2, 2).output(ph, "loss", "diag");
        assertEquals(-1, out.get("loss").getDouble(0), 1e-12);
        assertEquals(3, LossDiagnostic.IS_WEIGHT_MAX_RAW.get(out.get("diag")), 1e-12);
        assertEquals(1, LossDiagnostic.IS_WEIGHT_MAX.get(out.get("diag")), 0);
        assertEquals(0, LossDiagnostic.IS_TRUNCATED_FRAC.get(out.get("diag")), 0);
    }

    /**
     * 1 x 10 batch with A = +-1 and logp chosen so Cov = (A - mean A)(logp - mean logp) is known;
     * mean A = 0 and mean logp = -2 by construction.
     */
    static ReferencePolicyLoss covCase(double[] cov, double[] ratio) {
        int n = cov.length;
        ReferencePolicyLoss r = new ReferencePolicyLoss(1, n);
        // pairs (A = +1, logp = -2 + c) and (A = -1, logp = -2 - c') keep both means exact when built symmetric
        for (int t = 0; t < n; t++) {
            double a = t % 2 == 0 ? 1 : -1;
            r.adv[0][t] = a;
            r.logp[0][t] = -2 + cov[t] / a;
            r.old[0][t] = r.logp[0][t] - Math.log(ratio[t]);
            r.beh[0][t] = r.old[0][t];
            r.ref[0][t] = r.logp[0][t];
            r.mask[0][t] = 1;
        }
        assertEquals(0, mean(r.adv[0]), 1e-12, "fixture: mean A");
        assertEquals(-2, mean(r.logp[0]), 1e-12, "fixture: mean logp (sum of cov / A must be 0)");
        return r;
    }

    @Test
    void clipCovMasksCandidatesAndSkipsPpoClippedTokens() {
        // Cov: tokens 0, 1 and 4 lie in (1, 5); token 4 has A = +1 and r = 1.5, so PPO already clips it
        double[] cov = {2, 3, 0.5, -0.5, 4, -4, 6, -6, -10, 10};
        double[] ratio = {1.1, 0.9, 1, 1, 1.5, 1, 1, 1, 1, 1};
        ReferencePolicyLoss r = covCase(cov, ratio);
        // r = 0.2: floor(0.2 * 10) = 2 tokens, exactly the two unclipped candidates
        PolicyLossSpec spec = PolicyLossSpec.builder().mode(PolicyLossMode.CLIP_COV).clipCov(0.2, 1, 5).build();
        SameDiff sd = graph(spec, r, DataType.DOUBLE, 1, 10);
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);
        Map<String, INDArray> out = sd.output(ph, "loss", "diag");
        assertEquals(0.2, LossDiagnostic.COV_SELECTED_FRAC.get(out.get("diag")), 1e-12);
        assertEquals(0.1, LossDiagnostic.CLIP_FRAC.get(out.get("diag")), 1e-12);
        double[] g = sd.calculateGradients(ph, "logp").get("logp").toDoubleVector();
        assertEquals(0, g[0], 0);      // masked
        assertEquals(0, g[1], 0);      // masked
        assertEquals(0, g[4], 0);      // PPO-clipped
        for (int t : new int[]{2, 3, 5, 6, 7, 8, 9}) {
            assertEquals(-r.adv[0][t] * ratio[t] / 10, g[t], 1e-12, "token " + t);
        }
        // value: the masked tokens contribute 0 (verl's * corr)
        double expected = 0;
        for (int t = 0; t < 10; t++) {
            double rc = Math.max(0.8, Math.min(1.2, ratio[t]));
            double tok = Math.max(-r.adv[0][t] * ratio[t], -r.adv[0][t] * rc);
            expected += (t == 0 || t == 1) ? 0 : tok;
        }
        assertEquals(expected / 10, out.get("loss").getDouble(0), 1e-12);

        // verl's max(floor(r N), 1): the default r = 2e-4 still masks one of the two candidates
        PolicyLossSpec dflt = PolicyLossSpec.builder().mode(PolicyLossMode.CLIP_COV).build();
        double[] g1 = graph(dflt, r, DataType.DOUBLE, 1, 10).calculateGradients(ph, "logp").get("logp").toDoubleVector();
        int zeroed = (g1[0] == 0 ? 1 : 0) + (g1[1] == 0 ? 1 : 0);
        assertEquals(1, zeroed);
        assertEquals(0, g1[4], 0);
        assertTrue(g1[2] != 0 && g1[9] != 0);
    }

    @Test
    void clipCovDrawIsKeyedAndUniform() {
        // 12 tokens, 8 candidates with Cov in (1, 5), k = floor(0.25 * 12) = 3
        double[] cov = {2, 3, 2.5, 4, 1.5, 3.5, 2.2, 4.5, 6.8, 0, 0, 0};
        double[] ratio = new double[12];
        java.util.Arrays.fill(ratio, 1.0);
        ReferencePolicyLoss r = covCase(cov, ratio);
        PolicyLossSpec spec = PolicyLossSpec.builder().mode(PolicyLossMode.CLIP_COV).clipCov(0.25, 1, 5).build();
        int[] hits = new int[12];
        int keys = 4000;
        for (long key = 0; key < keys; key++) {
            boolean[] sel = PolicyLossKernel.compute(spec, kernelInputs(r, key)).selected();
            boolean[] again = PolicyLossKernel.compute(spec, kernelInputs(r, key)).selected();
            assertArrayEquals(sel, again, "same key, same draw");
            int count = 0;
            for (int t = 0; t < 12; t++) {
                if (sel[t]) {
                    hits[t]++;
                    count++;
                }
            }
            assertEquals(3, count);
            // the documented algorithm (keyed partial Fisher-Yates) reproduces the draw
            r.key = key;
            boolean[][] expected = r.clipCovSelection(spec, new boolean[1][12]);
            assertArrayEquals(expected[0], sel, "documented draw for key " + key);
        }
        for (int t = 0; t < 12; t++) {
            if (t < 8) {
                // each candidate is drawn with probability 3/8; 4 standard errors = 0.031
                assertEquals(3.0 / 8, hits[t] / (double) keys, 0.031, "candidate " + t);
            } else {
                assertEquals(0, hits[t], "non-candidate " + t);
            }
        }
    }

    @Test
    void klCovPenalisesTheTopCovarianceTokens() {
        double[] cov = {2, 3, 0.5, -0.5, 4, -4, 6, -6, -10, 10};
        double[] ratio = {1.1, 0.9, 1.3, 0.7, 1.5, 1, 1.2, 1, 1, 2};
        ReferencePolicyLoss r = covCase(cov, ratio);
        // k = 0.2: floor(2) = 2 tokens with the largest Cov: token 9 (10) and token 6 (6); beta = 0.5
        PolicyLossSpec spec = PolicyLossSpec.builder().mode(PolicyLossMode.KL_COV).klCov(0.2, 0.5).build();
        SameDiff sd = graph(spec, r, DataType.DOUBLE, 1, 10);
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);
        Map<String, INDArray> out = sd.output(ph, "loss", "diag");
        double expected = 0;
        for (int t = 0; t < 10; t++) {
            double tok = -r.adv[0][t] * ratio[t];             // no clipping in kl_cov
            if (t == 9 || t == 6) {
                tok += 0.5 * Math.abs(Math.log(ratio[t]));
            }
            expected += tok;
        }
        assertEquals(expected / 10, out.get("loss").getDouble(0), 1e-12);
        assertEquals(0.2, LossDiagnostic.COV_SELECTED_FRAC.get(out.get("diag")), 1e-12);
        assertEquals(0, LossDiagnostic.CLIP_FRAC.get(out.get("diag")), 0);
        double[] g = sd.calculateGradients(ph, "logp").get("logp").toDoubleVector();
        for (int t = 0; t < 10; t++) {
            double expectedGrad = -r.adv[0][t] * ratio[t];
            if (t == 9 || t == 6) {
                expectedGrad += 0.5 * Math.signum(Math.log(ratio[t]));
            }
            assertEquals(expectedGrad / 10, g[t], 1e-12, "token " + t);
        }
        // default k = 2e-4: verl's max(1, floor(k N)) penalises the single top token (9)
        PolicyLossSpec dflt = PolicyLossSpec.builder().mode(PolicyLossMode.KL_COV).build();
        PolicyLossKernel.Result res = PolicyLossKernel.compute(dflt, kernelInputs(r, 0));
        boolean[] sel = res.selected();
        for (int t = 0; t < 10; t++) {
            assertEquals(t == 9, sel[t], "token " + t);
        }
    }

    @Test
    void aggregationModesOnAHandMadeBatch() {
        // per-token loss -A with r = 1: rows of lengths 2 and 1 (T = 3), A = {1, 2 | 4}
        ReferencePolicyLoss r = new ReferencePolicyLoss(2, 3);
        double[][] a = {{1, 2, 0}, {4, 0, 0}};
        double[][] m = {{1, 1, 0}, {1, 0, 0}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                r.logp[b][t] = -1;
                r.old[b][t] = -1;
                r.beh[b][t] = -1;
                r.ref[b][t] = -1;
                r.adv[b][t] = a[b][t];
                r.mask[b][t] = m[b][t];
            }
        }
        Map<String, INDArray> ph = placeholders(r, DataType.DOUBLE);
        double[] expected = {-(1 + 2 + 4) / 3.0, -((1 + 2) + 4) / 2.0, -((1 + 2) / 2.0 + 4) / 2.0, -(1 + 2 + 4) / 3.0};
        for (LossAggregation agg : LossAggregation.values()) {
            PolicyLossSpec spec = PolicyLossSpec.builder().aggregation(agg).build();
            assertEquals(expected[agg.ordinal()], lossOf(graph(spec, r, DataType.DOUBLE, 2, 3), ph), 1e-12, agg.verlName());
        }
        // Dr.GRPO with a constant divisor (max response length 10)
        PolicyLossSpec norm = PolicyLossSpec.builder().aggregation(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM)
                .lossScaleFactor(10).build();
        assertEquals(-(1 + 2 + 4) / 10.0, lossOf(graph(norm, r, DataType.DOUBLE, 2, 3), ph), 1e-12);
        // entropy bonus: loss -= coef * agg(entropy)
        for (double[] row : r.ent) {
            java.util.Arrays.fill(row, 2.0);
        }
        r.ent[0][0] = 5;
        PolicyLossSpec ent = PolicyLossSpec.builder().entropyCoeff(0.1).build();
        assertEquals(-(1 + 2 + 4) / 3.0 - 0.1 * (5 + 2 + 2) / 3.0,
                lossOf(graph(ent, r, DataType.DOUBLE, 2, 3), placeholders(r, DataType.DOUBLE)), 1e-12);
    }

    @Test
    void gradientFlowsThroughAPolicyGraph() {
        // logp = log softmax(logits)[action], entropy from the same logits: the trainer's composition
        int rows = 3;
        int cols = 4;
        int vocab = 5;
        SplittableRandom rnd = new SplittableRandom(3);
        double[] logits = new double[rows * cols * vocab];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = rnd.nextGaussian();
        }
        int[] actions = new int[rows * cols];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = rnd.nextInt(vocab);
        }
        ReferencePolicyLoss r = randomBatch(5);
        SameDiff sd = SameDiff.create();
        SDVariable zv = sd.var("logits", Nd4j.createFromArray(logits).reshape(rows * cols, vocab));
        SDVariable onehot = sd.oneHot(sd.constant(Nd4j.createFromArray(actions)), vocab, -1, 1.0, 0.0, DataType.DOUBLE);
        SDVariable logSm = sd.nn().logSoftmax(zv);                               // [B*T, V]
        SDVariable logp = logSm.mul(onehot).sum(1).reshape(rows, cols);           // [B, T]
        SDVariable entropy = sd.math().exp(logSm).mul(logSm).sum(1).neg().reshape(rows, cols);
        SDVariable old = sd.constant(Nd4j.createFromArray(slice(r.old, rows, cols)));
        SDVariable beh = sd.constant(Nd4j.createFromArray(slice(r.beh, rows, cols)));
        SDVariable ref = sd.constant(Nd4j.createFromArray(slice(r.ref, rows, cols)));
        SDVariable adv = sd.constant(Nd4j.createFromArray(slice(r.adv, rows, cols)));
        double[][] mask = {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}};
        SDVariable maskV = sd.constant(Nd4j.createFromArray(mask));
        SDVariable key = sd.constant(Nd4j.scalar(9L));
        PolicyLossSpec spec = PolicyLossSpec.builder().clipRatio(0.2, 0.28).entropyCoeff(0.05)
                .klPenalty(KlEstimator.K3, 0.1).importanceSampling(ImportanceSamplingLevel.TOKEN, 2).build();
        SDVariable policyLoss = new PolicyLossOp(sd, new SDVariable[]{logp, old, beh, ref, entropy, adv, maskV, key},
                spec).outputVariables()[0];
        policyLoss.mul(2.5).add(sd.math().square(zv).sum().mul(1e-3)).rename("loss");   // upstream gradient 2.5
        sd.setLossVariables("loss");
        INDArray g = sd.calculateGradients(Map.of(), "logits").get("logits");
        INDArray x = zv.getArr();
        double h = 1e-6;
        for (int i = 0; i < rows * cols; i++) {
            for (int v = 0; v < vocab; v++) {
                double x0 = x.getDouble(i, v);
                x.putScalar(new long[]{i, v}, x0 + h);
                double up = lossOf(sd, Map.of());
                x.putScalar(new long[]{i, v}, x0 - h);
                double down = lossOf(sd, Map.of());
                x.putScalar(new long[]{i, v}, x0);
                assertEquals((up - down) / (2 * h), g.getDouble(i, v), 1e-7, "d loss / d logits[" + i + ", " + v + "]");
            }
        }
    }

    @Test
    void sameDiffFitStopsPushingOnceTheRatioIsClipped() {
        // a free logits table, old policy = the uniform start: PPO stops moving a token once r leaves [0.8, 1.2]
        int n = 4;
        int vocab = 4;
        SameDiff sd = SameDiff.create();
        SDVariable z = sd.var("z", Nd4j.zeros(DataType.FLOAT, n, vocab));
        SDVariable adv = sd.placeHolder("adv", DataType.FLOAT, -1, 1);
        SDVariable onehot = sd.oneHot(sd.constant(Nd4j.createFromArray(0, 1, 2, 3)), vocab, -1, 1.0, 0.0, DataType.FLOAT);
        SDVariable logp = sd.nn().logSoftmax(z).mul(onehot).sum(1).reshape(n, 1);
        SDVariable old = sd.constant(Nd4j.valueArrayOf(new long[]{n, 1}, (float) Math.log(1.0 / vocab)));
        SDVariable ones = sd.constant(Nd4j.ones(DataType.FLOAT, n, 1));
        SDVariable key = sd.constant(Nd4j.scalar(0L));
        new PolicyLossOp(sd, new SDVariable[]{logp, old, old, old, sd.zerosLike(old), adv, ones, key},
                PolicyLossSpec.builder().dualClip(false, 3).build()).outputVariables()[0].rename("loss");
        sd.setLossVariables("loss");
        sd.setTrainingConfig(org.nd4j.autodiff.samediff.TrainingConfig.builder()
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.5)).dataSetFeatureMapping("adv")
                .markLabelsUnused().build());
        INDArray a = Nd4j.createFromArray(new float[][]{{1}, {1}, {-1}, {-1}});
        for (int i = 0; i < 100; i++) {
            sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{a}, new INDArray[0]));
        }
        INDArray p = sd.nn().softmax(z, 1).eval();
        for (int row = 0; row < n; row++) {
            double ratio = p.getDouble(row, row) * vocab;
            if (row < 2) {
                assertTrue(ratio > 1.2 && ratio < 1.3, "A > 0 pushed just past 1 + eps, ratio " + ratio);
            } else {
                assertTrue(ratio < 0.8 && ratio > 0.7, "A < 0 pushed just past 1 - eps, ratio " + ratio);
            }
        }
    }

    static double[][] slice(double[][] m, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(m[b], 0, out[b], 0, cols);
            for (int t = 0; t < cols; t++) {
                if (Math.abs(out[b][t]) > 100) {
                    out[b][t] = -1;     // padding garbage from randomBatch
                }
            }
        }
        return out;
    }

    @Test
    void survivesSaveAndLoad(@TempDir Path dir) throws Exception {
        ReferencePolicyLoss r = randomBatch(17);
        PolicyLossSpec spec = modeSpec(PolicyLossMode.CLIP_COV).aggregation(LossAggregation.SEQ_MEAN_TOKEN_MEAN).build();
        SameDiff sd = graph(spec, r, DataType.FLOAT);
        Map<String, INDArray> ph = placeholders(r, DataType.FLOAT);
        Map<String, INDArray> before = sd.output(ph, "loss", "diag");
        Map<String, INDArray> gBefore = sd.calculateGradients(ph, "logp", "entropy");
        File f = dir.resolve("loss.fb").toFile();
        sd.save(f, false);
        SameDiff loaded = SameDiff.load(f, false);
        Map<String, INDArray> after = loaded.output(ph, "loss", "diag");
        assertEquals(before.get("loss"), after.get("loss"));
        assertEquals(before.get("diag"), after.get("diag"));
        Map<String, INDArray> gAfter = loaded.calculateGradients(ph, "logp", "entropy");
        assertEquals(gBefore.get("logp"), gAfter.get("logp"));
        assertEquals(gBefore.get("entropy"), gAfter.get("entropy"));
    }

    @Test
    void badInputsFailWithActionableMessages() {
        ReferencePolicyLoss r = clipCase();
        PolicyLossSpec spec = PolicyLossSpec.builder().build();
        r.mask[0][2] = 0.5;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyLossKernel.compute(spec, kernelInputs(r, 0)));
        assertTrue(e.getMessage().contains("mask must be 0 or 1; got 0.5 at [0, 2]"), e.getMessage());
        r.mask[0][2] = 1;
        r.old[0][1] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> PolicyLossKernel.compute(spec, kernelInputs(r, 0)));
        assertTrue(e.getMessage().contains("oldLogp is NaN at [0, 1]"), e.getMessage());
        r.mask[0][1] = 0;  // padding may hold anything
        assertTrue(Double.isFinite(PolicyLossKernel.compute(spec, kernelInputs(r, 0)).loss()));
        e = assertThrows(IllegalArgumentException.class, () -> PolicyLossSpec.builder().dualClip(true, 0.9).build());
        assertTrue(e.getMessage().contains("clip_ratio_c = 0.9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LossAggregation.fromVerlName("token_mean"));
        assertTrue(e.getMessage().contains("token-mean, seq-mean-token-sum"), e.getMessage());
        // an op input of the wrong shape is named
        SameDiff sd = SameDiff.create();
        SDVariable logp = sd.var("logp", Nd4j.zeros(DataType.DOUBLE, 2, 3));
        SDVariable other = sd.constant(Nd4j.zeros(DataType.DOUBLE, 2, 3));
        SDVariable wrong = sd.constant(Nd4j.zeros(DataType.DOUBLE, 3, 2));
        SDVariable key = sd.constant(Nd4j.scalar(0L));
        new PolicyLossOp(sd, new SDVariable[]{logp, other, other, other, other, wrong, other, key}, spec)
                .outputVariables()[0].rename("loss");
        Exception ex = assertThrows(Exception.class, () -> sd.output(Map.of(), "loss"));
        assertTrue(causeMessages(ex).contains("advantages has shape [3, 2] but logp has [2, 3]"), causeMessages(ex));
    }

    @Test
    void specRoundTripsThroughOpArguments() {
        PolicyLossSpec spec = PolicyLossSpec.builder().mode(PolicyLossMode.KL_COV)
                .aggregation(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM).clipRatio(0.1, 0.3).dualClip(false, 5)
                .clipCov(0.01, 0.5, 4).klCov(0.002, 0.7).importanceSampling(ImportanceSamplingLevel.SEQUENCE, 3)
                .klPenalty(KlEstimator.ABS, 0.02).entropyCoeff(-0.01).lossScaleFactor(512).build();
        PolicyLossSpec back = PolicyLossSpec.decode(spec.iArgs(), spec.tArgs());
        assertEquals(spec.toString(), back.toString());
        assertArrayEquals(spec.tArgs(), back.tArgs(), 0);
        assertArrayEquals(spec.iArgs(), back.iArgs());
        assertFalse(back.dualClip());
    }

    // ------------------------------------------------------------------ helpers

    static SameDiff graph(PolicyLossSpec spec, ReferencePolicyLoss r, DataType dt, int rows, int cols) {
        assertEquals(rows, r.rows());
        assertEquals(cols, r.cols());
        return graph(spec, r, dt);
    }

    static PolicyLossKernel.Inputs kernelInputs(ReferencePolicyLoss r, long key) {
        return new PolicyLossKernel.Inputs(r.rows(), r.cols(), flat(r.logp), flat(r.old), flat(r.beh), flat(r.ref),
                flat(r.ent), flat(r.adv), flat(r.mask), key);
    }

    static double[] flat(double[][] m) {
        int cols = m[0].length;
        double[] out = new double[m.length * cols];
        for (int b = 0; b < m.length; b++) {
            System.arraycopy(m[b], 0, out, b * cols, cols);
        }
        return out;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static String causeMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
