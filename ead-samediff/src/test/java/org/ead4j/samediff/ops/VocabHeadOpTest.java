package org.ead4j.samediff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.ead4j.samediff.compat.QuietGradientBuild;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link VocabHeadOp}: forward against a plain double reference, gradients against finite differences. */
class VocabHeadOpTest {

    private static final int N = 7;
    private static final int D = 5;
    private static final int V = 11;

    @BeforeAll
    static void register() {
        CustomOps.ensureRegistered();
    }

    /** A scalar loss c1 . logProbs + c2 . temperedLogProbs + c3 . entropy over the fused head. */
    private static final class Fixture {
        final SameDiff sd = SameDiff.create();
        final INDArray h;
        final INDArray head;
        final int[] targets;
        final double[] invTau;
        final double[][] c = new double[3][N];
        final boolean tied;
        final boolean temperedEntropy;
        final SDVariable[] outs;

        Fixture(DataType dt, boolean tied, int chunk, boolean temperedEntropy, long seed) {
            this.tied = tied;
            this.temperedEntropy = temperedEntropy;
            Random r = new Random(seed);
            Nd4j.getRandom().setSeed(seed);
            h = Nd4j.rand(dt, N, D).subi(0.5).muli(3);
            head = (tied ? Nd4j.rand(dt, V, D) : Nd4j.rand(dt, D, V)).subi(0.5).muli(2);
            targets = new int[N];
            invTau = new double[N];
            for (int i = 0; i < N; i++) {
                targets[i] = r.nextInt(V);
                invTau[i] = 0.4 + 1.8 * r.nextDouble();
                for (int k = 0; k < 3; k++) {
                    c[k][i] = r.nextGaussian();
                }
            }
            SDVariable hv = sd.var("h", h);
            SDVariable wv = sd.var("w", head);
            SDVariable tv = sd.placeHolder("t", DataType.INT32, -1);
            SDVariable av = sd.placeHolder("a", dt, -1);
            outs = VocabHeadOp.head(sd, hv, wv, tied, tv, av, chunk, temperedEntropy);
            SDVariable loss = outs[0].mul(sd.constant(Nd4j.createFromArray(c[0]).castTo(dt))).sum()
                    .add(outs[1].mul(sd.constant(Nd4j.createFromArray(c[1]).castTo(dt))).sum())
                    .add(outs[2].mul(sd.constant(Nd4j.createFromArray(c[2]).castTo(dt))).sum());
            loss.rename("loss");
            sd.setLossVariables("loss");
        }

        Map<String, INDArray> ph() {
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("t", Nd4j.createFromArray(targets));
            ph.put("a", Nd4j.createFromArray(invTau).castTo(h.dataType()));
            return ph;
        }

        /** The three outputs from a direct double computation of the full logits. */
        double[][] reference() {
            double[][] out = new double[3][N];
            for (int i = 0; i < N; i++) {
                double[] z = new double[V];
                for (int j = 0; j < V; j++) {
                    for (int k = 0; k < D; k++) {
                        z[j] += h.getDouble(i, k) * (tied ? head.getDouble(j, k) : head.getDouble(k, j));
                    }
                }
                double[] az = new double[V];
                for (int j = 0; j < V; j++) {
                    az[j] = invTau[i] * z[j];
                }
                double lse = lse(z);
                double lseT = lse(az);
                out[0][i] = z[targets[i]] - lse;
                out[1][i] = az[targets[i]] - lseT;
                double[] x = temperedEntropy ? az : z;
                double l = temperedEntropy ? lseT : lse;
                for (int j = 0; j < V; j++) {
                    out[2][i] -= Math.exp(x[j] - l) * (x[j] - l);
                }
            }
            return out;
        }

        double loss() {
            return sd.output(ph(), "loss").get("loss").getDouble(0);
        }
    }

    private static double lse(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    @ParameterizedTest(name = "tied={0} chunk={1} temperedEntropy={2}")
    @CsvSource({"false,1,false", "false,3,false", "false,7,true", "false,16,false",
                "true,2,false", "true,4,true", "true,7,false", "true,100,true"})
    void gradientsMatchFiniteDifferencesInDouble(boolean tied, int chunk, boolean temperedEntropy) {
        Fixture f = new Fixture(DataType.DOUBLE, tied, chunk, temperedEntropy, 17 + chunk);
        Map<String, INDArray> out = f.sd.output(f.ph(), f.outs[0].name(), f.outs[1].name(), f.outs[2].name());
        double[][] ref = f.reference();
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < N; i++) {
                assertEquals(ref[k][i], out.get(f.outs[k].name()).getDouble(i), 1e-12, "output " + k + " token " + i);
            }
        }
        QuietGradientBuild.ensureGradFunction(f.sd);
        Map<String, INDArray> g = f.sd.calculateGradients(f.ph(), "h", "w");
        double eps = 1e-6;
        double maxErr = 0;
        for (String name : new String[]{"h", "w"}) {
            INDArray p = name.equals("h") ? f.h : f.head;
            INDArray an = g.get(name);
            assertEquals(p.length(), an.length());
            for (long j = 0; j < p.length(); j++) {
                double orig = p.getDouble(j);
                p.putScalar(j, orig + eps);
                double up = f.loss();
                p.putScalar(j, orig - eps);
                double down = f.loss();
                p.putScalar(j, orig);
                double fd = (up - down) / (2 * eps);
                double err = Math.abs(fd - an.getDouble(j)) / Math.max(1.0, Math.abs(fd));
                maxErr = Math.max(maxErr, err);
                assertTrue(err < 1e-7, name + "[" + j + "]: analytic " + an.getDouble(j) + " vs finite difference " + fd);
            }
        }
        assertTrue(maxErr < 1e-7);
    }

    @Test
    void chunkSizeDoesNotChangeFloatResultsBeyondRounding() {
        Fixture a = new Fixture(DataType.FLOAT, false, 3, false, 5);
        Fixture b = new Fixture(DataType.FLOAT, false, 64, false, 5);
        for (int k = 0; k < 3; k++) {
            INDArray x = a.sd.output(a.ph(), a.outs[k].name()).get(a.outs[k].name());
            INDArray y = b.sd.output(b.ph(), b.outs[k].name()).get(b.outs[k].name());
            assertTrue(x.sub(y).amaxNumber().doubleValue() < 1e-5, "output " + k);
        }
    }

    @Test
    void rejectsOutOfRangeTargets() {
        Fixture f = new Fixture(DataType.DOUBLE, false, 4, false, 3);
        Map<String, INDArray> ph = f.ph();
        ph.put("t", Nd4j.createFromArray(0, 1, 2, 3, 4, 5, V));
        Exception e = assertThrows(RuntimeException.class, () -> f.sd.output(ph, f.outs[0].name()));
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("out of range"), String.valueOf(cause.getMessage()));
    }
}
