package org.ead4j.samediff.ops;

import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The gradient of {@link VocabHeadOp}, chunk by chunk with the logits recomputed. With upstream gradients
 * {@code g1, g2, g3} of logProbs, temperedLogProbs and entropy, {@code p = softmax(z)}, {@code q = softmax(a z)},
 * {@code e_t} the target's one-hot, per token:
 * <pre>
 * dz = g1 (e_t - p) + g2 a (e_t - q) + g3 dH/dz
 * dH/dz = -p (log p + H)           (entropy of p)
 *       = -a q (log q + H_q)       (entropy of q, tempered)
 * dh = dz W^T  (tied: dz E),   dW += h^T dz  (tied: dE += dz^T h)
 * </pre>
 * Inputs: h, head, targets, invTau, g1, g2, g3; iArgs as {@link VocabHeadOp}. Outputs: dh [N, D], dHead.
 */
public class VocabHeadBpOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_vocab_head_bp";

    /** For deserialisation and registration. */
    public VocabHeadBpOp() {
    }

    VocabHeadBpOp(SameDiff sd, SDVariable[] inputs, long[] iArgs) {
        super(sd, inputs);
        addIArgument(iArgs);
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
        return List.of(in.get(0), in.get(0));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        INDArray h = input(ctx, 0);
        INDArray head = input(ctx, 1);
        return List.of(LongShapeDescriptor.fromShape(h.shape(), h.dataType()),
                LongShapeDescriptor.fromShape(head.shape(), h.dataType()));
    }

    @Override
    public void execJava(OpContext ctx) {
        VocabHeadOp.Chunks c = new VocabHeadOp.Chunks(input(ctx, 0), input(ctx, 1), input(ctx, 2), input(ctx, 3), iArgs());
        DataType dt = c.h.dataType();
        INDArray g1 = column(input(ctx, 4), c.n, dt);
        INDArray g2 = column(input(ctx, 5), c.n, dt);
        INDArray g3 = column(input(ctx, 6), c.n, dt);
        INDArray dh = output(ctx, 0);
        INDArray dHead = output(ctx, 1);
        dHead.assign(0);   // outputs may be reused arrays: this one accumulates
        INDArray dhc = null;
        for (int r0 = 0; r0 < c.n; r0 += c.chunk) {
            int rows = c.load(r0);
            org.nd4j.linalg.indexing.INDArrayIndex rowsIdx = NDArrayIndex.interval(r0, r0 + rows);
            INDArray cg1 = g1.get(rowsIdx, NDArrayIndex.all()).dup('c');
            INDArray cg2a = g2.get(rowsIdx, NDArrayIndex.all()).mul(c.a);
            INDArray cg3 = g3.get(rowsIdx, NDArrayIndex.all()).dup('c');
            c.logSoftmax(c.z, c.lsm);
            c.scaled(c.aux);
            c.logSoftmax(c.aux, c.lsmTau);
            INDArray dz = c.z;   // the logits are no longer needed: their array holds dz from here on
            // p terms: -g1 p, and -g3 p (log p + H) for the entropy of p
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(c.lsm, c.aux));     // aux = p
            dz.assign(c.aux).muliColumnVector(cg1.neg());
            if (!c.temperedEntropy) {
                entropyGrad(dz, c.aux, c.lsm, cg3.neg());
            }
            // q terms: -g2 a q, and -g3 a q (log q + H_q) for the entropy of q
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(c.lsmTau, c.aux));  // aux = q
            c.lsm.assign(c.aux).muliColumnVector(cg2a.neg());
            dz.addi(c.lsm);
            if (c.temperedEntropy) {
                entropyGrad(dz, c.aux, c.lsmTau, cg3.mul(c.a).negi());
            }
            for (int i = 0; i < rows; i++) {
                int t = c.targets[r0 + i];
                dz.putScalar(i, t, dz.getDouble(i, t) + cg1.getDouble(i) + cg2a.getDouble(i));
            }
            if (dhc == null || dhc.size(0) != rows) {
                dhc = Nd4j.create(dt, rows, c.h.size(1));
            }
            if (c.tied) {
                Nd4j.gemm(dz, c.head, dhc, false, false, 1.0, 0.0);   // dz E
                Nd4j.gemm(dz, c.hc, dHead, true, false, 1.0, 1.0);    // dE += dz^T h
            } else {
                Nd4j.gemm(dz, c.head, dhc, false, true, 1.0, 0.0);    // dz W^T
                Nd4j.gemm(c.hc, dz, dHead, true, false, 1.0, 1.0);    // dW += h^T dz
            }
            dh.get(rowsIdx, NDArrayIndex.all()).assign(dhc);
        }
        c.close();
    }

    /**
     * dz += coef * p (log p + H) with H = -sum p log p, per row; overwrites {@code p} and {@code logp}.
     * (dH/dz = -p (log p + H), so coef = -g3, or -g3 a for the tempered distribution.)
     */
    private static void entropyGrad(INDArray dz, INDArray p, INDArray logp, INDArray coef) {
        logp.muli(p);                                  // p log p
        INDArray negH = logp.sum(true, 1);             // [rows, 1] = -H
        p.muliColumnVector(negH).negi();               // p H
        logp.addi(p).muliColumnVector(coef);           // coef p (log p + H)
        dz.addi(logp);
    }

    private static INDArray column(INDArray a, int n, DataType dt) {
        return a.reshape(n, 1).castTo(dt);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        throw new UnsupportedOperationException(OP_NAME + " has no second derivative (first-order training only)");
    }
}
