package org.ead4j.examples.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Paired differences treatment minus baseline over matched units (here: the same seed and loss, so
 * both arms start from the same warm-start weights and are evaluated with the same random streams),
 * with the exact sign test and a percentile bootstrap interval of the mean difference.
 *
 * @param pairs the unit keys that both arms have, sorted
 * @param differences treatment minus baseline per unit, in the order of {@code pairs}
 * @param mean the mean difference with its bootstrap interval
 * @param wins units where the treatment is higher
 * @param ties units with equal values
 * @param losses units where the treatment is lower
 * @param signTestP two-sided exact sign-test p-value (ties dropped)
 */
public record PairedComparison(List<String> pairs, double[] differences, Estimate mean, int wins, int ties,
                               int losses, double signTestP) {

    /** The verdict read from the bootstrap interval of the mean difference. */
    public enum Verdict {
        /** The interval lies above 0. */
        WIN,
        /** The interval contains 0 (or is undefined). */
        TIE,
        /** The interval lies below 0. */
        LOSS
    }

    /**
     * Pairs two arms' values by unit key and compares them.
     *
     * @param treatment unit key to the treatment's value
     * @param baseline unit key to the baseline's value
     * @param level interval coverage, e.g. 0.95
     * @param draws bootstrap resamples
     * @param seed bootstrap seed
     * @return the comparison over the keys both maps hold (non-finite values are dropped)
     */
    public static PairedComparison of(Map<String, Double> treatment, Map<String, Double> baseline, double level,
                                      int draws, long seed) {
        List<String> keys = new ArrayList<>();
        List<Double> diffs = new ArrayList<>();
        for (Map.Entry<String, Double> e : new TreeMap<>(treatment).entrySet()) {
            Double b = baseline.get(e.getKey());
            if (b != null && Double.isFinite(b) && e.getValue() != null && Double.isFinite(e.getValue())) {
                keys.add(e.getKey());
                diffs.add(e.getValue() - b);
            }
        }
        double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
        int w = 0;
        int t = 0;
        int l = 0;
        for (double x : d) {
            if (x > 0) {
                w++;
            } else if (x < 0) {
                l++;
            } else {
                t++;
            }
        }
        return new PairedComparison(List.copyOf(keys), d, BootstrapInterval.ofMean(d, level, draws, seed), w, t, l,
                SignTest.twoSidedP(w, l));
    }

    /** @return WIN when the interval lies above 0, LOSS when below, TIE otherwise */
    public Verdict verdict() {
        if (mean.lo() > 0) {
            return Verdict.WIN;
        }
        if (mean.hi() < 0) {
            return Verdict.LOSS;
        }
        return Verdict.TIE;
    }

    /** @return the numbers as a JSON-ready map */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean_difference", mean.toMap());
        m.put("wins", wins);
        m.put("ties", ties);
        m.put("losses", losses);
        m.put("sign_test_p", signTestP);
        m.put("verdict", verdict().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Double> per = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            per.put(pairs.get(i), differences[i]);
        }
        m.put("differences", per);
        return m;
    }
}
