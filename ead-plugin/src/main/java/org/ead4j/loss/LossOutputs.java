package org.ead4j.loss;

import java.util.Map;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link PolicyLoss#build} adds to the graph.
 *
 * @param loss the scalar loss to minimise (rank 0)
 * @param diagnostics the diagnostics vector, {@code [LossDiagnostic.COUNT]}, laid out as {@link LossDiagnostic}
 */
public record LossOutputs(SDVariable loss, SDVariable diagnostics) {

    /**
     * Names the entries of an evaluated diagnostics vector, e.g. for the step log.
     *
     * @param diagnosticsValue the evaluated {@link #diagnostics()} variable
     * @return metric key (e.g. {@code loss/pg_clipfrac}) to value, in vector order
     */
    public static Map<String, Double> diagnosticsMap(INDArray diagnosticsValue) {
        return LossDiagnostic.toMap(diagnosticsValue);
    }
}
