package org.ead4j.samediff.policy;

import java.util.Collections;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of one backward pass: the loss, the gradient of every parameter and any extra outputs.
 * Arrays may be reused by the next call on the same graph; consume or copy them before calling again.
 */
public final class GradientResult {

    private final double loss;
    private final Map<String, INDArray> gradients;
    private final Map<String, INDArray> outputs;

    /**
     * Creates a result.
     *
     * @param loss the scalar loss
     * @param gradients parameter name to gradient, in {@link WeightLayout} order
     * @param outputs requested output name to value
     */
    public GradientResult(double loss, Map<String, INDArray> gradients, Map<String, INDArray> outputs) {
        this.loss = loss;
        this.gradients = Collections.unmodifiableMap(gradients);
        this.outputs = Collections.unmodifiableMap(outputs);
    }

    /** @return the value of the loss variable */
    public double loss() {
        return loss;
    }

    /** @return parameter name to d loss / d parameter, same order and shapes as {@link PolicyTransformer#parameters()} */
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    /** @return requested output name to value (the loss variable included) */
    public Map<String, INDArray> outputs() {
        return outputs;
    }

    /**
     * One requested output.
     *
     * @param name the output name
     * @return its value
     * @throws IllegalArgumentException if it was not requested
     */
    public INDArray output(String name) {
        INDArray a = outputs.get(name);
        if (a == null) {
            throw new IllegalArgumentException("output '" + name + "' was not requested; requested: " + outputs.keySet());
        }
        return a;
    }
}
