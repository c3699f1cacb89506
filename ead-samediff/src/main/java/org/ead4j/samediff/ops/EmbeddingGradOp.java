package org.ead4j.samediff.ops;

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
 * The gradient of {@link EmbeddingOp} for the table: {@code dTable[v, :] = sum over n with ids[n] = v of
 * dOut[n, :]}, accumulated in Java in index order (deterministic). It replaces
 * {@code sd.unsortedSegmentSum}, whose native kernel in DL4J 1.0.0-M2.1 leaks about 14 KB of native
 * memory per call (measured: RSS grows linearly with calls of {@code unsorted_segment_sum} through
 * {@code Nd4j.exec}, while {@code scatter_add} and {@code gather} stay flat), which made a long RL run's
 * resident memory grow without bound. Delete with the other M2.1 workarounds.
 *
 * <p>Inputs: {@code dOut} [N, D] (FLOAT or DOUBLE), {@code ids} integer (N elements). iArg 0 holds V.
 * Output: [V, D] of dOut's type.
 */
public class EmbeddingGradOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_embedding_grad";

    /** For deserialisation and registration. */
    public EmbeddingGradOp() {
    }

    /**
     * Adds the gradient to a graph.
     *
     * @param sd the graph
     * @param dOut the upstream gradient [N, D]
     * @param ids the looked-up ids (N elements)
     * @param vocab the table's row count V
     */
    public EmbeddingGradOp(SameDiff sd, SDVariable dOut, SDVariable ids, long vocab) {
        super(sd, dOut, ids);
        addIArgument(vocab);
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(0));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        INDArray g = input(ctx, 0);
        return List.of(LongShapeDescriptor.fromShape(new long[]{iArgs()[0], g.size(1)}, g.dataType()));
    }

    @Override
    public void execJava(OpContext ctx) {
        INDArray g = input(ctx, 0);
        int[] ids = HostArrays.toInts(input(ctx, 1));
        INDArray out = output(ctx, 0);
        int v = (int) iArgs()[0];
        int d = (int) g.size(1);
        if (ids.length != g.size(0)) {
            throw new IllegalArgumentException(OP_NAME + ": " + ids.length + " ids for " + g.size(0) + " gradient rows");
        }
        for (int id : ids) {
            if (id < 0 || id >= v) {
                throw new IllegalArgumentException(OP_NAME + ": id " + id + " is out of range [0, " + v + ")");
            }
        }
        if (g.dataType() == DataType.FLOAT) {
            float[] gv = HostArrays.toFloats(g);
            float[] acc = new float[v * d];
            for (int n = 0; n < ids.length; n++) {
                int row = ids[n] * d;
                for (int j = 0; j < d; j++) {
                    acc[row + j] += gv[n * d + j];
                }
            }
            HostArrays.writeFloats(acc, out);
        } else {
            double[] gv = g.length() == 0 ? new double[0] : g.reshape(g.length()).toDoubleVector();
            double[] acc = new double[v * d];
            for (int n = 0; n < ids.length; n++) {
                int row = ids[n] * d;
                for (int j = 0; j < d; j++) {
                    acc[row + j] += gv[n * d + j];
                }
            }
            out.assign(Nd4j.createFromArray(acc).reshape(v, d).castTo(out.dataType()));
        }
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        throw new UnsupportedOperationException(OP_NAME + " has no second derivative (first-order training only)");
    }
}
