package org.ead4j.samediff.ops;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GELU, sigmoid approximation {@code y = x * sigmoid(1.702 x)}: the native {@code gelu} kernel forward (the
 * same values as {@code sd.nn().gelu}), with the gradient written as a few elementwise SameDiff ops:
 * {@code dx = dy * s * (1 + 1.702 x (1 - s))}, {@code s = sigmoid(1.702 x)}.
 *
 * <p>Workaround for DL4J 1.0.0-M2.1, whose {@code _geluderivative} kernel is about 6x slower than the native
 * sigmoid it is built from (26 ms vs 4 ms on [2048, 512] single-threaded; with the forward, 10 % of the
 * tiny benchmark model's training step). Delete when the stock gelu backward is fast.
 *
 * <p>Input: {@code x} (FLOAT or DOUBLE). Output: y shaped like x.
 */
public class GeluOp extends ShapePreservingJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_gelu";

    private static final double K = 1.702;

    /** For deserialisation and registration. */
    public GeluOp() {
    }

    private GeluOp(SameDiff sd, SDVariable x) {
        super(sd, x);
    }

    /**
     * Adds a GELU to a graph.
     *
     * @param sd the graph
     * @param x the input
     * @return x * sigmoid(1.702 x)
     */
    public static SDVariable gelu(SameDiff sd, SDVariable x) {
        return new GeluOp(sd, x).outputVariable();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public void execJava(OpContext ctx) {
        Nd4j.exec(new GELU(input(ctx, 0), output(ctx, 0)));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable x = arg(0);
        SDVariable kx = x.mul(K);
        SDVariable s = sameDiff.nn().sigmoid(kx);
        SDVariable d = s.mul(kx.mul(s.rsub(1.0)).add(1.0));
        return List.of(grads.get(0).mul(d));
    }
}
