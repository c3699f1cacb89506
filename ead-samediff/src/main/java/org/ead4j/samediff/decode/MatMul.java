package org.ead4j.samediff.decode;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out[m, N] = x[m, K] W[K, N]} for the decoder's row-major {@code float[]} activations.
 *
 * <p>Few rows (single-sequence decoding) run a Java loop: per row, one axpy per input feature over a row of
 * W, which C2 vectorises and which avoids ND4J's per-call overhead (~10-100 us, notes/samediff-m2.1.md
 * Sec. 6). From {@code gemmMinRows} rows on, the activations are copied into preallocated C-order ND4J
 * arrays and multiplied with {@code Nd4j.gemm(a, b, out, false, false, 1, 0)} (BLAS; on CUDA the same call
 * runs on the GPU). Row counts are rounded up to a multiple of {@link #ROW_QUANTUM} so that only a few
 * staging shapes exist; the extra rows hold stale finite values whose results are ignored.
 */
final class MatMul {

    /** Staging arrays exist for row counts that are multiples of this. */
    static final int ROW_QUANTUM = 8;

    private final int gemmMinRows;
    /** (rows, cols) to a C-order FLOAT staging array [rows, cols], inputs and outputs apart (gemm must not alias). */
    private final Map<Long, INDArray> inputs = new HashMap<>();
    private final Map<Long, INDArray> outputs = new HashMap<>();

    MatMul(int gemmMinRows) {
        this.gemmMinRows = gemmMinRows;
    }

    /**
     * Multiplies.
     *
     * @param x input [m, w.in] row-major
     * @param m rows
     * @param w the weights
     * @param out output [m, w.out] row-major
     */
    void mul(float[] x, int m, DecoderWeights.Matrix w, float[] out) {
        if (m >= gemmMinRows) {
            gemm(x, m, w, out);
        } else {
            for (int i = 0; i < m; i++) {
                rowTimesMatrix(x, i * w.in, w.w, w.in, w.out, out, i * w.out);
            }
        }
    }

    /** out[o .. o+n) = x[xo .. xo+k) W, W [k, n] row-major. */
    static void rowTimesMatrix(float[] x, int xo, float[] w, int k, int n, float[] out, int o) {
        java.util.Arrays.fill(out, o, o + n, 0f);
        for (int kk = 0; kk < k; kk++) {
            float a = x[xo + kk];
            int wo = kk * n;
            for (int j = 0; j < n; j++) {
                out[o + j] += a * w[wo + j];
            }
        }
    }

    private void gemm(float[] x, int m, DecoderWeights.Matrix w, float[] out) {
        int rows = (m + ROW_QUANTUM - 1) / ROW_QUANTUM * ROW_QUANTUM;
        INDArray a = stage(inputs, rows, w.in);
        INDArray c = stage(outputs, rows, w.out);
        FloatBuffer ab = a.data().asNioFloat();
        ab.put(x, 0, m * w.in);
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
        Nd4j.gemm(a, w.nd, c, false, w.ndTransposed, 1.0, 0.0);
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        c.data().asNioFloat().get(out, 0, m * w.out);
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
