package org.ead4j.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Response-length statistics of one RL step (verl {@code response_length/mean|max|min|clip_ratio},
 * TRL {@code completions/mean_length}, {@code completions/clipped_ratio}). A rising clip ratio warns
 * of responses running into the length limit (rlvr-peers.md Sec. 3, item 12).
 *
 * @param mean mean length in tokens
 * @param max longest response
 * @param min shortest response
 * @param clipRatio share of responses truncated at the length limit (no EOS)
 * @param responses number of responses
 */
public record ResponseLengthStats(double mean, int max, int min, double clipRatio, int responses) {

    /**
     * Computes the statistics.
     *
     * @param lengths generated tokens per response (EOS included when sampled), each &gt;= 0
     * @param truncated whether each response hit the length limit without EOS
     * @return the statistics
     */
    public static ResponseLengthStats of(int[] lengths, boolean[] truncated) {
        if (lengths.length == 0 || lengths.length != truncated.length) {
            throw new IllegalArgumentException("need one truncation flag per response and at least one response, got "
                    + lengths.length + " lengths and " + truncated.length + " flags");
        }
        long sum = 0;
        int max = Integer.MIN_VALUE;
        int min = Integer.MAX_VALUE;
        int clipped = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("length[" + i + "] = " + lengths[i] + " is negative");
            }
            sum += lengths[i];
            max = Math.max(max, lengths[i]);
            min = Math.min(min, lengths[i]);
            if (truncated[i]) {
                clipped++;
            }
        }
        return new ResponseLengthStats((double) sum / lengths.length, max, min, (double) clipped / lengths.length,
                lengths.length);
    }

    /** @return the statistics by {@link MetricKeys} name */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MetricKeys.LENGTH_MEAN, mean);
        m.put(MetricKeys.LENGTH_MAX, (double) max);
        m.put(MetricKeys.LENGTH_MIN, (double) min);
        m.put(MetricKeys.LENGTH_CLIP_RATIO, clipRatio);
        return m;
    }
}
