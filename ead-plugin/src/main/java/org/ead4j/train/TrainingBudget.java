package org.ead4j.train;

import org.ead4j.run.MemoryBudget;
import org.ead4j.samediff.policy.PolicyConfig;

/**
 * Checks an experiment's sizes against what this JVM can hold before a run allocates anything
 * ({@link MemoryBudget}): the policy with its gradients and optimizer state, one step's rollouts, the
 * decoder's key/value caches, one mini-batch's forward and backward pass and one evaluation's samples.
 */
final class TrainingBudget {

    /** Heap bytes per sampled token (token id, tau and two log-probabilities, with working copies) and per response. */
    static final double BYTES_PER_TOKEN = 32;
    static final double BYTES_PER_RESPONSE = 256;

    private TrainingBudget() {
    }

    static void check(RlvrTrainer cfg) {
        PolicyConfig p = cfg.policy();
        String shape = "policy " + MemoryBudget.describe(p);
        boolean reference = PolicyUpdater.needsReference(cfg.loss);
        MemoryBudget.require(shape, String.format("%.3g parameters", MemoryBudget.parameters(p)),
                "weights, gradients and optimizer state", MemoryBudget.trainBytes(p, 0, 0, reference), true);
        double rows = (double) cfg.promptsPerStep * cfg.samplesPerPrompt * cfg.dynamicSampling.batchesPerStep();
        MemoryBudget.require("promptsPerStep x samplesPerPrompt", cfg.promptsPerStep + " x " + cfg.samplesPerPrompt,
                "one step's rollouts of up to " + cfg.maxResponseTokens + " tokens",
                rows * (cfg.maxResponseTokens * BYTES_PER_TOKEN + BYTES_PER_RESPONSE), false);
        double decodeRows = Math.min(rows, cfg.rolloutBatchRows);
        MemoryBudget.require("rolloutBatchRows", (long) decodeRows + " rows with " + shape,
                "key/value caches", MemoryBudget.decodeBytes(p, decodeRows, p.maxSeqLen()), true);
        double miniRows = Math.ceil(rows / cfg.miniBatches);
        MemoryBudget.require("a mini-batch", (long) miniRows + " sequences through " + shape,
                "forward and backward", MemoryBudget.trainBytes(p, miniRows, p.maxSeqLen(), reference), true);
        if (cfg.evaluation != null) {
            double evalRows = (double) cfg.evaluation.samples() * Math.max(1, cfg.evaluation.maxPrompts());
            MemoryBudget.require("evaluation.samples", cfg.evaluation.samples() + " per prompt",
                    "the evaluation's responses", evalRows * (cfg.maxResponseTokens * BYTES_PER_TOKEN
                            + BYTES_PER_RESPONSE), false);
        }
    }
}
