package org.ead4j.train;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.loss.LossInputs;
import org.ead4j.rollout.TrainingBatch;
import org.ead4j.loss.LossOutputs;
import org.ead4j.loss.PolicyLoss;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The learner side of one RL step: attaches the configured policy loss to the policy graph,
 * recomputes old (and reference) log-probs, and runs the PPO epochs over mini-batches.
 *
 * <p>Log-probs come from the graph's {@code temperedLogProbs} output with {@code invTau} from the
 * batch, so the actor temperature ({@link ActorTemperature}) is a property of the batch layout.
 * With a non-zero entropy coefficient the entropy bonus is taken at that same temperature, as verl
 * does (its actor divides the logits by the temperature before both); with coefficient 0 the
 * entropy is a diagnostic only and is reported at tau = 1, which saves a second softmax over the
 * vocabulary.
 */
final class PolicyUpdater {

    static final String OLD_LOG_PROBS = "oldLogProbs";
    static final String BEHAVIOUR_LOG_PROBS = "behaviourLogProbs";
    static final String REFERENCE_LOG_PROBS = "referenceLogProbs";
    static final String ADVANTAGES = "advantages";
    static final String RESPONSE_MASK = "responseMask";
    static final String SELECTION_KEY = "selectionKey";

    /** Rows per forward pass when recomputing log-probs (bounds memory for large batches). */
    private static final int FORWARD_CHUNK = 256;

    private final PolicyTransformer policy;
    private final PolicyTransformer reference;
    private final String diagnosticsName;
    private final LossAggregation aggregation;

    /** The outcome of one update: mean loss diagnostics, gradient norm, skipped mini-batches. */
    record Stats(Map<String, Double> diagnostics, double gradNorm, double loss, int updates, int nonFinite,
                 String nonFiniteTensor) {
    }

    /**
     * Attaches the loss to the policy's graph.
     *
     * @param policy the trained policy (no loss set yet)
     * @param loss the configured loss
     * @param reference frozen reference policy for a KL term, or null
     * @param maxResponseTokens the configured maximum response length (Dr.GRPO's divisor by default)
     */
    PolicyUpdater(PolicyTransformer policy, PolicyLoss loss, PolicyTransformer reference, int maxResponseTokens) {
        this.policy = policy;
        this.reference = reference;
        this.aggregation = loss.spec().aggregation();
        SameDiff sd = policy.graph();
        DataType ft = policy.floatType();
        SDVariable old = sd.placeHolder(OLD_LOG_PROBS, ft, -1, -1);
        SDVariable behaviour = sd.placeHolder(BEHAVIOUR_LOG_PROBS, ft, -1, -1);
        SDVariable adv = sd.placeHolder(ADVANTAGES, ft, -1, -1);
        SDVariable mask = sd.placeHolder(RESPONSE_MASK, ft, -1, -1);
        SDVariable key = sd.placeHolder(SELECTION_KEY, DataType.INT64);
        LossInputs.Builder in = LossInputs.builder(policy.temperedLogProbs(), old, adv, mask)
                .behaviourLogProbs(behaviour)
                .entropy(loss.spec().entropyCoeff() != 0 ? temperedEntropy(policy) : policy.entropy())
                .selectionKey(key)
                .maxResponseLength(maxResponseTokens);
        if (reference != null) {
            in.referenceLogProbs(sd.placeHolder(REFERENCE_LOG_PROBS, ft, -1, -1));
        }
        LossOutputs out = loss.build(sd, in.build());
        policy.setLoss(out.loss());
        diagnosticsName = out.diagnostics().name();
    }

    /** [B, T] entropy of softmax(z * invTau): the actor's distribution at the batch's actor temperature. */
    static SDVariable temperedEntropy(PolicyTransformer policy) {
        SameDiff sd = policy.graph();
        SDVariable invTau = sd.getVariable(PolicyTransformer.INV_TAU);                   // [B, T]
        SDVariable z = policy.logits().reshape(-1, policy.config().vocabSize());        // [N, V]
        // logSoftmax without a dimension: the dim variant cannot be differentiated in M2.1
        SDVariable lsm = sd.nn().logSoftmax(z.mul(invTau.reshape(-1, 1)));             // [N, V]
        SDVariable plogp = sd.math().exp(lsm).mul(lsm).sum(1);                           // [N]
        return sd.reshape(plogp.neg(), sd.shape(invTau));                                // [B, T]
    }

    /** Whether a loss needs a reference policy (a KL term with a positive coefficient). */
    static boolean needsReference(PolicyLoss loss) {
        return loss.spec().klCoef() > 0;
    }

    /**
     * log pi(target) at the batch's actor temperature, in row chunks.
     *
     * @param p the policy to evaluate
     * @param batch the batch
     * @return FLOAT/DOUBLE [B, T]
     */
    static INDArray logProbs(PolicyTransformer p, TrainingBatch batch) {
        return logProbs(p, batch, FORWARD_CHUNK);
    }

