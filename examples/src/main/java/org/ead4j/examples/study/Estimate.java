package org.ead4j.examples.study;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point estimate with a two-sided interval, e.g. the mean over seeds with its 95% t-interval.
 *
 * @param mean the point estimate
 * @param lo lower end of the interval (NaN when it cannot be computed, e.g. one value)
 * @param hi upper end of the interval
 * @param n number of values it was computed from
 */
public record Estimate(double mean, double lo, double hi, int n) {

    /**
     * Formats as {@code 0.612 [0.580, 0.644]} (or just the mean when the interval is undefined).
     *
     * @param decimals digits after the point
     * @return the text
     */
    public String format(int decimals) {
        String f = "%." + decimals + "f";
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return String.format(f, mean);
        }
        return String.format(f + " [" + f + ", " + f + "]", mean, lo, hi);
    }

    /** @return mean, lo, hi and n as a JSON-ready map */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("lo", lo);
        m.put("hi", hi);
        m.put("n", n);
        return m;
    }
}
