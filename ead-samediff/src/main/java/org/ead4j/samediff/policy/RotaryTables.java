package org.ead4j.samediff.policy;

/**
 * Cosine and sine tables of rotary position embedding (Su et al. 2021, arXiv:2104.09864), {@code [maxSeqLen,
 * headDim/2]}, shared by the SameDiff graph and the Java decoder so both use the very same numbers.
 *
 * <p>ead4j's {@link Architecture#GPT}: angle(p, i) = p * base^(-2i / headDim) for position p and pair i, in double
 * with StrictMath, rounded to float (computing the angle in float32 inside the graph would differ by up to ~6e-5 at
 * position 512). These values are fixed: GPT checkpoints and golden values depend on them.
 *
 * <p>The Hugging Face families compute what transformers' {@code LlamaRotaryEmbedding} computes, in float32:
 * {@code inv_freq = 1 / theta^(arange(0, d, 2) / d)} (see {@link #inverseFrequencies}), optionally rescaled by
 * {@code _compute_llama3_parameters}, then {@code angle = float32(inv_freq * p)} and cos/sin of that float angle
 * rounded to float. transformers takes {@code pow}, {@code cos} and {@code sin} from its vector math library (within
 * an ulp or so); here they are the correctly rounded values of StrictMath.
 */
public final class RotaryTables {

    private final int half;
    private final float[] cos;
    private final float[] sin;

    /**
     * Builds the tables for every position below {@code maxSeqLen}.
     *
     * @param c the configuration
     */
    public RotaryTables(PolicyConfig c) {
        this.half = c.headDim() / 2;
        int n = c.maxSeqLen();
        cos = new float[n * half];
        sin = new float[n * half];
        if (c.architecture().isHuggingFace()) {
            float[] invFreq = inverseFrequencies(c);
            for (int p = 0; p < n; p++) {
                for (int i = 0; i < half; i++) {
                    float angle = invFreq[i] * (float) p;
                    cos[p * half + i] = (float) StrictMath.cos(angle);
                    sin[p * half + i] = (float) StrictMath.sin(angle);
                }
            }
            return;
        }
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * StrictMath.pow(c.ropeBase(), -2.0 * i / c.headDim());
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
    }

    /**
     * The rotary inverse frequencies of a Hugging Face family model, float32 step by step as transformers computes
     * them: {@code _compute_default_rope_parameters} ({@code 1.0 / (base ** (arange(0, d, 2).float() / d))}) and,
     * with {@link RopeScaling#LLAMA3}, {@code _compute_llama3_parameters}. Python scalars enter float32 tensor
     * arithmetic rounded to float, and {@code scalar / tensor} is {@code tensor.reciprocal() * scalar} in PyTorch.
     *
     * @param c the configuration (its headDim, ropeBase and rope scaling fields)
     * @return headDim / 2 inverse frequencies
     */
    public static float[] inverseFrequencies(PolicyConfig c) {
        int d = c.headDim();
        float[] inv = new float[d / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) d;
            float pow = (float) StrictMath.pow(c.ropeBase(), exponent);
            inv[i] = 1.0f / pow;
        }
        if (c.ropeScaling() == RopeScaling.LLAMA3) {
            llama3(inv, c.ropeScalingFactor(), c.ropeLowFreqFactor(), c.ropeHighFreqFactor(), c.ropeOriginalMaxPositions());
        }
        return inv;
    }

    /** transformers' {@code _compute_llama3_parameters}, in place, operation by operation in float32. */
    static void llama3(float[] inv, double factor, double lowFreqFactor, double highFreqFactor, int oldContextLen) {
        // Python floats: these two are computed in double, then compared against float32 tensors
        float lowFreqWavelen = (float) (oldContextLen / lowFreqFactor);
        float highFreqWavelen = (float) (oldContextLen / highFreqFactor);
        float f = (float) factor;
        float low = (float) lowFreqFactor;
        float span = (float) (highFreqFactor - lowFreqFactor);
        float twoPi = (float) (2 * Math.PI);
        float ctx = (float) oldContextLen;
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (1.0f / inv[i]) * twoPi;                   // 2 * math.pi / inv_freq
            float scaled = wavelen > lowFreqWavelen ? inv[i] / f : inv[i];
            float smooth = ((1.0f / wavelen) * ctx - low) / span;       // (old_context_len / wavelen - low) / (high - low)
            float smoothed = (1.0f - smooth) * scaled / f + smooth * scaled;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            inv[i] = medium ? smoothed : scaled;
        }
    }

    /** @return headDim / 2, the row length of the tables */
    public int half() {
        return half;
    }

    /** @return cosines, {@code [maxSeqLen, headDim/2]} row-major (shared, do not modify) */
    public float[] cos() {
        return cos;
    }

    /** @return sines, {@code [maxSeqLen, headDim/2]} row-major (shared, do not modify) */
    public float[] sin() {
        return sin;
    }
}
