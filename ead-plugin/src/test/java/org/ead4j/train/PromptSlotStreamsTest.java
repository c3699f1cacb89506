package org.ead4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.rollout.Rollout;
import org.ead4j.rollout.RolloutEngine;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.junit.jupiter.api.Test;

/** The sampler's random streams are keyed by a prompt's slot in the step, not by the prompt. */
class PromptSlotStreamsTest {

    private static List<int[]> responses(List<Rollout> group) {
        List<int[]> out = new ArrayList<>();
        for (Rollout r : group) {
            out.add(r.response());
        }
        return out;
    }

    private static boolean same(List<Rollout> a, List<Rollout> b) {
        List<int[]> x = responses(a);
        List<int[]> y = responses(b);
        for (int i = 0; i < x.size(); i++) {
            if (!java.util.Arrays.equals(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void twoGroupsOfOnePromptInOneStepDrawDifferentSamples() {
        // one training prompt, two per step: every step holds that prompt twice (an epoch boundary each step)
        PromptOrder order = new PromptOrder(5, 1, 2, 2);
        long step = 3;
        int[] idx = order.prompts(step, 0);
        assertArrayEquals(new int[]{0, 0}, idx);
        assertArrayEquals(new int[]{0, 1}, order.slots(0));
        assertArrayEquals(new int[]{2, 3}, order.slots(1), "a refill batch gets slots of its own");

        PolicyTransformer policy = new PolicyTransformer(TrainingFixtures.policy(16));
        RolloutEngine engine = new RolloutEngine(new KvCacheDecoder(policy), new SamplerConfig(), 12,
                new int[]{25}, 64);
        int[] prompt = {1, 4, 7, 3};
        int[][] prompts = {prompt, prompt};
        ConstantTemperature tau = new ConstantTemperature(1.0);
        List<List<Rollout>> bySlot = engine.generate(prompts, idx, order.slots(0), 4, tau, step, 11);
        assertEquals(0, bySlot.get(0).get(0).promptIndex());
        assertEquals(0, bySlot.get(1).get(0).promptIndex());
        assertFalse(same(bySlot.get(0), bySlot.get(1)), "the two groups of prompt 0 differ");
        // keyed by the prompt (the old behaviour) the two groups were copies of each other
        List<List<Rollout>> byPrompt = engine.generate(prompts, idx, 4, tau, step, 11);
        assertTrue(same(byPrompt.get(0), byPrompt.get(1)));
        // and the slot keys stay a pure function of (seed, step, slot, sample)
        assertTrue(same(bySlot.get(1), engine.generate(prompts, idx, order.slots(0), 4, tau, step, 11).get(1)));
    }
}
