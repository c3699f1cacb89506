package org.ead4j.samediff.ops;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gated unit of a SwiGLU MLP (Llama / Qwen {@code act_fn(gate_proj(x)) * up_proj(x)} with
 * {@code act_fn = silu}): {@code y = silu(gate) * up}, {@code silu(g) = g * sigmoid(g)}. Forward: the native
 * {@code swish} kernel into the output, then an in-place multiply. Gradient as same-shape elementwise SameDiff
 * ops, with {@code s = sigmoid(g)}:
 * <pre>
 * dUp   = dy * g * s
 * dGate = dy * up * s * (1 + g - g * s)
 * </pre>
 * One op instead of {@code swish(gate).mul(up)}: the stock swish backward is a separate derivative kernel
 * (the same M2.1 pattern that made {@link GeluOp} necessary) and the composition keeps an extra [N, F]
 * activation alive for the backward pass.
 *
 * <p>Inputs: {@code gate}, {@code up} of equal shape (FLOAT or DOUBLE). Output: y, same shape.
 */
public class SiluMulOp extends ShapePreservingJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_silu_mul";

    /** For deserialisation and registration. */
    public SiluMulOp() {
    }

    private SiluMulOp(SameDiff sd, SDVariable gate, SDVariable up) {
        super(sd, gate, up);
    }

    /**
     * Adds {@code silu(gate) * up} to a graph.
     *
     * @param sd the graph
     * @param gate the gate projection [..., F]
     * @param up the up projection, same shape
     * @return silu(gate) * up
     */
    public static SDVariable siluMul(SameDiff sd, SDVariable gate, SDVariable up) {
        return new SiluMulOp(sd, gate, up).outputVariable();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public void execJava(OpContext ctx) {
        INDArray gate = input(ctx, 0);
        INDArray up = input(ctx, 1);
        if (!java.util.Arrays.equals(gate.shape(), up.shape())) {
            throw new IllegalArgumentException(OP_NAME + ": gate and up must have the same shape, got "
                    + java.util.Arrays.toString(gate.shape()) + " and " + java.util.Arrays.toString(up.shape()));
        }
        INDArray out = output(ctx, 0);
        Nd4j.exec(new Swish(gate, out));
        out.muli(up);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable g = arg(0);
        SDVariable up = arg(1);
        SDVariable dy = grads.get(0);
        SDVariable s = sameDiff.nn().sigmoid(g);
        SDVariable silu = g.mul(s);
        SDVariable dUp = dy.mul(silu);
        // d silu / dg = s + g s (1 - s) = s (1 + g - g s)
        SDVariable dGate = dy.mul(up).mul(s.mul(g.sub(silu).add(1.0)));
        return List.of(dGate, dUp);
    }
}
