package org.ead4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMetricsTest {

    private static PromptSamples binary(String id, String source, int n, int c) {
        boolean[] correct = new boolean[n];
        for (int i = 0; i < c; i++) {
            correct[i] = true;
        }
        return PromptSamples.binary(id, source, correct);
    }

    @Test
    void averagesPerPromptOverallAndPerSourceWithStableKeys() {
        List<PromptSamples> prompts = List.of(binary("a", "math", 16, 3), binary("b", "math", 16, 0),
                binary("c", "countdown", 16, 16));
        MetricsReport r = new RolloutMetrics(List.of(1, 4, 16)).compute(prompts);
        assertEquals(3.0, r.get("prompts"));
        assertEquals(48.0, r.get("responses"));
        assertEquals((0.607143 + 0 + 1) / 3, r.get("pass@4"), 1e-6);
        assertEquals((0.0 + 0 + 1) / 3, r.get("pass^4"), 1e-12);
        assertEquals(r.get("pass@4"), r.get("best@4"), 1e-12);
        assertEquals(r.get("pass^4"), r.get("worst@4"), 1e-12);
        assertEquals((3.0 / 16 + 0 + 1) / 3, r.get("mean@16"), 1e-12);
        assertEquals(r.get("mean"), r.get("mean@1"), 1e-12);
        assertEquals(0.607143 / 2, r.get("source/math/pass@4"), 1e-6);
        assertEquals(1.0, r.get("source/countdown/pass@16"));
        assertEquals(2.0, r.get("source/math/prompts"));
        assertEquals(List.of("countdown", "math"), r.sources());
        assertFalse(r.has("maj@4"), "no answers recorded: no maj@k");
        assertTrue(r.has("best@16/bootstrap") && r.has("worst@16/bootstrap_std"));
        List<String> keys = new ArrayList<>(r.asMap().keySet());
        assertEquals(List.of("prompts", "responses", "mean", "std", "pass@1", "pass^1", "best@1", "worst@1", "mean@1",
                "best@1/bootstrap", "best@1/bootstrap_std", "worst@1/bootstrap", "worst@1/bootstrap_std", "pass@4"),
                keys.subList(0, 14));
        assertTrue(keys.indexOf("source/countdown/pass@1") < keys.indexOf("source/math/pass@1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get("pass@3"));
        assertTrue(e.getMessage().contains("no metric 'pass@3'"), e.getMessage());
    }

    @Test
    void bootstrapAveragedOverPromptsConvergesToTheGoldenExpectation() {
        // 100 prompts of n=16, c=3, each with its own stream: the mean of 100 x 1000 draws has
        // std <= 0.5 / sqrt(100000) = 0.0016, so 0.008 is 5 sigma
        List<PromptSamples> prompts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            prompts.add(binary("p" + i, "s", 16, 3));
        }
        MetricsReport r = new RolloutMetrics(List.of(2, 4, 8, 16)).compute(prompts);
        assertEquals(0.339844, r.get("best@2/bootstrap"), 0.008);
        assertEquals(0.564194, r.get("best@4/bootstrap"), 0.008);
        assertEquals(0.810073, r.get("best@8/bootstrap"), 0.008);
        assertEquals(0.963928, r.get("best@16/bootstrap"), 0.008);
        assertEquals(0.035156, r.get("worst@2/bootstrap"), 0.008);
        assertEquals(1.0, r.get("pass@16"));
        assertEquals(0.9, r.get("pass@8"), 1e-12);
    }

    @Test
    void resultsDoNotDependOnPromptOrder() {
        List<PromptSamples> prompts = new ArrayList<>();
        String[] answers = {"7", "3", "7", null, "3", "7"};
        for (int i = 0; i < 12; i++) {
            prompts.add(new PromptSamples("q" + i, i % 2 == 0 ? "x" : "y",
                    new double[]{1, 0, 1, 0, 0.5, 1}, new boolean[]{true, false, true, false, false, true}, answers));
        }
        RolloutMetrics m = new RolloutMetrics(List.of(1, 2, 6));
        MetricsReport forward = m.compute(prompts);
        List<PromptSamples> shuffled = new ArrayList<>(prompts);
        Collections.shuffle(shuffled, new java.util.Random(5));
        MetricsReport back = m.compute(shuffled);
        assertEquals(forward.asMap(), back.asMap());
        assertEquals(1.0, forward.get("maj@6"), "7 has three votes");
        assertTrue(forward.has("maj@2/bootstrap"));
    }

    @Test
    void smallGroupsFailOrAreSkipped() {
        List<PromptSamples> prompts = List.of(binary("big", "s", 8, 2), binary("small", "s", 2, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RolloutMetrics(List.of(1, 4)).compute(prompts));
        assertTrue(e.getMessage().contains("prompt 'small' has 2 samples, fewer than k = 4"), e.getMessage());
        MetricsReport r = new RolloutMetrics(List.of(1, 4, 16), 1000, 42, true).compute(prompts);
        assertEquals(2.0, r.get("prompts@1"));
        assertEquals(1.0, r.get("prompts@4"));
        assertEquals(0.0, r.get("prompts@16"));
        assertEquals(PassAtK.passAtK(8, 2, 4), r.get("pass@4"), 1e-12);
        assertEquals((0.25 + 0.5) / 2, r.get("pass@1"), 1e-12);
        assertFalse(r.has("pass@16"));
    }

    @Test
    void duplicateIdsAndBadKsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new RolloutMetrics(List.of(1)).compute(List.of(binary("a", "s", 2, 1), binary("a", "s", 2, 1))));
        assertThrows(PropertyException.class, () -> new RolloutMetrics(List.of(4, 2)));
        assertThrows(PropertyException.class, () -> new RolloutMetrics(List.of(0, 2)));
    }

    @Test
    void trainingDiagnostics() {
        GroupRewardStats s = GroupRewardStats.of(new double[][]{{1, 1, 1}, {0, 1, 0}, {0, 0, 0}, {0.5, 0.5, 0.5}});
        assertEquals(0.75, s.fracZeroStd());
        assertEquals(5.5 / 12, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.0 / 9) / 4, s.groupStdMean(), 1e-12);
        assertEquals(0.75, s.toMap().get(MetricKeys.REWARD_FRAC_ZERO_STD));

        // binary rewards with p = 0.18 and G = 2: p^G + (1-p)^G = 0.7048 of groups teach nothing
        java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
        double[][] groups = new double[20_000][2];
        for (double[] g : groups) {
            g[0] = rng.nextDouble() < 0.18 ? 1 : 0;
            g[1] = rng.nextDouble() < 0.18 ? 1 : 0;
        }
        assertEquals(0.7048, GroupRewardStats.of(groups).fracZeroStd(), 0.02); // std of the estimate 0.0032

        ResponseLengthStats l = ResponseLengthStats.of(new int[]{3, 64, 10, 64}, new boolean[]{false, true, false, true});
        assertEquals(35.25, l.mean());
        assertEquals(64, l.max());
        assertEquals(3, l.min());
        assertEquals(0.5, l.clipRatio());
        assertEquals(0.5, l.toMap().get(MetricKeys.LENGTH_CLIP_RATIO));
    }
}
