package org.ead4j.samediff.ops.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.nd.HostArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The RLVR policy loss as a SameDiff op (forward): see {@link PolicyLossKernel} for the formulas
 * and {@link PolicyLossSpec} for the configuration, carried in iArgs/tArgs.
 *
 * <p>Inputs, in order (per-token inputs {@code [B, T]}, FLOAT or DOUBLE, all the same shape):
 * <ol start="0">
 *   <li>{@code logp}: log pi_theta(y_t) from the policy graph (differentiable)</li>
 *   <li>{@code oldLogp}: log pi_theta_old(y_t)</li>
 *   <li>{@code behaviourLogp}: the sampler's log-prob (EAD: log softmax(z / tau_t)[y_t])</li>
 *   <li>{@code refLogp}: the reference policy's log-prob (KL term)</li>
 *   <li>{@code entropy}: per-token entropy of pi_theta (differentiable)</li>
 *   <li>{@code advantages}: per-token advantage</li>
 *   <li>{@code mask}: 1 for response tokens, 0 for padding</li>
 *   <li>{@code selectionKey}: integer scalar, the random key of Clip-Cov's draw (ignored otherwise)</li>
 * </ol>
 * Outputs: 0 = the scalar loss (rank 0), 1 = the diagnostics vector {@code [LossDiagnostic.COUNT]},
 * both of {@code logp}'s data type. The gradient ({@link PolicyLossBpOp}) flows to {@code logp}
 * and {@code entropy} only; the other inputs get zeros (they are data, not parameters).
 * The diagnostics output has no gradient.
 */
public class PolicyLossOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_policy_loss";
    /** Number of inputs. */
    public static final int NUM_INPUTS = 8;
    /** Input index of the current log-probs. */
    public static final int IN_LOGP = 0;
    /** Input index of the entropy. */
    public static final int IN_ENTROPY = 4;
    /** Input index of the selection key. */
    public static final int IN_KEY = 7;

    /** For deserialisation and registration. */
    public PolicyLossOp() {
    }

    /**
     * Adds the op to a graph.
     *
     * @param sd the graph
     * @param inputs the {@value #NUM_INPUTS} inputs, in the order of the class Javadoc
     * @param spec the loss configuration
     */
    public PolicyLossOp(SameDiff sd, SDVariable[] inputs, PolicyLossSpec spec) {
        super(sd, checkCount(inputs));
        addIArgument(spec.iArgs());
        addTArgument(spec.tArgs());
    }

    /**
     * Creates the op for eager execution ({@code Nd4j.exec(op)}).
     *
     * @param inputs the {@value #NUM_INPUTS} input arrays
     * @param outputs the scalar loss and the diagnostics vector, allocated by the caller
     * @param spec the loss configuration
     */
    public PolicyLossOp(INDArray[] inputs, INDArray[] outputs, PolicyLossSpec spec) {
        super(inputs, outputs);
        addIArgument(spec.iArgs());
        addTArgument(spec.tArgs());
    }

    private static SDVariable[] checkCount(SDVariable[] inputs) {
        if (inputs.length != NUM_INPUTS) {
            throw new IllegalArgumentException(OP_NAME + " takes " + NUM_INPUTS + " inputs, got " + inputs.length);
        }
        return inputs;
    }

    /** @return the configuration decoded from the op arguments */
    public PolicyLossSpec spec() {
        return PolicyLossSpec.decode(iArgs(), tArgs());
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
        return List.of(in.get(IN_LOGP), in.get(IN_LOGP));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        DataType dt = input(ctx, IN_LOGP).dataType();
        return List.of(LongShapeDescriptor.fromShape(new long[0], dt),
                LongShapeDescriptor.fromShape(new long[]{LossDiagnostic.COUNT}, dt));
    }

    @Override
    public void execJava(OpContext ctx) {
        PolicyLossKernel.Result r = PolicyLossKernel.compute(spec(), readInputs(OP_NAME, ctx));
        output(ctx, 0).assign(r.loss());
        writeDoubles(r.diagnostics(), output(ctx, 1));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable gLoss = grads.get(0);
        if (gLoss == null) {
            gLoss = sameDiff.zerosLike(outputVariables()[0]);
        }
        SDVariable[] args = args();
        SDVariable[] bpIn = Arrays.copyOf(args, NUM_INPUTS + 1);
        bpIn[NUM_INPUTS] = gLoss;
        SDVariable[] g = new PolicyLossBpOp(sameDiff, bpIn, iArgs(), tArgs()).outputVariables();
        List<SDVariable> out = new ArrayList<>(NUM_INPUTS);
        for (int i = 0; i < NUM_INPUTS; i++) {
            if (i == IN_LOGP) {
                out.add(g[0]);
            } else if (i == IN_ENTROPY) {
                out.add(g[1]);
            } else {
                out.add(sameDiff.zerosLike(args[i]));   // data inputs: no gradient
            }
        }
        return out;
    }

    /**
     * Reads the op inputs into a kernel batch, checking their shapes.
     *
     * @param opName the calling op, for messages
     * @param ctx the op context
     * @return the batch
     */
    static PolicyLossKernel.Inputs readInputs(String opName, OpContext ctx) {
        INDArray logp = input(ctx, IN_LOGP);
        if (logp.rank() != 2) {
            throw new IllegalArgumentException(opName + ": logp must be [B, T], got shape " + Arrays.toString(logp.shape()));
        }
        String[] names = {"logp", "oldLogp", "behaviourLogp", "refLogp", "entropy", "advantages", "mask"};
        double[][] values = new double[names.length][];
        for (int k = 0; k < names.length; k++) {
            INDArray a = input(ctx, k);
            if (!Arrays.equals(a.shape(), logp.shape())) {
                throw new IllegalArgumentException(opName + ": " + names[k] + " has shape " + Arrays.toString(a.shape())
                        + " but logp has " + Arrays.toString(logp.shape()) + "; every per-token input must be [B, T]");
            }
            values[k] = readDoubles(a);
        }
        INDArray key = input(ctx, IN_KEY);
        if (key.length() != 1 || !key.dataType().isIntType()) {
            throw new IllegalArgumentException(opName + ": selectionKey must be an integer scalar, got "
                    + key.dataType() + " " + Arrays.toString(key.shape()));
        }
        return new PolicyLossKernel.Inputs((int) logp.size(0), (int) logp.size(1), values[0], values[1], values[2],
                values[3], values[4], values[5], values[6], key.getLong(0));
    }

    /** Reads any real array, C order, as doubles. */
    static double[] readDoubles(INDArray a) {
        if (a.length() == 0) {
            return new double[0];
        }
        if (a.dataType() == DataType.FLOAT) {
            float[] f = HostArrays.toFloats(a);
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** Writes doubles into a pre-allocated output of any real type and shape with that many elements. */
    static void writeDoubles(double[] src, INDArray dst) {
        if (src.length == 0) {
            return;
        }
        dst.assign(Nd4j.createFromArray(src).reshape(dst.shape()).castTo(dst.dataType()));
    }
}
