package org.ead4j.samediff.sampling;

import java.util.Arrays;

/**
 * The one sampling kernel of ead4j: draws a token from softmax(z / tau) after optional top-k,
 * top-p and min-p truncation, and reports the behaviour log-prob (at tau, after truncation,
 * renormalised: vLLM's {@code processed_logprobs}) and the target log-prob log softmax(z)[y] at tau = 1.
 *
 * <p>The draw is inverse-CDF with one caller-supplied uniform per token, so a token is a pure
 * function of (logits, tau, uniform); callers take the uniform from {@link RandomStreams}.
 * Numerics: max-subtraction, sums in double; logits of +-1e30 are fine, NaN or +inf and rows that
 * are entirely -inf are rejected with the row and index. tau = 0 is greedy (argmax, first on ties)
 * and its behaviour log-prob is 0 (a point mass). Not thread-safe: it owns scratch buffers; use
 * one instance per thread.
 */
public final class TokenSampler {

    private final SamplerConfig config;
    private double[] weights = new double[0];   // [V] exp((z - max) / tau), zeroed where truncated
    private float[] selectScratch = new float[0]; // [V] for the top-k threshold
    private long[] sortScratch = new long[0];   // [V] (weight bits, index) for top-p

    /**
     * Creates a kernel with a truncation setting.
     *
     * @param config top-k / top-p / min-p
     */
    public TokenSampler(SamplerConfig config) {
        this.config = config;
    }

    /** Creates a kernel without truncation. */
    public TokenSampler() {
        this(new SamplerConfig());
    }

    /** @return the truncation setting */
    public SamplerConfig config() {
        return config;
    }

    /**
     * Samples every row of a [rows, vocab] block of logits.
     *
     * @param logits row-major logits, rows * vocab floats from offset 0
     * @param rows number of rows B
     * @param vocab vocabulary size V
     * @param tau per-row temperature [B]; 0 = greedy
     * @param uniforms per-row uniform in [0, 1) [B]
     * @param tokens out: sampled token per row [B]
     * @param behaviourLogProb out: log pi(y; tau) after truncation [B]
     * @param targetLogProb out: log softmax(z)[y] at tau = 1 [B]
     */
    public void sample(float[] logits, int rows, int vocab, float[] tau, double[] uniforms,
                       int[] tokens, float[] behaviourLogProb, float[] targetLogProb) {
        for (int r = 0; r < rows; r++) {
            sampleRow(logits, r * vocab, vocab, tau[r], uniforms[r], r, tokens, behaviourLogProb, targetLogProb);
        }
    }

