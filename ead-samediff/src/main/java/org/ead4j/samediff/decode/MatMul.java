package org.ead4j.samediff.decode;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out[i] = x[i] W} for the decoder's row arrays.
 *
 * <p>Java kernel: per row, axpy passes over the rows of W, four input features at a time
 * ({@code acc[j] += a0 w0[j] + a1 w1[j] + a2 w2[j] + a3 w3[j]}); C2 vectorises it and it reads the
 * accumulator once per four weight rows (25-35 GFLOP/s on one AVX2 core while W stays in cache, on par with
 * ND4J's OpenBLAS gemm, without its per-call overhead). With several threads the output columns are
 * split between them; every output element is computed by the same operations whatever the split, so
 * results do not depend on the thread count.
 *
 * <p>For large matrices (see {@link DecoderOptions}), from {@code gemmMinRows} rows on, the rows are copied into preallocated C-order ND4J
 * arrays and multiplied with {@code Nd4j.gemm(a, b, out, false, false, 1, 0)} (BLAS, or the GPU on CUDA).
 * Row counts are rounded up to a multiple of {@link #ROW_QUANTUM} so that only a few staging shapes exist.
 */
final class MatMul {

    /** Staging arrays exist for row counts that are multiples of this. */
    static final int ROW_QUANTUM = 8;
    /** Below this many multiply-adds (~40 us of work) a call is not split: handing work to a thread costs ~10-50 us. */
    private static final long PARALLEL_MIN_MACS = 1L << 20;

    private final int gemmMinRows;
    private final ParallelRanges parallel;
    /** (rows, cols) to a C-order FLOAT staging array; inputs and outputs apart (gemm must not alias). */
    private final Map<Long, INDArray> inputs = new HashMap<>();
    private final Map<Long, INDArray> outputs = new HashMap<>();

    MatMul(int gemmMinRows, ParallelRanges parallel) {
        this.gemmMinRows = gemmMinRows;
        this.parallel = parallel;
    }

    /**
     * Multiplies rows [0, m) of x by W into rows [0, m) of out.
     *
     * @param x input rows, each at least w.in long
     * @param m rows
     * @param w the weights
     * @param out output rows, each at least w.out long
     */
    void mul(float[][] x, int m, DecoderWeights.Matrix w, float[][] out) {
        if (usesGemm(m, w)) {
            gemm(x, m, w, out, false);
            return;
        }
        boolean split = (long) m * w.in * w.out >= PARALLEL_MIN_MACS;
        parallel.run(w.out, split, 16, (from, to) -> {
            for (int i = 0; i < m; i++) {
                rowTimesMatrix(x[i], w.rows, w.in, out[i], from, to);
            }
        });
    }

    /**
     * Whether {@link #mul} of m rows by w runs through {@code Nd4j.gemm}.
     *
     * @param m rows
     * @param w the weights
     * @return true for the gemm path
     */
    boolean usesGemm(int m, DecoderWeights.Matrix w) {
        return m >= gemmMinRows && w.nd != null;
    }

    /**
     * {@code out[i] = gelu(x[i] W)} through gemm followed by ND4J's native {@code gelu} on the staging
     * output (the op the policy graph uses, x * sigmoid(1.702 x)), before the copy out; only for
     * {@link #usesGemm} shapes. The native op is vectorised: 2.5x faster than the Java loop on 64 x 2048.
     *
     * @param x input rows
     * @param m rows
     * @param w the weights
     * @param out output rows
     */
    void mulGelu(float[][] x, int m, DecoderWeights.Matrix w, float[][] out) {
        if (!usesGemm(m, w)) {
            throw new IllegalStateException("mulGelu needs the gemm path: " + m + " rows, gemm weights " + (w.nd != null));
        }
        gemm(x, m, w, out, true);
    }

    /** acc[from, to) = x[0, k) W[:, from, to). */
    static void rowTimesMatrix(float[] x, float[][] w, int k, float[] acc, int from, int to) {
        Arrays.fill(acc, from, to, 0f);
        int kk = 0;
        for (; kk + 4 <= k; kk += 4) {
            float a0 = x[kk];
            float a1 = x[kk + 1];
            float a2 = x[kk + 2];
            float a3 = x[kk + 3];
            float[] w0 = w[kk];
            float[] w1 = w[kk + 1];
            float[] w2 = w[kk + 2];
            float[] w3 = w[kk + 3];
            for (int j = from; j < to; j++) {
                acc[j] += a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
            }
        }
        for (; kk < k; kk++) {
            float a = x[kk];
            float[] wr = w[kk];
            for (int j = from; j < to; j++) {
                acc[j] += a * wr[j];
            }
        }
    }

    private void gemm(float[][] x, int m, DecoderWeights.Matrix w, float[][] out, boolean gelu) {
        int rows = (m + ROW_QUANTUM - 1) / ROW_QUANTUM * ROW_QUANTUM;
        INDArray a = stage(inputs, rows, w.in);
        INDArray c = stage(outputs, rows, w.out);
        FloatBuffer ab = a.data().asNioFloat();
        for (int i = 0; i < m; i++) {
            ab.position(i * w.in);
            ab.put(x[i], 0, w.in);
        }
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
        Nd4j.gemm(a, w.nd, c, false, w.ndTransposed, 1.0, 0.0);
        if (gelu) {
            Nd4j.exec(new GELU(c, c)); // staging rows beyond m hold stale values; gelu of them is harmless
        }
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        FloatBuffer cb = c.data().asNioFloat();
        for (int i = 0; i < m; i++) {
            cb.position(i * w.out);
            cb.get(out[i], 0, w.out);
        }
    }

    private static INDArray stage(Map<Long, INDArray> staging, int rows, int cols) {
        return staging.computeIfAbsent(((long) rows << 32) | cols, k -> Nd4j.create(DataType.FLOAT, rows, cols));
    }

    /** Drops the staging arrays (they are recreated on demand). */
    void release() {
        inputs.clear();
        outputs.clear();
    }
}
