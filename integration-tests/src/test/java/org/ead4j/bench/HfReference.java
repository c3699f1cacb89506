package org.ead4j.bench;

import java.util.Map;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.RopeScaling;
import org.ead4j.samediff.policy.WeightLayout;

/**
 * The Hugging Face Llama / Qwen2 / Qwen3 forward pass as plain double-precision loops over one sequence, read
 * directly from our parameter layout ({@link WeightLayout} names, {@code [in, out]}): an independent check of
 * {@link DjlHfPolicy} (different language, precision, layout and batching; no padding at all).
 */
final class HfReference {

    private final PolicyConfig c;
    private final Map<String, float[]> p;
    private final int d;
    private final int heads;
    private final int kv;
    private final int dh;
    private final double[] invFreq;

    HfReference(PolicyConfig c, Map<String, float[]> p) {
        this.c = c;
        this.p = p;
        this.d = c.dModel();
        this.heads = c.numHeads();
        this.kv = c.numKvHeads();
        this.dh = c.headDim();
        this.invFreq = inverseFrequencies(c);
    }

    /** theta^(-2i/dh), then Llama 3's three bands: keep short wavelengths, divide long ones by factor, blend between. */
    static double[] inverseFrequencies(PolicyConfig c) {
        int dh = c.headDim();
        double[] f = new double[dh / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1.0 / Math.pow(c.ropeBase(), 2.0 * i / dh);
            if (c.ropeScaling() == RopeScaling.LLAMA3) {
                double wavelen = 2 * Math.PI / f[i];
                double lowWavelen = c.ropeOriginalMaxPositions() / c.ropeLowFreqFactor();
                double highWavelen = c.ropeOriginalMaxPositions() / c.ropeHighFreqFactor();
                if (wavelen > lowWavelen) {
                    f[i] = f[i] / c.ropeScalingFactor();
                } else if (wavelen >= highWavelen) {
                    double s = (c.ropeOriginalMaxPositions() / wavelen - c.ropeLowFreqFactor())
                            / (c.ropeHighFreqFactor() - c.ropeLowFreqFactor());
                    f[i] = (1 - s) * f[i] / c.ropeScalingFactor() + s * f[i];
                }
            }
        }
        return f;
    }

    /** x W (+ b) with W [in, out] row-major. */
    private double[] linear(double[] x, String w, String bias) {
        float[] m = p.get(w);
        int in = x.length;
        int out = m.length / in;
        double[] y = new double[out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                y[o] += x[i] * m[i * out + o];
            }
        }
        float[] b = p.get(bias);
        if (b != null) {
            for (int o = 0; o < out; o++) {
                y[o] += b[o];
            }
        }
        return y;
    }

    private double[] rms(double[] x, int from, int len, float[] gain) {
        double ms = 0;
        for (int i = 0; i < len; i++) {
            ms += x[from + i] * x[from + i];
        }
        double inv = 1 / Math.sqrt(ms / len + c.normEpsilon());
        double[] y = new double[len];
        for (int i = 0; i < len; i++) {
            y[i] = gain[i] * x[from + i] * inv;
        }
        return y;
    }

    /** rotate_half layout: pair (i, i + dh/2) turned by pos * invFreq[i]; in place on x[from .. from + dh). */
    private void rope(double[] x, int from, int pos) {
        int half = dh / 2;
        for (int i = 0; i < half; i++) {
            double a = pos * invFreq[i];
            double x1 = x[from + i];
            double x2 = x[from + i + half];
            x[from + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
            x[from + i + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
        }
    }

    /**
     * Logits of every position of one sequence.
     *
     * @param tokens the ids
     * @return [T][V]
     */
    double[][] logits(int[] tokens) {
        int t = tokens.length;
        int v = c.vocabSize();
        float[] emb = p.get(WeightLayout.TOKEN_EMBEDDING);
        double[][] x = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = emb[tokens[i] * d + j];
            }
        }
        int groups = heads / kv;
        for (int l = 0; l < c.numLayers(); l++) {
            double[][] q = new double[t][];
            double[][] k = new double[t][];
            double[][] val = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] h = rms(x[i], 0, d, p.get(WeightLayout.norm1Gain(l)));
                q[i] = linear(h, WeightLayout.projection(l, "q"), WeightLayout.projectionBias(l, "q"));
                k[i] = linear(h, WeightLayout.projection(l, "k"), WeightLayout.projectionBias(l, "k"));
                val[i] = linear(h, WeightLayout.projection(l, "v"), WeightLayout.projectionBias(l, "v"));
                for (int hh = 0; hh < heads; hh++) {
                    if (c.qkNorm()) {
                        System.arraycopy(rms(q[i], hh * dh, dh, p.get(WeightLayout.qNormGain(l))), 0, q[i], hh * dh, dh);
                    }
                    rope(q[i], hh * dh, i);
                }
                for (int hh = 0; hh < kv; hh++) {
                    if (c.qkNorm()) {
                        System.arraycopy(rms(k[i], hh * dh, dh, p.get(WeightLayout.kNormGain(l))), 0, k[i], hh * dh, dh);
                    }
                    rope(k[i], hh * dh, i);
                }
            }
            for (int i = 0; i < t; i++) {
                double[] att = new double[heads * dh];
                for (int hh = 0; hh < heads; hh++) {
                    int g = hh / groups; // key/value head of this query head
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int e = 0; e < dh; e++) {
                            dot += q[i][hh * dh + e] * k[j][g * dh + e];
                        }
                        s[j] = dot / Math.sqrt(dh);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= i; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < dh; e++) {
                            att[hh * dh + e] += s[j] / z * val[j][g * dh + e];
                        }
                    }
                }
                double[] o = linear(att, WeightLayout.projection(l, "out"), WeightLayout.projectionBias(l, "out"));
                for (int j = 0; j < d; j++) {
                    x[i][j] += o[j];
                }
                double[] h = rms(x[i], 0, d, p.get(WeightLayout.norm2Gain(l)));
                double[] gate = linear(h, WeightLayout.projection(l, "gate"), WeightLayout.projectionBias(l, "gate"));
                double[] up = linear(h, WeightLayout.projection(l, "up"), WeightLayout.projectionBias(l, "up"));
                for (int j = 0; j < gate.length; j++) {
                    gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                }
                double[] down = linear(gate, WeightLayout.projection(l, "down"), WeightLayout.projectionBias(l, "down"));
                for (int j = 0; j < d; j++) {
                    x[i][j] += down[j];
                }
            }
        }
        double[][] out = new double[t][v];
        for (int i = 0; i < t; i++) {
            double[] h = rms(x[i], 0, d, p.get(WeightLayout.FINAL_NORM_GAIN));
            for (int o = 0; o < v; o++) {
                double z = 0;
                for (int j = 0; j < d; j++) {
                    z += h[j] * (c.tiedEmbeddings() ? emb[o * d + j] : p.get(WeightLayout.HEAD)[j * v + o]);
                }
                out[i][o] = z;
            }
        }
        return out;
    }
}
