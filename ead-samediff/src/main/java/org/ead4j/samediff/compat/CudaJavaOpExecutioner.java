package org.ead4j.samediff.compat;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.jcublas.ops.executioner.CudaExecutioner;

/** CUDA backend executioner that runs {@link JavaOp}s in Java; see {@link JavaOpExecutioners}. */
public class CudaJavaOpExecutioner extends CudaExecutioner {

    @Override
    public INDArray[] exec(CustomOp op, OpContext ctx) {
        INDArray[] out = JavaOpExecutioners.execIfJava(op, ctx);
        return out != null ? out : super.exec(op, ctx);
    }

    @Override
    public INDArray[] exec(CustomOp op) {
        return op instanceof JavaOp ? JavaOpExecutioners.execEager(op, buildContext()) : super.exec(op);
    }
}
