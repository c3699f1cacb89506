package org.ead4j.samediff.nd;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between INDArrays and Java arrays without per-element calls. On the CPU backend it reads
 * the array's NIO view ({@code asNioFloat}, 10-100x faster than {@code asFloat} on large arrays,
 * docs/dl4j-m2.1-workarounds.md, entry 10); on other backends it first makes the host copy current, so the
 * same code runs on CUDA.
 */
public final class HostArrays {

    private HostArrays() {
    }

    /**
     * Reads every element of a float array, in C order, into {@code dst[0 .. length)}.
     *
     * @param src the array (any order; views are copied first)
     * @param dst the destination, at least {@code src.length()} long
     */
    public static void readFloats(INDArray src, float[] dst) {
        INDArray c = contiguous(src, DataType.FLOAT);
        int n = (int) c.length();
        FloatBuffer fb = c.data().asNioFloat();
        fb.position((int) c.offset());
        fb.get(dst, 0, n);
    }

    /**
     * Returns every element of a float array, in C order, as a new Java array.
     *
     * @param src the array
     * @return its elements
     */
    public static float[] toFloats(INDArray src) {
        float[] out = new float[(int) src.length()];
        readFloats(src, out);
        return out;
    }

    /**
     * Writes {@code src[0 .. dst.length())} into a C-order, non-view float array.
     *
     * @param src the values
     * @param dst the destination array (C order, not a view)
     */
    public static void writeFloats(float[] src, INDArray dst) {
        if (dst.isView() || dst.ordering() != 'c' || dst.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("destination must be a C-order FLOAT array that is not a view");
        }
        Nd4j.getAffinityManager().ensureLocation(dst, AffinityManager.Location.HOST);
        FloatBuffer fb = dst.data().asNioFloat();
        fb.position((int) dst.offset());
        fb.put(src, 0, (int) dst.length());
        Nd4j.getAffinityManager().tagLocation(dst, AffinityManager.Location.HOST);
    }

    /**
     * Reads an integer array (any integer type) as ints, C order.
     *
     * @param src the array
     * @return its elements
     */
    public static int[] toInts(INDArray src) {
        return src.length() == 0 ? new int[0] : src.reshape(src.length()).toIntVector();
    }

    /**
     * Reads an integer array (any integer type) as longs, C order.
     *
     * @param src the array
     * @return its elements
     */
    public static long[] toLongs(INDArray src) {
        return src.length() == 0 ? new long[0] : src.reshape(src.length()).toLongVector();
    }

    private static INDArray contiguous(INDArray a, DataType type) {
        INDArray c = a;
        if (c.dataType() != type) {
            c = c.castTo(type);
        }
        if (c.isView() || c.ordering() != 'c') {
            c = c.dup('c');
        }
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        return c;
    }
}
