package org.ead4j.samediff.ops;

import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/** A Java op with one output of the shape and data type of its first input (GELU, softmax, norms). */
abstract class ShapePreservingJavaOp extends BaseJavaOp {

    /** For deserialisation and registration. */
    ShapePreservingJavaOp() {
    }

    ShapePreservingJavaOp(SameDiff sd, SDVariable... inputs) {
        super(sd, inputs);
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
        INDArray x = input(ctx, 0);
        return List.of(LongShapeDescriptor.fromShape(x.shape(), x.dataType()));
    }
}
