package org.ead4j.samediff.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Distribution, log-prob and determinism checks for the sampling kernel against an independent reference. */
class TokenSamplerTest {

    private static final float[] Z = {2.0f, 1.5f, 0.3f, -0.4f, 1.1f, -2.0f, 0.9f, 0.0f, -1.2f, 1.7f};
    private static final int N = 60_000;

    /** Reference: softmax(z / tau), then top-k, top-p, min-p on the kept set, renormalised (all in double). */
    static double[] reference(float[] z, double tau, int topK, double topP, double minP) {
        int v = z.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float x : z) {
            max = Math.max(max, x);
        }
        double[] p = new double[v];
        double s = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((z[i] - max) / tau);
            s += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= s;
        }
        Integer[] order = IntStream.range(0, v).boxed().sorted(Comparator.comparingDouble(i -> -p[i])).toArray(Integer[]::new);
        boolean[] keep = new boolean[v];
        Arrays.fill(keep, true);
        if (topK > 0) {
            for (int r = topK; r < v; r++) {
                keep[order[r]] = false;
            }
        }
        if (topP < 1) {
            double kept = 0;
            for (int i = 0; i < v; i++) {
                kept += keep[i] ? p[i] : 0;
            }
            double cum = 0;
            boolean reached = false;
            for (Integer i : order) {
                if (!keep[i]) {
                    continue;
                }
                if (reached) {
                    keep[i] = false;
                } else {
                    cum += p[i] / kept;
                    reached = cum >= topP;
                }
            }
        }
        if (minP > 0) {
            double pmax = p[order[0]];
            for (int i = 0; i < v; i++) {
                if (p[i] < minP * pmax) {
                    keep[i] = false;
                }
            }
        }
        double total = 0;
        for (int i = 0; i < v; i++) {
            total += keep[i] ? p[i] : 0;
        }
        double[] q = new double[v];
        for (int i = 0; i < v; i++) {
            q[i] = keep[i] ? p[i] / total : 0;
        }
        return q;
    }

    @ParameterizedTest(name = "tau={0} topK={1} topP={2} minP={3}")
    @CsvSource({
        "0.1, 0, 1.0, 0.0", "0.6, 0, 1.0, 0.0", "1.0, 0, 1.0, 0.0", "1.2, 0, 1.0, 0.0",
        "0.6, 4, 1.0, 0.0", "1.2, 4, 1.0, 0.0", "1.0, 0, 0.8, 0.0", "1.2, 0, 0.9, 0.0",
        "1.0, 0, 1.0, 0.2", "1.2, 6, 0.95, 0.05"})
    void frequenciesMatchTheTruncatedTemperedSoftmax(double tau, int topK, double topP, double minP) {
        double[] q = reference(Z, tau, topK, topP, minP);
        TokenSampler sampler = new TokenSampler(new SamplerConfig(topK, topP, minP));
        int[] counts = new int[Z.length];
        int[] tok = new int[1];
        float[] beh = new float[1];
        float[] tgt = new float[1];
        long key = RandomStreams.key(123, 4, 5, 6);
        for (int n = 0; n < N; n++) {
            sampler.sampleRow(Z, 0, Z.length, tau, RandomStreams.uniform(key, n), 0, tok, beh, tgt);
            counts[tok[0]]++;
            // log-probs equal the analytic values
            assertEquals(Math.log(q[tok[0]]), beh[0], 1e-6);
            assertEquals(Math.log(reference(Z, 1.0, 0, 1, 0)[tok[0]]), tgt[0], 1e-6);
        }
        double chi2 = 0;
        int df = -1;
        for (int i = 0; i < Z.length; i++) {
            if (q[i] == 0) {
                assertEquals(0, counts[i], "truncated token " + i + " was sampled");
                continue;
            }
            double expected = q[i] * N;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
            df++;
            double sd = Math.sqrt(q[i] * (1 - q[i]) / N);
            assertTrue(Math.abs(counts[i] / (double) N - q[i]) < 5 * sd + 1e-9,
                    "token " + i + ": freq " + counts[i] / (double) N + " vs p " + q[i]);
        }
        // chi-square critical value at p = 0.001 for df <= 9 is 27.9
        assertTrue(chi2 < 27.9, "chi2 " + chi2 + " with df " + df);
    }

    @Test
    void sameKeysGiveSameTokensWhateverTheBatchOrder() {
        int b = 16;
        int v = 50;
        float[] z = new float[b * v];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        long[] keys = new long[b];
        float[] tau = new float[b];
        double[] u = new double[b];
        for (int i = 0; i < b; i++) {
            keys[i] = RandomStreams.key(9, 2, i, 0);
            tau[i] = 0.3f + 0.1f * i;
            u[i] = RandomStreams.uniform(keys[i], 17);
        }
        int[] tokens = new int[b];
        TokenSampler s = new TokenSampler();
        s.sample(z, b, v, tau, u, tokens, new float[b], new float[b]);
        // reversed batch: row i goes to b-1-i
        float[] zr = new float[b * v];
        float[] taur = new float[b];
        double[] ur = new double[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(z, i * v, zr, (b - 1 - i) * v, v);
            taur[b - 1 - i] = tau[i];
            ur[b - 1 - i] = RandomStreams.uniform(keys[i], 17);
        }
        int[] tokensR = new int[b];
        s.sample(zr, b, v, taur, ur, tokensR, new float[b], new float[b]);
        for (int i = 0; i < b; i++) {
            assertEquals(tokens[i], tokensR[b - 1 - i]);
        }
        // different keys give different streams
        assertTrue(RandomStreams.uniform(RandomStreams.key(9, 2, 0, 0), 0) != RandomStreams.uniform(RandomStreams.key(9, 2, 0, 1), 0));
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] z = {1e30f, -1e30f, 0f, 1e30f};
        int[] tok = new int[1];
        float[] beh = new float[1];
        float[] tgt = new float[1];
        TokenSampler s = new TokenSampler(new SamplerConfig(2, 0.9, 0.1));
        for (double tau : new double[]{0.1, 1.0, 1.2}) {
            for (int n = 0; n < 100; n++) {
                s.sampleRow(z, 0, 4, tau, n / 100.0, 0, tok, beh, tgt);
                assertTrue(tok[0] == 0 || tok[0] == 3);
                assertEquals(Math.log(0.5), beh[0], 1e-6);
                assertEquals(Math.log(0.5), tgt[0], 1e-6);
            }
        }
        float[] masked = {Float.NEGATIVE_INFINITY, 0.5f, Float.NEGATIVE_INFINITY};
        s.sampleRow(masked, 0, 3, 1.0, 0.7, 0, tok, beh, tgt);
        assertEquals(1, tok[0]);
        assertEquals(0.0, beh[0], 1e-7);
    }

    @Test
    void greedyAtTauZero() {
        int[] tok = new int[1];
        float[] beh = new float[1];
        float[] tgt = new float[1];
        new TokenSampler().sampleRow(Z, 0, Z.length, 0.0, 0.999, 0, tok, beh, tgt);
        assertEquals(0, tok[0]);
        assertEquals(0.0, beh[0], 0);
        assertEquals(Math.log(reference(Z, 1.0, 0, 1, 0)[0]), tgt[0], 1e-6);
    }

    @Test
    void badRowsGiveClearErrors() {
        TokenSampler s = new TokenSampler();
        int[] tok = new int[1];
        float[] f = new float[1];
        float[] inf = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.sampleRow(inf, 0, 2, 1.0, 0.5, 3, tok, f, f));
        assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("-inf"), e.getMessage());
        float[] nan = {0f, Float.NaN};
        e = assertThrows(IllegalArgumentException.class, () -> s.sampleRow(nan, 0, 2, 1.0, 0.5, 0, tok, f, f));
        assertTrue(e.getMessage().contains("index 1") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.sampleRow(Z, 0, Z.length, -1, 0.5, 0, tok, f, f));
        assertTrue(e.getMessage().contains("temperature -1.0"), e.getMessage());
    }

    @Test
    void uniformsAreUniform() {
        long key = RandomStreams.key(1, 2, 3, 4);
        int[] bins = new int[10];
        for (int i = 0; i < 100_000; i++) {
            double u = RandomStreams.uniform(key, i);
            assertTrue(u >= 0 && u < 1);
            bins[(int) (u * 10)]++;
        }
        for (int b : bins) {
            assertTrue(Math.abs(b - 10_000) < 500, Arrays.toString(bins));
        }
        assertArrayEquals(new double[]{RandomStreams.uniform(key, 5)}, new double[]{RandomStreams.uniform(key, 5)});
    }
}
