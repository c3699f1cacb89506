package org.ead4j.samediff.ops;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.nd.RowView;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * The gradient of {@link NormOp}. With {@code xhat} the normalised row, {@code r = 1/sqrt(var + eps)} and
 * {@code g = dy * gain}:
 * <pre>
 * LayerNorm: dx = r * (g - mean(g) - xhat * mean(g * xhat))
 * RMSNorm:   dx = r * (g - xhat * mean(g * xhat))
 * dgain = sum over rows of dy * xhat,  dbias = sum over rows of dy
 * </pre>
 * The row statistics are recomputed from x (a Java op keeps no state between the passes).
 *
 * <p>Inputs: {@code x}, {@code gain}, {@code dy}; iArg 0 the norm kind, iArg 1 = 1 when there is a bias;
 * tArg 0 epsilon. Outputs: dx, dgain and (with a bias) dbias.
 */
public class NormBpOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_norm_bp";

    /** For deserialisation and registration. */
    public NormBpOp() {
    }

    NormBpOp(SameDiff sd, SDVariable[] inputs, long kind, double eps, boolean hasBias) {
        super(sd, inputs);
        addIArgument(kind, hasBias ? 1 : 0);
        addTArgument(eps);
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public int getNumOutputs() {
        return iArgs().length > 1 && iArgs()[1] == 1 ? 3 : 2;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        List<DataType> out = new ArrayList<>();
        for (int i = 0; i < getNumOutputs(); i++) {
            out.add(in.get(0));
        }
        return out;
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        INDArray x = input(ctx, 0);
        INDArray gain = input(ctx, 1);
        List<LongShapeDescriptor> out = new ArrayList<>();
        out.add(LongShapeDescriptor.fromShape(x.shape(), x.dataType()));
        out.add(LongShapeDescriptor.fromShape(gain.shape(), x.dataType()));
        if (getNumOutputs() == 3) {
            out.add(LongShapeDescriptor.fromShape(gain.shape(), x.dataType()));
        }
        return out;
    }

    @Override
    public void execJava(OpContext ctx) {
        boolean layer = iArgs()[0] == NormOp.LAYER_NORM;
        boolean hasBias = getNumOutputs() == 3;
        double eps = tArgs()[0];
        INDArray xArr = input(ctx, 0);
        int d = (int) xArr.size(xArr.rank() - 1);
        double[] gain = NormOp.row(input(ctx, 1), d);
        RowView x = RowView.read(xArr, d);
        RowView dy = RowView.read(input(ctx, 2), d);
        RowView dx = RowView.write(output(ctx, 0), d);
        double[] dGain = new double[d];
        double[] dBias = new double[d];
        double[] xh = new double[d];
        double[] g = new double[d];
        double[] dyRow = new double[d];
        for (long n = 0; n < x.rows(); n++) {
            x.get(n, xh);
            dy.get(n, dyRow);
            double r = NormOp.normalise(xh, layer, eps);
            double sumG = 0;
            double sumGX = 0;
            for (int j = 0; j < d; j++) {
                xh[j] *= r;
                g[j] = dyRow[j] * gain[j];
                sumG += g[j];
                sumGX += g[j] * xh[j];
                dGain[j] += dyRow[j] * xh[j];
                dBias[j] += dyRow[j];
            }
            double meanG = layer ? sumG / d : 0.0;
            double meanGX = sumGX / d;
            for (int j = 0; j < d; j++) {
                g[j] = r * (g[j] - meanG - xh[j] * meanGX);
            }
            dx.put(n, g);
        }
        dx.done();
        RowView dg = RowView.write(output(ctx, 1), d);
        dg.put(0, dGain);
        dg.done();
        if (hasBias) {
            RowView db = RowView.write(output(ctx, 2), d);
            db.put(0, dBias);
            db.done();
        }
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        throw new UnsupportedOperationException(OP_NAME + " has no second derivative (first-order training only)");
    }
}
