package org.ead4j.samediff.ops.loss;

import java.util.Arrays;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * Gradient of {@link PolicyLossOp}: the same {@value PolicyLossOp#NUM_INPUTS} inputs plus the
 * upstream gradient of the loss (a scalar), the same iArgs/tArgs; outputs d loss / d logp and
 * d loss / d entropy, each shaped like its input. It recomputes the forward pass (including
 * Clip-Cov's keyed draw, so both passes select the same tokens) rather than caching it, because a
 * Java op cannot keep state across the forward and backward passes of a SameDiff session.
 */
public class PolicyLossBpOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_policy_loss_bp";

    /** For deserialisation and registration. */
    public PolicyLossBpOp() {
    }

    /**
     * Adds the op to a graph.
     *
     * @param sd the graph
     * @param inputs the forward op's inputs followed by the upstream gradient of the loss
     * @param iArgs the forward op's iArgs
     * @param tArgs the forward op's tArgs
     */
    public PolicyLossBpOp(SameDiff sd, SDVariable[] inputs, long[] iArgs, double[] tArgs) {
        super(sd, inputs);
        if (inputs.length != PolicyLossOp.NUM_INPUTS + 1) {
            throw new IllegalArgumentException(OP_NAME + " takes " + (PolicyLossOp.NUM_INPUTS + 1) + " inputs, got "
                    + inputs.length);
        }
        addIArgument(iArgs);
        addTArgument(tArgs);
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public int getNumOutputs() {
        return 2;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(PolicyLossOp.IN_LOGP), in.get(PolicyLossOp.IN_ENTROPY));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        INDArray logp = input(ctx, PolicyLossOp.IN_LOGP);
        INDArray ent = input(ctx, PolicyLossOp.IN_ENTROPY);
        return List.of(LongShapeDescriptor.fromShape(logp.shape(), logp.dataType()),
                LongShapeDescriptor.fromShape(ent.shape(), ent.dataType()));
    }

    @Override
    public void execJava(OpContext ctx) {
        PolicyLossSpec spec = PolicyLossSpec.decode(iArgs(), tArgs());
        PolicyLossKernel.Result r = PolicyLossKernel.compute(spec, PolicyLossOp.readInputs(OP_NAME, ctx));
        INDArray upstream = input(ctx, PolicyLossOp.NUM_INPUTS);
        if (upstream.length() != 1) {
            throw new IllegalArgumentException(OP_NAME + ": the loss gradient must be a scalar, got shape "
                    + Arrays.toString(upstream.shape()));
        }
        double g = upstream.getDouble(0);
        double[] dLogp = r.gradLogp();
        double[] dEnt = r.gradEntropy();
        for (int i = 0; i < dLogp.length; i++) {
            dLogp[i] *= g;
            dEnt[i] *= g;
        }
        PolicyLossOp.writeDoubles(dLogp, output(ctx, 0));
        PolicyLossOp.writeDoubles(dEnt, output(ctx, 1));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        throw new UnsupportedOperationException(OP_NAME + " has no second derivative: the loss is piecewise "
                + "smooth in logp and ead4j trains with first-order optimisers only");
    }
}
