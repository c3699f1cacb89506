package org.ead4j.samediff.nd;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-wise access in double precision to a FLOAT or DOUBLE array seen as {@code [rows, width]} (C order,
 * last dimension = width), for Java op kernels that work one row at a time without copying the whole array
 * onto the Java heap. Reads widen float to double; writes round to the array's type.
 */
public final class RowView {

    private final INDArray array;
    private final int width;
    private final long rows;
    private final long offset;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final float[] scratch;

    private RowView(INDArray array, int width) {
        this.array = array;
        this.width = width;
        this.rows = width == 0 ? 0 : array.length() / width;
        this.offset = array.offset();
        if (array.dataType() == DataType.FLOAT) {
            floats = array.data().asNioFloat();
            doubles = null;
            scratch = new float[width];
        } else if (array.dataType() == DataType.DOUBLE) {
            floats = null;
            doubles = array.data().asNioDouble();
            scratch = null;
        } else {
            throw new IllegalArgumentException("FLOAT or DOUBLE expected, got " + array.dataType());
        }
    }

    /**
     * Rows of an input: a C-order copy is made first when the array is a view or not in C order.
     *
     * @param src the array (FLOAT or DOUBLE)
     * @param width the row length (the size of the last dimension)
     * @return the rows
     */
    public static RowView read(INDArray src, int width) {
        INDArray c = src.isView() || src.ordering() != 'c' ? src.dup('c') : src;
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        return new RowView(c, width);
    }

    /**
     * Rows of an output, written in place; call {@link #done()} after the last write.
     *
     * @param dst a C-order FLOAT or DOUBLE array that is not a view
     * @param width the row length
     * @return the rows
     */
    public static RowView write(INDArray dst, int width) {
        if (dst.isView() || dst.ordering() != 'c') {
            throw new IllegalArgumentException("destination must be a C-order array that is not a view");
        }
        Nd4j.getAffinityManager().ensureLocation(dst, AffinityManager.Location.HOST);
        return new RowView(dst, width);
    }

    /** @return the number of rows */
    public long rows() {
        return rows;
    }

    /**
     * Reads one row.
     *
     * @param row the row index
     * @param dst receives {@code width} values
     */
    public void get(long row, double[] dst) {
        int at = Math.toIntExact(offset + row * width);
        if (floats != null) {
            floats.get(at, scratch, 0, width);
            for (int j = 0; j < width; j++) {
                dst[j] = scratch[j];
            }
        } else {
            doubles.get(at, dst, 0, width);
        }
    }

    /**
     * Writes one row.
     *
     * @param row the row index
     * @param src {@code width} values
     */
    public void put(long row, double[] src) {
        int at = Math.toIntExact(offset + row * width);
        if (floats != null) {
            for (int j = 0; j < width; j++) {
                scratch[j] = (float) src[j];
            }
            floats.put(at, scratch, 0, width);
        } else {
            doubles.put(at, src, 0, width);
        }
    }

    /** Marks a written array's host copy as current (needed on CUDA; a no-op on CPU). */
    public void done() {
        Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    }
}
