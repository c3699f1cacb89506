package org.ead4j.samediff.ops;

import java.util.Arrays;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.nd.HostArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row lookup {@code out[n, :] = table[ids[n], :]} with an exact gradient: the replacement for
 * {@code sd.gather} on DL4J 1.0.0-M2.1, whose gradient is wrong and takes seconds (a while-loop of
 * {@code put}s; deeplearning4j#9669, #9756, #9780) and which cannot appear twice in a trained graph
 * ("Unable to replace samediff namespace"). See docs/dl4j-m2.1-workarounds.md, entry 4.
 *
 * <p>Forward: the native {@code gather} kernel after a range check of the ids (an out-of-range id
 * would otherwise read arbitrary memory). Backward: {@link EmbeddingGradOp} (a segment sum of dOut by id) for
 * the table (rows looked up several times accumulate) and zeros for the ids.
 *
 * <p>Inputs: {@code table} [V, D] (FLOAT or DOUBLE), {@code ids} integer [N]. Output: [N, D].
 * iArg 0 holds V, because the FlatBuffers clone of gradient construction drops Java fields.
 * Delete with the other M2.1 workarounds once {@code sd.gather} differentiates correctly.
 */
public class EmbeddingOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_embedding";

    /** For deserialisation and registration. */
    public EmbeddingOp() {
    }

    /**
     * Adds a lookup to a graph.
     *
     * @param sd the graph
     * @param table the table [V, D]; its shape must be known when the graph is built
     * @param ids integer ids [N], each in [0, V)
     */
    public EmbeddingOp(SameDiff sd, SDVariable table, SDVariable ids) {
        super(sd, table, ids);
        long[] shape = table.getShape();
        if (shape == null || shape.length != 2 || shape[0] <= 0) {
            throw new IllegalArgumentException(OP_NAME + ": table " + table.name() + " must have a known shape [V, D], got "
                    + Arrays.toString(shape));
        }
        addIArgument(shape[0]);
    }

    /**
     * Looks rows up in one graph call.
     *
     * @param sd the graph
     * @param table the table [V, D]
     * @param ids integer ids [N]
     * @return the rows [N, D]
     */
    public static SDVariable lookup(SameDiff sd, SDVariable table, SDVariable ids) {
        return new EmbeddingOp(sd, table, ids).outputVariable();
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
        INDArray table = input(ctx, 0);
        INDArray ids = input(ctx, 1);
        return List.of(LongShapeDescriptor.fromShape(new long[]{ids.length(), table.size(1)}, table.dataType()));
    }

    @Override
    public void execJava(OpContext ctx) {
        INDArray table = input(ctx, 0);
        INDArray ids = input(ctx, 1);
        INDArray out = output(ctx, 0);
        long v = table.size(0);
        int[] idv = HostArrays.toInts(ids);
        for (int n = 0; n < idv.length; n++) {
            if (idv[n] < 0 || idv[n] >= v) {
                throw new IllegalArgumentException(OP_NAME + ": id " + idv[n] + " at flat index " + n
                        + " is out of range [0, " + v + ") for a table of " + v + " rows");
            }
        }
        if (idv.length == 0) {
            return;
        }
        INDArray flatIds = ids.rank() == 1 ? ids : ids.reshape(ids.length());
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(table, flatIds)
                .addOutputs(out)
                .addIntegerArguments(0)
                .build());
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        int v = (int) iArgs()[0];
        SDVariable ids = arg(1);
        // not sameDiff.unsortedSegmentSum: its M2.1 kernel leaks native memory on every call (EmbeddingGradOp)
        SDVariable dTable = new EmbeddingGradOp(sameDiff, grads.get(0), ids, v).outputVariable(); // [V, D]
        return List.of(dTable, sameDiff.zerosLike(ids));
    }
}