    /**
     * log pi(target) at the batch's actor temperature, {@code rowsPerPass} rows per forward pass.
     *
     * @param p the policy to evaluate
     * @param batch the batch
     * @param rowsPerPass rows per forward pass (&gt; 0)
     * @return FLOAT/DOUBLE [B, T]
     */
    static INDArray logProbs(PolicyTransformer p, TrainingBatch batch, int rowsPerPass) {
        INDArray out = Nd4j.create(p.floatType(), batch.rows(), batch.width());
        for (int from = 0; from < batch.rows(); from += rowsPerPass) {
            int to = Math.min(batch.rows(), from + rowsPerPass);
            TrainingBatch part = batch.slice(from, to);
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(PolicyTransformer.TOKENS, part.tokens());
            ph.put(PolicyTransformer.TARGETS, part.targets());
            ph.put(PolicyTransformer.INV_TAU, part.invTau().castTo(p.floatType()));
            INDArray lp = p.forward(ph, PolicyTransformer.TEMPERED_LOG_PROBS).get(PolicyTransformer.TEMPERED_LOG_PROBS);
            out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(lp);
        }
        return out;
    }

    /**
     * Runs {@code epochs} passes over {@code miniBatches} contiguous mini-batches.
     *
     * @param batch the step's batch
     * @param optimizer the optimiser (updates the policy's parameters in place)
     * @param lr learning rate for this step
     * @param epochs PPO epochs
     * @param miniBatches mini-batches per epoch
     * @param selectionKey the Clip-Cov selection key of the i-th mini-batch update of this step
     * @param skipNonFinite true: skip a non-finite mini-batch and go on; false: stop at once
     * @return the step's statistics
     */
    Stats update(TrainingBatch batch, AdamW optimizer, double lr, int epochs, int miniBatches,
                 java.util.function.LongUnaryOperator selectionKey, boolean skipNonFinite) {
        return update(batch, optimizer, lr, epochs, miniBatches, 0, selectionKey, skipNonFinite);
    }

    /**
     * As {@link #update(TrainingBatch, AdamW, double, int, int, java.util.function.LongUnaryOperator, boolean)},
     * with each mini-batch's gradient accumulated over micro-batches of at most {@code microBatchRows} rows
     * ({@link MicroBatches}; 0 = the whole mini-batch in one pass).
     *
     * @param microBatchRows rows per forward/backward pass, 0 for the whole mini-batch
     */
    Stats update(TrainingBatch batch, AdamW optimizer, double lr, int epochs, int miniBatches, int microBatchRows,
                 java.util.function.LongUnaryOperator selectionKey, boolean skipNonFinite) {
        DataType ft = policy.floatType();
        // the old/reference log-prob passes keep to the micro-batch size too: at long responses their activations
        // (attention is [rows, H, T, T]) dominate a step's memory just as the training passes' do
        int rowsPerPass = microBatchRows > 0 ? Math.min(FORWARD_CHUNK, microBatchRows) : FORWARD_CHUNK;
        INDArray oldAll = logProbs(policy, batch, rowsPerPass);
        INDArray refAll = reference != null ? logProbs(reference, batch, rowsPerPass) : null;
        int rows = batch.rows();
        int mb = Math.max(1, Math.min(miniBatches, rows));
        Map<String, Double> sums = new LinkedHashMap<>();
        double gradNormSum = 0;
        double lossSum = 0;
        int updates = 0;
        int nonFinite = 0;
        String nonFiniteTensor = null;
        int index = 0;
        // STOP promises the step is not applied: with several updates per step, the ones before a
        // non-finite mini-batch are rolled back from this copy (SKIP keeps them, by definition)
        Snapshot before = !skipNonFinite && epochs * mb > 1 ? Snapshot.of(policy, optimizer) : null;
        for (int e = 0; e < epochs; e++) {
            for (int m = 0; m < mb; m++, index++) {
                int from = (int) ((long) rows * m / mb);
                int to = (int) ((long) rows * (m + 1) / mb);
                long key = selectionKey.applyAsLong(index);
                MicroBatches.Accumulated acc = miniBatchGradients(batch, from, to, oldAll, refAll, key, microBatchRows);
                GradientResult g = acc.result();
                Map<String, Double> d = acc.diagnostics();   // null: read once the result is known to be finite
                String bad = firstNonFinite(g);
                if (bad != null) {
                    nonFinite++;
                    nonFiniteTensor = nonFiniteTensor == null ? bad : nonFiniteTensor;
                    if (!skipNonFinite) {
                        if (before != null) {
                            if (updates > 0) {
                                before.restore(policy, optimizer);
                                updates = 0;
                            }
                            before.release();
                        }
                        return new Stats(average(sums, updates), updates == 0 ? Double.NaN : gradNormSum / updates,
                                Double.NaN, updates, nonFinite, nonFiniteTensor);
                    }
                    continue;
                }
                if (d == null) {
                    d = LossOutputs.diagnosticsMap(g.output(diagnosticsName));
                }
                gradNormSum += optimizer.step(policy.parameters(), g.gradients(), lr);
                lossSum += g.loss();
                updates++;
                for (Map.Entry<String, Double> en : d.entrySet()) {
                    if (en.getKey().endsWith("_max")) {
                        sums.merge(en.getKey(), en.getValue(), Math::max);
                    } else {
                        sums.merge(en.getKey(), en.getValue(), Double::sum);
                    }
                }
            }
        }
        if (before != null) {
            before.release();
        }
        return new Stats(average(sums, updates), updates == 0 ? Double.NaN : gradNormSum / updates,
                updates == 0 ? Double.NaN : lossSum / updates, updates, nonFinite, nonFiniteTensor);
    }

