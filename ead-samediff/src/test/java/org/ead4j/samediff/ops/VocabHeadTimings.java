package org.ead4j.samediff.ops;

import java.util.Map;
import org.ead4j.samediff.compat.QuietGradientBuild;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quick timings (not a benchmark, not a test) of {@link VocabHeadOp} forward + backward at the qwen2.5-0.5b head
 * shape (D 896, V 151936, tied) for several chunk sizes. Run with OMP_NUM_THREADS=1:
 * {@code java -cp target/test-classes:target/classes:<deps> org.ead4j.samediff.ops.VocabHeadTimings [tokens [chunk...]]}.
 */
public final class VocabHeadTimings {

    private VocabHeadTimings() {
    }

    /**
     * Entry point.
     *
     * @param args tokens N (default 1024), then chunk sizes (default 64 128 256 512)
     */
    public static void main(String[] args) {
        CustomOps.ensureRegistered();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int[] chunks = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[]{64, 128, 256, 512};
        int d = 896;
        int v = 151936;
        Nd4j.getRandom().setSeed(1);
        INDArray h = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray e = Nd4j.randn(DataType.FLOAT, v, d).muli(0.02);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i * 7919) % v;
        }
        Map<String, INDArray> ph = Map.of("t", Nd4j.createFromArray(t),
                "a", Nd4j.valueArrayOf(new long[]{n}, 1.25, DataType.FLOAT));
        for (int chunk : chunks) {
            SameDiff sd = SameDiff.create();
            SDVariable hv = sd.var("h", h);
            SDVariable ev = sd.var("e", e);
            SDVariable[] o = VocabHeadOp.head(sd, hv, ev, true, sd.placeHolder("t", DataType.INT32, -1),
                    sd.placeHolder("a", DataType.FLOAT, -1), chunk, false);
            o[0].sum().add(o[1].sum()).add(o[2].sum().mul(0.01)).rename("loss");
            sd.setLossVariables("loss");
            QuietGradientBuild.ensureGradFunction(sd);
            double best = Double.MAX_VALUE;
            double bestFwd = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                sd.output(ph, "loss");
                long t1 = System.nanoTime();
                sd.calculateGradients(ph, "h", "e");
                long t2 = System.nanoTime();
                bestFwd = Math.min(bestFwd, (t1 - t0) / 1e6);
                best = Math.min(best, (t2 - t1) / 1e6);
            }
            System.out.printf(java.util.Locale.ROOT, "N %d chunk %4d: forward %.0f ms, forward+backward %.0f ms, "
                    + "scratch %.0f MB%n", n, chunk, bestFwd, best, 4.0 * chunk * v * 4 / 1e6);
        }
    }
}
