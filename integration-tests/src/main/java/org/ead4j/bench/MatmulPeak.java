package org.ead4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * float32 matrix-product throughput of the two BLAS back ends on this machine: ND4J's {@code Nd4j.gemm}
 * into a preallocated output (the call our decoder makes) and PyTorch's {@code matmul} through DJL
 * (a fresh output per call, as the PyTorch peer does). Each figure is the median of several timed batches
 * of calls, each batch about {@code batchMillis} long; {@link #best} is the fastest batch (the figure least
 * disturbed by other work on a shared machine).
 */
public final class MatmulPeak {

    private static double lastBest;

    private MatmulPeak() {
    }

    /**
     * ND4J {@code gemm} GFLOP/s of {@code [m, k] x [k, n]}.
     *
     * @param m rows
     * @param k inner dimension
     * @param n columns
     * @param repeats timed batches
     * @param batchMillis approximate length of a batch
     * @return median GFLOP/s
     */
    public static double nd4j(int m, int k, int n, int repeats, double batchMillis) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        Runnable call = () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        return measure(call, 2.0 * m * k * n, repeats, batchMillis);
    }

    /**
     * PyTorch {@code matmul} GFLOP/s of {@code [m, k] x [k, n]} through DJL.
     *
     * @param m rows
     * @param k inner dimension
     * @param n columns
     * @param repeats timed batches
     * @param batchMillis approximate length of a batch
     * @return median GFLOP/s
     */
    public static double torch(int m, int k, int n, int repeats, double batchMillis) {
        try (NDManager mgr = Engine.getEngine(DjlPolicy.ENGINE).newBaseManager()) {
            NDArray a = mgr.randomUniform(0f, 1f, new Shape(m, k));
            NDArray b = mgr.randomUniform(0f, 1f, new Shape(k, n));
            Runnable call = () -> {
                try (NDArray c = a.matMul(b)) {
                    c.getShape();
                }
            };
            return measure(call, 2.0 * m * k * n, repeats, batchMillis);
        }
    }

    private static double measure(Runnable call, double flops, int repeats, double batchMillis) {
        // calibrate: calls per batch so that a batch lasts about batchMillis (also warms up)
        long t0 = System.nanoTime();
        int probe = 0;
        while (System.nanoTime() - t0 < 50_000_000L || probe < 3) {
            call.run();
            probe++;
        }
        double perCall = (System.nanoTime() - t0) / (double) probe;
        int calls = (int) Math.max(3, batchMillis * 1e6 / perCall);
        double[] gflops = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            gflops[r] = flops * calls / (System.nanoTime() - s);
        }
        lastBest = Arrays.stream(gflops).max().orElse(0);
        return Stats.median(gflops);
    }

    /** @return the fastest batch's GFLOP/s of the last {@link #nd4j} or {@link #torch} call */
    public static double best() {
        return lastBest;
    }
}
