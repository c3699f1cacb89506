package org.ead4j.samediff.decode;

/** The responses of one {@link KvCacheDecoder#generate} call, one per prompt row. */
public final class DecodeResult {

    private final int[][] tokens;
    private final FinishReason[] reasons;

    /**
     * Creates a result.
     *
     * @param tokens per row, the generated tokens (including a final stop token)
     * @param reasons per row, why it stopped
     */
    public DecodeResult(int[][] tokens, FinishReason[] reasons) {
        if (tokens.length != reasons.length) {
            throw new IllegalArgumentException("tokens and reasons must have one entry per row");
        }
        this.tokens = tokens;
        this.reasons = reasons;
    }

    /** @return number of rows */
    public int size() {
        return tokens.length;
    }

    /**
     * @param row the row
     * @return the generated tokens of that row (the stop token included when the reason is STOP); shared array
     */
    public int[] tokens(int row) {
        return tokens[row];
    }

    /**
     * @param row the row
     * @return why that row stopped
     */
    public FinishReason finishReason(int row) {
        return reasons[row];
    }

    /** @return total generated tokens over all rows */
    public long totalTokens() {
        long n = 0;
        for (int[] t : tokens) {
            n += t.length;
        }
        return n;
    }
}
