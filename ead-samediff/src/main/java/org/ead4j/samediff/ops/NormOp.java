package org.ead4j.samediff.ops;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.nd.RowView;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;

/**
 * Fused normalisation over the last dimension with a hand-written gradient ({@link NormBpOp}):
 * <pre>
 * LayerNorm: y = (x - mean(x)) / sqrt(var(x) + eps) * gain + bias   (population variance)
 * RMSNorm:   y = x / sqrt(mean(x^2) + eps) * gain
 * </pre>
 * Replaces the same formula written with stock ops: in DL4J 1.0.0-M2.1 the backward of its broadcast
 * multiplies ({@code multiply_bp} of {@code [N, D] x [N, 1]} and {@code [N, D] x [D]}) is very slow
 * (about 11 ms each at [2048, 128] and 47 ms at [2048, 512] single-threaded: a third of the training step of
 * the tiny benchmark model), and the composition takes about 20 ops per norm. Statistics are accumulated in
 * double precision, one row at a time.
 *
 * <p>Inputs: {@code x} [..., D], {@code gain} [D], and {@code bias} [D] for LayerNorm. iArg 0: 0 = LayerNorm,
 * 1 = RMSNorm; tArg 0: epsilon. Output: y shaped like x. FLOAT or DOUBLE.
 */
public class NormOp extends ShapePreservingJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_norm";
    /** iArg 0 value for LayerNorm. */
    public static final int LAYER_NORM = 0;
    /** iArg 0 value for RMSNorm. */
    public static final int RMS_NORM = 1;

    /** For deserialisation and registration. */
    public NormOp() {
    }

    /**
     * Adds a LayerNorm to a graph.
     *
     * @param sd the graph
     * @param x the input [..., D]
     * @param gain [D]
     * @param bias [D]
     * @param eps epsilon added to the variance
     * @return y
     */
    public static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias, double eps) {
        return new NormOp(sd, new SDVariable[]{x, gain, bias}, LAYER_NORM, eps).outputVariable();
    }

    /**
     * Adds an RMSNorm to a graph.
     *
     * @param sd the graph
     * @param x the input [..., D]
     * @param gain [D]
     * @param eps epsilon added to the mean square
     * @return y
     */
    public static SDVariable rmsNorm(SameDiff sd, SDVariable x, SDVariable gain, double eps) {
        return new NormOp(sd, new SDVariable[]{x, gain}, RMS_NORM, eps).outputVariable();
    }

    private NormOp(SameDiff sd, SDVariable[] inputs, int kind, double eps) {
        super(sd, inputs);
        addIArgument(kind);
        addTArgument(eps);
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public void execJava(OpContext ctx) {
        boolean layer = iArgs()[0] == LAYER_NORM;
        double eps = tArgs()[0];
        INDArray xArr = input(ctx, 0);
        int d = (int) xArr.size(xArr.rank() - 1);
        double[] gain = row(input(ctx, 1), d);
        double[] bias = layer ? row(input(ctx, 2), d) : null;
        RowView x = RowView.read(xArr, d);
        RowView y = RowView.write(output(ctx, 0), d);
        double[] v = new double[d];
        for (long n = 0; n < x.rows(); n++) {
            x.get(n, v);
            double r = normalise(v, layer, eps);
            for (int j = 0; j < d; j++) {
                v[j] = v[j] * r * gain[j] + (layer ? bias[j] : 0.0);
            }
            y.put(n, v);
        }
        y.done();
    }

    /**
     * Centres a row in place for LayerNorm (RMSNorm leaves it) and returns 1 / sqrt(variance or mean square + eps).
     */
    static double normalise(double[] v, boolean layer, double eps) {
        int d = v.length;
        if (layer) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += v[j];
            }
            double mean = s / d;
            for (int j = 0; j < d; j++) {
                v[j] -= mean;
            }
        }
        double ss = 0;
        for (int j = 0; j < d; j++) {
            ss += v[j] * v[j];
        }
        return 1.0 / Math.sqrt(ss / d + eps);
    }

    /** A [D] parameter as doubles. */
    static double[] row(INDArray a, int d) {
        if (a.length() != d) {
            throw new IllegalArgumentException(OP_NAME + ": expected " + d + " values, got shape "
                    + java.util.Arrays.toString(a.shape()));
        }
        double[] out = new double[d];
        RowView.read(a, d).get(0, out);
        return out;
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable[] args = args();
        SDVariable[] bpIn = {args[0], args[1], grads.get(0)};
        SDVariable[] g = new NormBpOp(sameDiff, bpIn, iArgs()[0], tArgs()[0], args.length == 3).outputVariables();
        List<SDVariable> out = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            out.add(g[i]);
        }
        return out;
    }
}
