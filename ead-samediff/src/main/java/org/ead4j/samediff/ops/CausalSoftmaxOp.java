package org.ead4j.samediff.ops;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Causal attention weights {@code softmax(scale * scores + mask)} over the last dimension of
 * {@code scores [..., T, T]}, where the mask removes keys after the query (weight exactly 0). Forward: native
 * scalar multiply, the masked entries set to -infinity in Java, native softmax in place. Gradient as
 * SameDiff ops: {@code dScores = scale * y * (dy - sum(dy * y, last, keepDims))}.
 *
 * <p>Replaces {@code softmax(scores.mul(scale).add(causalBias), 3)}: in DL4J 1.0.0-M2.1 the backward of that
 * broadcast add ({@code add_bp} of [B, H, T, T] + [T, T]) and {@code softmax_bp} together took about
 * 20 ms per layer at [16, 4, 128, 128] single-threaded, against 3-4 ms for this gradient. The unmasked
 * values are computed as before (adding the old 0.0 bias changes nothing), the masked weights are 0 both ways.
 *
 * <p>Input: {@code scores} [..., T, T] (FLOAT or DOUBLE); iArg 0 the last axis (rank - 1); tArg 0 the scale. Output: the weights, same shape.
 */
public class CausalSoftmaxOp extends ShapePreservingJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_causal_softmax";

    /** For deserialisation and registration. */
    public CausalSoftmaxOp() {
    }

    private CausalSoftmaxOp(SameDiff sd, SDVariable scores, int rank, double scale) {
        super(sd, scores);
        addIArgument(rank - 1);
        addTArgument(scale);
    }

    /**
     * Adds causal attention weights to a graph.
     *
     * @param sd the graph
     * @param scores [..., T, T] query-key scores (query on the second-to-last dimension)
     * @param rank the rank of scores (at least 2)
     * @param scale the factor applied to the scores before the softmax
     * @return the weights [..., T, T]
     */
    public static SDVariable weights(SameDiff sd, SDVariable scores, int rank, double scale) {
        if (rank < 2) {
            throw new IllegalArgumentException(OP_NAME + ": scores must have rank >= 2, got " + rank);
        }
        return new CausalSoftmaxOp(sd, scores, rank, scale).outputVariable();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public void execJava(OpContext ctx) {
        INDArray scores = input(ctx, 0);
        INDArray out = output(ctx, 0);
        int rank = scores.rank();
        if (rank != iArgs()[0] + 1 || scores.size(rank - 1) != scores.size(rank - 2)) {
            throw new IllegalArgumentException(OP_NAME + ": scores must be [..., T, T], got "
                    + Arrays.toString(scores.shape()));
        }
        if (out.isView() || out.ordering() != 'c') {
            throw new IllegalStateException(OP_NAME + ": output must be a C-order array that is not a view");
        }
        Nd4j.exec(new ScalarMultiplication(scores, null, out, tArgs()[0]));
        int t = (int) scores.size(rank - 1);
        long rows = t == 0 ? 0 : out.length() / t;
        int offset = (int) out.offset();
        Nd4j.getAffinityManager().ensureLocation(out, AffinityManager.Location.HOST);
        if (out.dataType() == DataType.FLOAT) {
            float[] inf = new float[t];
            Arrays.fill(inf, Float.NEGATIVE_INFINITY);
            FloatBuffer fb = out.data().asNioFloat();
            for (long r = 0; r < rows; r++) {
                int q = (int) (r % t);
                fb.put(Math.toIntExact(offset + r * t + q + 1), inf, 0, t - q - 1);
            }
        } else {
            double[] inf = new double[t];
            Arrays.fill(inf, Double.NEGATIVE_INFINITY);
            DoubleBuffer db = out.data().asNioDouble();
            for (long r = 0; r < rows; r++) {
                int q = (int) (r % t);
                db.put(Math.toIntExact(offset + r * t + q + 1), inf, 0, t - q - 1);
            }
        }
        Nd4j.getAffinityManager().tagLocation(out, AffinityManager.Location.HOST);
        Nd4j.exec(new SoftMax(out, out, rank - 1));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable y = outputVariable();
        SDVariable dy = grads.get(0);
        int last = (int) iArgs()[0];
        SDVariable dyY = dy.mul(y);
        SDVariable centred = dy.sub(sameDiff.sum(dyY, true, last));
        return List.of(y.mul(centred).mul(tArgs()[0]));
    }
}