    /**
     * The loss and gradient of the mini-batch of rows [from, to): one pass, or summed over micro-batches of at most
     * {@code microBatchRows} rows with the mini-batch's aggregation normaliser ({@link MicroBatches}).
     *
     * @return the result; its diagnostics are null for a single pass (read them from the result's output)
     */
    MicroBatches.Accumulated miniBatchGradients(TrainingBatch batch, int from, int to, INDArray oldAll, INDArray refAll,
                                                long key, int microBatchRows) {
        if (microBatchRows <= 0 || microBatchRows >= to - from) {
            return new MicroBatches.Accumulated(
                    policy.gradients(placeholders(batch, from, to, oldAll, refAll, key), diagnosticsName), null);
        }
        return MicroBatches.accumulate(batch.slice(from, to).mask(), aggregation, microBatchRows,
                (a, b) -> policy.gradients(placeholders(batch, from + a, from + b, oldAll, refAll, key), diagnosticsName),
                diagnosticsName);
    }

    /** The graph's inputs for rows [from, to) of the step's batch. */
    private Map<String, INDArray> placeholders(TrainingBatch batch, int from, int to, INDArray oldAll, INDArray refAll,
                                               long key) {
        DataType ft = policy.floatType();
        TrainingBatch part = batch.slice(from, to);
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, part.tokens());
        ph.put(PolicyTransformer.TARGETS, part.targets());
        ph.put(PolicyTransformer.INV_TAU, part.invTau().castTo(ft));
        ph.put(OLD_LOG_PROBS, oldAll.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup());
        ph.put(BEHAVIOUR_LOG_PROBS, part.behaviourLogProbs().castTo(ft));
        ph.put(ADVANTAGES, part.advantages().castTo(ft));
        ph.put(RESPONSE_MASK, part.mask().castTo(ft));
        ph.put(SELECTION_KEY, Nd4j.scalar(key));
        if (refAll != null) {
            ph.put(REFERENCE_LOG_PROBS, refAll.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup());
        }
        return ph;
    }

    /** The name of the first non-finite tensor among loss, diagnostics and gradients, or null. */
    private String firstNonFinite(GradientResult g) {
        if (!Double.isFinite(g.loss())) {
            return "loss";
        }
        for (Map.Entry<String, INDArray> e : g.gradients().entrySet()) {
            if (!Double.isFinite(e.getValue().norm2Number().doubleValue())) {
                return "grad/" + e.getKey();
            }
        }
        return null;
    }

    /** Parameters and optimiser state before a step, to roll a stopped step back. */
    private record Snapshot(Map<String, INDArray> params, long steps, Map<String, float[]> m, Map<String, float[]> v) {

        static Snapshot of(PolicyTransformer policy, AdamW optimizer) {
            Map<String, INDArray> p = new LinkedHashMap<>();
            policy.parameters().forEach((k, a) -> p.put(k, a.dup()));
            return new Snapshot(p, optimizer.stepCount(), copy(optimizer.firstMoments()), copy(optimizer.secondMoments()));
        }

        private static Map<String, float[]> copy(Map<String, float[]> live) {
            Map<String, float[]> out = new LinkedHashMap<>();
            live.forEach((k, a) -> out.put(k, a.clone()));
            return out;
        }

        void restore(PolicyTransformer policy, AdamW optimizer) {
            policy.parameters().forEach((k, a) -> a.assign(params.get(k)));
            optimizer.restoreState(steps, m, v);
        }

        /** Frees the copies now rather than at the next GC (off-heap memory). */
        void release() {
            params.values().forEach(INDArray::close);
        }
    }

    private static Map<String, Double> average(Map<String, Double> sums, int n) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            out.put(e.getKey(), e.getKey().endsWith("_max") || n == 0 ? e.getValue() : e.getValue() / n);
        }
        return out;
    }

}
