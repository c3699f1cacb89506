package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ead4j.rollout.ActorTemperature;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.samediff.decode.FinishReason;
import org.junit.jupiter.api.Test;

/** Unit tests of the trainer's pure parts: prompt order, batch layout, DAPO's shaping and filtering. */
class TrainingPartsTest {

    @Test
    void promptOrderCoversEachEpochOnceAndIsAFunctionOfSeedAndStep() {
        PromptOrder o = new PromptOrder(42, 10, 5, 1);
        Set<Integer> epoch = new HashSet<>();
        for (int i : o.prompts(1, 0)) {
            epoch.add(i);
        }
        for (int i : o.prompts(2, 0)) {
            epoch.add(i);
        }
        assertEquals(10, epoch.size(), "steps 1 and 2 together are one permutation of the 10 prompts");
        assertArrayEquals(o.prompts(7, 0), new PromptOrder(42, 10, 5, 1).prompts(7, 0));
        assertFalse(Arrays.equals(o.prompts(3, 0), new PromptOrder(43, 10, 5, 1).prompts(3, 0)));
        // with refills reserved, a step's batches never overlap the next step's
        PromptOrder d = new PromptOrder(1, 100, 4, 3);
        Set<Integer> s1 = new HashSet<>();
        for (int b = 0; b < 3; b++) {
            for (int i : d.prompts(1, b)) {
                s1.add(i);
            }
        }
        for (int i : d.prompts(2, 0)) {
            assertFalse(s1.contains(i));
        }
        assertThrows(IllegalArgumentException.class, () -> d.prompts(1, 3));
    }

    @Test
    void batchLayoutPutsResponseTokensAfterThePrompt() {
        Rollout a = new Rollout(0, 0, new int[]{1, 5, 6}, new int[]{7, 2}, new float[]{1.2f, 0.5f},
                new float[]{-0.1f, -0.2f}, new float[]{-0.3f, -0.4f}, FinishReason.STOP);
        Rollout b = new Rollout(1, 0, new int[]{1, 9}, new int[]{3, 4, 2}, new float[]{1f, 1f, 0.1f},
                new float[]{-1f, -2f, -3f}, new float[]{-1f, -2f, -3f}, FinishReason.STOP);
        TrainingBatch t = TrainingBatch.of(List.of(a, b), new double[]{0.5, -1.5}, 0, ActorTemperature.SAMPLING, Double.NaN);
        assertEquals(4, t.width()); // max(3 + 2, 2 + 3) - 1
        assertArrayEquals(new int[]{1, 5, 6, 7, 1, 9, 3, 4}, t.tokens().reshape(8).toIntVector());
        assertArrayEquals(new int[]{0, 0, 7, 2, 0, 3, 4, 2}, t.targets().reshape(8).toIntVector());
        assertArrayEquals(new float[]{0, 0, 1, 1, 0, 1, 1, 1}, t.mask().reshape(8).toFloatVector());
        assertArrayEquals(new float[]{0, 0, 0.5f, 0.5f, 0, -1.5f, -1.5f, -1.5f}, t.advantages().reshape(8).toFloatVector());
        assertArrayEquals(new float[]{1, 1, 1 / 1.2f, 2f, 1, 1, 1, 10f}, t.invTau().reshape(8).toFloatVector(), 1e-6f);
        assertArrayEquals(new float[]{0, 0, -0.1f, -0.2f, 0, -1, -2, -3}, t.behaviourLogProbs().reshape(8).toFloatVector());
        assertEquals(5, t.responseTokens());
        TrainingBatch verl = TrainingBatch.of(List.of(a), new double[]{1}, 0, ActorTemperature.VERL, 0.6);
        assertEquals(1 / 0.6f, verl.invTau().getFloat(0, 2), 1e-6f);
        TrainingBatch one = TrainingBatch.of(List.of(a), new double[]{1}, 0, ActorTemperature.VERL, Double.NaN);
        assertEquals(1f, one.invTau().getFloat(0, 2), 0f);
    }

    @Test
    void decoderOptionsAreRecordedInTheTrainersProvenance() {
        String p = TrainingFixtures.tiny(1).getProvenance().toString();
        assertTrue(p.contains("decoderOptions") && p.contains("gemmMinRows") && p.contains("gemmMinWeights"), p);
    }

    @Test
    void overlongPenaltyFollowsDapo() {
        OverlongPenalty p = new OverlongPenalty(true, 4, 1.0);
        assertEquals(0.0, p.penalty(12, 16), 0);   // within max - buffer
        assertEquals(-0.25, p.penalty(13, 16), 1e-12);
        assertEquals(-1.0, p.penalty(16, 16), 1e-12);
        assertEquals(0.0, new OverlongPenalty().penalty(16, 16), 0); // off by default (EAD paper)
        assertThrows(PropertyException.class, () -> new OverlongPenalty(true, 0, 1.0));
    }

    @Test
    void dynamicSamplingDropsUninformativeGroups() {
        assertFalse(DynamicSampling.informative(new double[]{1, 1, 1}));
        assertFalse(DynamicSampling.informative(new double[]{0.5}));
        assertTrue(DynamicSampling.informative(new double[]{0, 0, 1}));
        assertEquals(1, new DynamicSampling().batchesPerStep());
        assertEquals(4, new DynamicSampling(true, 4).batchesPerStep());
        assertNotEquals(0, new DynamicSampling(true, 4).getProvenance().getConfiguredParameters().size());
    }
}
