package org.ead4j.bench;

import java.util.Arrays;

/** Summary statistics of repeated timings. */
public final class Stats {

    private Stats() {
    }

    /**
     * The median (upper median for an even count).
     *
     * @param x values, at least one
     * @return the median
     */
    public static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * The median of a list (upper median for an even count).
     *
     * @param x values, at least one
     * @return the median
     */
    public static double median(java.util.List<Double> x) {
        return median(x.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The smallest value.
     *
     * @param x values, at least one
     * @return the minimum
     */
    public static double min(java.util.List<Double> x) {
        return x.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /**
     * The arithmetic mean.
     *
     * @param x values, at least one
     * @return the mean
     */
    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** @return the 1-minute load average of the machine, or -1 when unknown */
    public static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
