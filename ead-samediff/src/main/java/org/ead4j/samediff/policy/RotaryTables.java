package org.ead4j.samediff.policy;

/**
 * Cosine and sine tables of rotary position embedding (Su et al. 2021, arXiv:2104.09864, Eq. 34):
 * angle(p, i) = p * base^(-2i / headDim) for position p and pair i in [0, headDim/2), with StrictMath so
 * every machine gets the same bits.
 *
 * <p>Computed once in double and rounded to float, so the SameDiff graph and the Java decoder use the
 * very same numbers (computing the angle in float32 inside the graph would differ by up to ~6e-5 at
 * position 512).
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
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * StrictMath.pow(c.ropeBase(), -2.0 * i / c.headDim());
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
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
