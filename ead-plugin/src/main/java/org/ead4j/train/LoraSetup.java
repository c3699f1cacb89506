package org.ead4j.train;

import java.nio.file.Path;
import java.util.Objects;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.LoraMerge;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;

/**
 * How a run's {@link RlvrTrainer#lora} setting shapes its policies: the initial weights (fresh, warm-started or from
 * an initial checkpoint) become the frozen base of a LoRA policy, the KL reference is the starting point's merged
 * weights sharing the unchanged base arrays (no second copy of them), and a resumed checkpoint must carry the same
 * adapters.
 */
final class LoraSetup {

    private LoraSetup() {
    }

    /**
     * @param config the policy configuration
     * @param lora the run's adapters, or null
     * @param start the initial policy (plain, or with adapters when loaded from a LoRA checkpoint)
     * @return {@code start} for full fine-tuning or a policy that already has these adapters, else a LoRA policy on
     *         {@code start}'s weights (arrays shared, adapters drawn from {@code lora.initSeed()}, B = 0)
     * @throws IllegalArgumentException when {@code start} has other adapters than {@code lora}
     */
    static PolicyTransformer withAdapters(PolicyConfig config, LoraConfig lora, PolicyTransformer start) {
        if (start.lora() != null || lora == null) {
            if (!Objects.equals(start.lora(), lora)) {
                throw new IllegalArgumentException("lora = " + lora + " but the initial checkpoint holds "
                        + (start.lora() == null ? "a full model" : start.lora()));
            }
            return start;
        }
        return PolicyTransformer.withWeights(config, lora, start.allParameters());
    }

    /**
     * @param config the policy configuration
     * @param policy the initial policy
     * @return for a LoRA policy, a plain policy on its merged weights (the base arrays shared); null otherwise
     */
    static PolicyTransformer reference(PolicyConfig config, PolicyTransformer policy) {
        return policy.lora() == null ? null : PolicyTransformer.withWeights(config, LoraMerge.merged(policy));
    }

    /**
     * @param lora the run's adapters, or null
     * @param resumed the policy loaded from a checkpoint
     * @param dir the checkpoint
     * @throws IllegalArgumentException when the checkpoint's adapters differ from the run's
     */
    static void checkResumed(LoraConfig lora, PolicyTransformer resumed, Path dir) {
        if (!Objects.equals(lora, resumed.lora())) {
            throw new IllegalArgumentException("checkpoint " + dir + " holds " + (resumed.lora() == null ? "a full model"
                    : resumed.lora()) + " but the run's lora = " + lora);
        }
    }
}
