package org.ead4j.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.loss.LossOutputs;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.ead4j.samediff.policy.GradientResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient accumulation over micro-batches (verl's {@code ppo_micro_batch_size_per_gpu}): a mini-batch's
 * rows are run through forward and backward a few at a time, so activation memory does not grow with the
 * rollout batch, and the gradients are summed with weights that make the result the mini-batch's gradient.
 *
 * <p>The loss op aggregates over the rows it sees ({@link LossAggregation}); it is linear in the per-token
 * terms, and a micro-batch's aggregate differs from its share of the mini-batch's only by the normaliser. Each
 * micro-batch's loss and gradient are therefore scaled by its normaliser over the mini-batch's: valid tokens for
 * {@code token-mean}, sequences with a valid token for the two {@code seq-mean} modes, 1 for
 * {@code seq-mean-token-sum-norm} (its divisor is a constant or the padded width, the same for every row slice).
 * Token-level terms that depend on the batch as a whole, the Clip-Cov/KL-Cov selection, are taken per
 * micro-batch, as verl does.
 */
final class MicroBatches {

    private MicroBatches() {
    }

    /** One forward/backward pass over rows [from, to) of the mini-batch. */
    interface Pass {
        GradientResult run(int from, int to);
    }

    /** The accumulated result, and the loss diagnostics merged over the micro-batches. */
    record Accumulated(GradientResult result, Map<String, Double> diagnostics) {
    }

    /**
     * The weight of each micro-batch: its aggregation normaliser over the mini-batch's.
     *
     * @param mask the mini-batch's response mask [rows, T]
     * @param aggregation the loss aggregation
     * @param microRows rows per micro-batch (&gt; 0)
     * @return one weight per micro-batch of {@code ceil(rows / microRows)}
     */
    static double[] weights(INDArray mask, LossAggregation aggregation, int microRows) {
        int rows = (int) mask.size(0);
        int cols = (int) mask.size(1);
        float[] m = mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int parts = (rows + microRows - 1) / microRows;
        double[] tokens = new double[parts];
        double[] sequences = new double[parts];
        for (int r = 0; r < rows; r++) {
            int len = 0;
            for (int t = 0; t < cols; t++) {
                if (m[r * cols + t] != 0) {
                    len++;
                }
            }
            tokens[r / microRows] += len;
            sequences[r / microRows] += len > 0 ? 1 : 0;
        }
        double[] share = aggregation == LossAggregation.TOKEN_MEAN ? tokens : sequences;
        double total = 0;
        for (double s : share) {
            total += s;
        }
        double[] w = new double[parts];
        for (int i = 0; i < parts; i++) {
            if (aggregation == LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM) {
                w[i] = 1.0;
            } else {
                w[i] = total == 0 ? 0.0 : share[i] / total;
            }
        }
        return w;
    }

    /**
     * Runs the micro-batches and sums their weighted gradients. Returns early with a non-finite loss when a
     * micro-batch's loss or gradient is not finite, so the caller's non-finite handling applies to the mini-batch.
     *
     * @param mask the mini-batch's response mask [rows, T]
     * @param aggregation the loss aggregation
     * @param microRows rows per micro-batch (&gt; 0)
     * @param pass runs one micro-batch
     * @param diagnosticsName the loss diagnostics output, requested from every pass
     * @return the mini-batch's loss and gradients, and merged diagnostics
     */
    static Accumulated accumulate(INDArray mask, LossAggregation aggregation, int microRows, Pass pass,
                                  String diagnosticsName) {
        int rows = (int) mask.size(0);
        double[] w = weights(mask, aggregation, microRows);
        double[] tokens = weights(mask, LossAggregation.TOKEN_MEAN, microRows);
        Map<String, INDArray> sum = new LinkedHashMap<>();
        Map<String, Double> diag = new LinkedHashMap<>();
        double loss = 0;
        for (int i = 0, from = 0; from < rows; i++, from += microRows) {
            GradientResult g = pass.run(from, Math.min(rows, from + microRows));
            if (!Double.isFinite(g.loss())) {
                return new Accumulated(g, Map.of());
            }
            loss += w[i] * g.loss();
            for (Map.Entry<String, INDArray> e : g.gradients().entrySet()) {
                INDArray acc = sum.get(e.getKey());
                if (acc == null) {
                    // the pass's arrays are reused by the next pass: keep a copy
                    sum.put(e.getKey(), e.getValue().mul(w[i]));
                } else {
                    Nd4j.getBlasWrapper().level1().axpy(acc.length(), w[i], e.getValue(), acc);
                }
                // each pass returns fresh gradient arrays: free them now rather than at a GC that the small Java
                // heap may not need for a long time (at 0.5B parameters a pass's gradients are 2 GB off-heap)
                if (e.getValue().closeable()) {
                    e.getValue().close();
                }
            }
            merge(diag, LossOutputs.diagnosticsMap(g.output(diagnosticsName)), w[i], tokens[i]);
        }
        return new Accumulated(new GradientResult(loss, sum, Map.of()), diag);
    }

    /** Loss terms add with the loss weights, counts add, maxima take the max, means weight by token share. */
    private static void merge(Map<String, Double> into, Map<String, Double> part, double lossWeight, double tokenShare) {
        for (Map.Entry<String, Double> e : part.entrySet()) {
            String k = e.getKey();
            double v = e.getValue();
            if (k.endsWith("_max")) {
                into.merge(k, v, Math::max);
            } else if (k.equals(LossDiagnostic.VALID_TOKENS.key())) {
                into.merge(k, v, Double::sum);
            } else if (k.equals(LossDiagnostic.PG_LOSS.key()) || k.equals(LossDiagnostic.KL_LOSS.key())
                    || k.equals(LossDiagnostic.ENTROPY_LOSS.key())) {
                into.merge(k, lossWeight * v, Double::sum);
            } else {
                into.merge(k, tokenShare * v, Double::sum);
            }
        }
    }
}
