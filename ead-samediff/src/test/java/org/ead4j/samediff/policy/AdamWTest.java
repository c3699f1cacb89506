package org.ead4j.samediff.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {

    private static INDArray random(SplittableRandom rnd, double scale, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rnd.nextGaussian());
        }
        return Nd4j.create(v, shape, 'c');
    }

    /**
     * Reference: Loshchilov and Hutter (arXiv:1711.05101) Algorithm 2 in PyTorch's form, in double, with
     * clip_grad_norm_ semantics, decay on rank >= 2 only.
     */
    private static void reference(Map<String, double[]> p, Map<String, long[]> shapes, Map<String, double[]> g,
                                  Map<String, double[]> m, Map<String, double[]> v, int t, double lr, double b1, double b2,
                                  double eps, double wd, double clip) {
        double sq = 0;
        for (double[] gv : g.values()) {
            for (double x : gv) {
                sq += x * x;
            }
        }
        double norm = Math.sqrt(sq);
        double c = clip > 0 ? Math.min(1, clip / (norm + 1e-6)) : 1;
        for (String k : p.keySet()) {
            double[] pv = p.get(k);
            double[] gv = g.get(k);
            double[] mv = m.computeIfAbsent(k, x -> new double[pv.length]);
            double[] vv = v.computeIfAbsent(k, x -> new double[pv.length]);
            double decay = shapes.get(k).length >= 2 ? 1 - lr * wd : 1;
            for (int i = 0; i < pv.length; i++) {
                double gi = gv[i] * c;
                mv[i] = b1 * mv[i] + (1 - b1) * gi;
                vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
                double mh = mv[i] / (1 - Math.pow(b1, t));
                double vh = vv[i] / (1 - Math.pow(b2, t));
                pv[i] = pv[i] * decay - lr * mh / (Math.sqrt(vh) + eps);
            }
        }
    }

    @Test
    void matchesReferenceWithClippingAndDecay() {
        SplittableRandom rnd = new SplittableRandom(4);
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("w", random(rnd, 1, 3, 4));
        params.put("gain", random(rnd, 1, 4));
        Map<String, double[]> ref = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            float[] f = HostArrays.toFloats(e.getValue());
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            ref.put(e.getKey(), d);
            shapes.put(e.getKey(), e.getValue().shape());
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        Map<String, double[]> v = new LinkedHashMap<>();
        AdamW opt = new AdamW(0.01, 0.9, 0.95, 1e-8, 0.1, 1.0);
        for (int t = 1; t <= 5; t++) {
            // large gradients in odd steps (clipped), small ones in even steps (not clipped)
            double scale = t % 2 == 1 ? 3.0 : 0.05;
            Map<String, INDArray> grads = new LinkedHashMap<>();
            Map<String, double[]> g = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                INDArray gr = random(rnd, scale, e.getValue().shape());
                grads.put(e.getKey(), gr);
                float[] f = HostArrays.toFloats(gr);
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                g.put(e.getKey(), d);
            }
            double expectedNorm = 0;
            for (double[] gv : g.values()) {
                for (double x : gv) {
                    expectedNorm += x * x;
                }
            }
            double norm = opt.step(params, grads, 0.01);
            assertEquals(Math.sqrt(expectedNorm), norm, 1e-5 * Math.sqrt(expectedNorm));
            assertTrue(t % 2 == 0 || norm > 1.0, "odd steps should exercise clipping");
            reference(ref, shapes, g, m, v, t, 0.01, 0.9, 0.95, 1e-8, 0.1, 1.0);
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                float[] got = HostArrays.toFloats(e.getValue());
                double[] want = ref.get(e.getKey());
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], 2e-6, e.getKey() + "[" + i + "] at step " + t);
                }
            }
        }
        assertEquals(5, opt.stepCount());
    }

    @Test
    void restoredStateContinuesIdentically() {
        SplittableRandom rnd = new SplittableRandom(9);
        Map<String, INDArray> a = new LinkedHashMap<>();
        a.put("w", random(rnd, 1, 5, 2));
        Map<String, INDArray> b = new LinkedHashMap<>();
        b.put("w", a.get("w").dup());
        Map<String, INDArray> g1 = Map.of("w", random(rnd, 1, 5, 2));
        Map<String, INDArray> g2 = Map.of("w", random(rnd, 1, 5, 2));
        AdamW optA = new AdamW(0.05);
        optA.step(a, g1);
        AdamW optB = new AdamW(0.05);
        optB.step(b, g1);
        AdamW optC = new AdamW(0.05);
        optC.restoreState(optB.stepCount(), optB.firstMoments(), optB.secondMoments());
        optA.step(a, g2);
        optC.step(b, g2);
        assertArrayEquals(HostArrays.toFloats(a.get("w")), HostArrays.toFloats(b.get("w")), 0f);
    }

    @Test
    void rejectsBadSettingsAndGradients() {
        assertThrows(PropertyException.class, () -> new AdamW(0.01, 1.0, 0.999, 1e-8, 0, 1));
        assertThrows(PropertyException.class, () -> new AdamW(0.01, 0.9, 0.999, 0, 0, 1));
        assertThrows(PropertyException.class, () -> new AdamW(0.01, 0.9, 0.999, 1e-8, 0, -1));
        AdamW opt = new AdamW(0.01);
        Map<String, INDArray> p = Map.of("w", Nd4j.zeros(2, 2));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> opt.step(p, Map.of()));
        assertTrue(missing.getMessage().contains("w"));
        assertThrows(IllegalArgumentException.class, () -> opt.step(p, Map.of("w", Nd4j.zeros(4))));
        INDArray nan = Nd4j.zeros(2, 2);
        nan.putScalar(0, Float.NaN);
        assertThrows(IllegalArgumentException.class, () -> opt.step(p, Map.of("w", nan)));
        assertEquals(0, opt.stepCount(), "a rejected step must not count");
    }
}