    /**
     * Samples one row and writes the results at index {@code row} of the output arrays.
     *
     * @param logits logits array
     * @param offset index of the row's first logit
     * @param vocab vocabulary size V
     * @param tau temperature; 0 = greedy
     * @param uniform a uniform draw in [0, 1)
     * @param row the output index (also used in error messages)
     * @param tokens out: sampled token
     * @param behaviourLogProb out: log pi(y; tau) after truncation
     * @param targetLogProb out: log softmax(z)[y]
     * @return the sampled token
     */
    public int sampleRow(float[] logits, int offset, int vocab, double tau, double uniform, int row,
                         int[] tokens, float[] behaviourLogProb, float[] targetLogProb) {
        if (!(tau >= 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("row " + row + ": temperature " + tau + " is invalid: must be finite and >= 0");
        }
        // 1. max for stability; reject NaN/+inf and all -inf rows
        float max = Float.NEGATIVE_INFINITY;
        int argmax = -1;
        for (int i = 0; i < vocab; i++) {
            float z = logits[offset + i];
            if (z > max) {
                max = z;
                argmax = i;
            } else if (Float.isNaN(z)) {
                throw new IllegalArgumentException("row " + row + ": logit at index " + i + " is NaN");
            }
        }
        if (argmax < 0) {
            throw new IllegalArgumentException("row " + row + ": every logit is -inf (or NaN); nothing can be sampled");
        }
        if (max == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("row " + row + ": logit at index " + argmax + " is +inf");
        }
        ensureCapacity(vocab);
        double[] w = weights;
        // 2. weights at tau and the tau = 1 normaliser in one pass
        double sumTarget = 0;
        double sumTau = 0;
        int token;
        double behaviour;
        if (tau == 0) {
            for (int i = 0; i < vocab; i++) {
                sumTarget += Math.exp((double) logits[offset + i] - max);
            }
            token = argmax;
            behaviour = 0.0;
        } else {
            double invTau = 1.0 / tau;
            for (int i = 0; i < vocab; i++) {
                double d = (double) logits[offset + i] - max;
                sumTarget += Math.exp(d);
                double e = Math.exp(d * invTau);
                w[i] = e;
                sumTau += e;
            }
            if (config.truncates()) {
                sumTau = truncate(logits, offset, vocab);
            }
            // 3. inverse CDF
            double target = uniform * sumTau;
            double cum = 0;
            token = -1;
            int lastKept = argmax;
            for (int i = 0; i < vocab; i++) {
                double e = w[i];
                if (e > 0) {
                    cum += e;
                    lastKept = i;
                    if (cum > target) {
                        token = i;
                        break;
                    }
                }
            }
            if (token < 0) {
                token = lastKept; // rounding left the tail: the last kept token
            }
            behaviour = ((double) logits[offset + token] - max) * invTau - Math.log(sumTau);
        }
        tokens[row] = token;
        behaviourLogProb[row] = (float) behaviour;
        targetLogProb[row] = (float) ((double) logits[offset + token] - max - Math.log(sumTarget));
        return token;
    }

    /** Zeroes truncated weights in {@link #weights}; returns the kept mass. The max token is always kept. */
    private double truncate(float[] logits, int offset, int vocab) {
        double[] w = weights;
        int k = config.topK();
        if (k > 0 && k < vocab) {
            float threshold = kthLargest(logits, offset, vocab, k);
            for (int i = 0; i < vocab; i++) {
                if (logits[offset + i] < threshold) {
                    w[i] = 0;
                }
            }
        }
        double p = config.topP();
        if (p < 1.0) {
            int n = 0;
            double kept = 0;
            for (int i = 0; i < vocab; i++) {
                if (w[i] > 0) {
                    // positive floats order like their bit patterns; index in the low half
                    sortScratch[n++] = ((long) Float.floatToIntBits((float) w[i]) << 32) | i;
                    kept += w[i];
                }
            }
            Arrays.sort(sortScratch, 0, n);
            double cum = 0;
            int j = n - 1;
            for (; j >= 0; j--) {
                cum += w[(int) sortScratch[j]];
                if (cum >= p * kept) {
                    j--;
                    break;
                }
            }
            for (; j >= 0; j--) {
                w[(int) sortScratch[j]] = 0;
            }
        }
        double minP = config.minP();
        if (minP > 0) {
            // the top token's weight is exp(0) = 1
            for (int i = 0; i < vocab; i++) {
                if (w[i] < minP) {
                    w[i] = 0;
                }
            }
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += w[i];
        }
        return sum;
    }

    /** The k-th largest logit of the row (quickselect on a scratch copy). */
    private float kthLargest(float[] logits, int offset, int vocab, int k) {
        float[] a = selectScratch;
        System.arraycopy(logits, offset, a, 0, vocab);
        int lo = 0;
        int hi = vocab - 1;
        int target = vocab - k; // index in ascending order
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return a[target];
    }

    private void ensureCapacity(int vocab) {
        if (weights.length < vocab) {
            weights = new double[vocab];
            if (config.topK() > 0) {
                selectScratch = new float[vocab];
            }
            if (config.topP() < 1.0) {
                sortScratch = new long[vocab];
            }
        }
    }
}
