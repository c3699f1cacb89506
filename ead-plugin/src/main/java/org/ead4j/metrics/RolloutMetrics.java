package org.ead4j.metrics;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * Evaluation metrics over n samples per prompt, averaged over prompts, overall and per data source
 * (rlvr-peers.md Sec. 5). For each k in {@code ks}:
 * <table>
 *   <caption>Per-k metrics</caption>
 *   <tr><th>key</th><th>per prompt</th></tr>
 *   <tr><td>{@code pass@k}</td><td>unbiased pass@k from the correct flags ({@link PassAtK})</td></tr>
 *   <tr><td>{@code pass^k}</td><td>unbiased "all k correct" from the correct flags</td></tr>
 *   <tr><td>{@code best@k}, {@code worst@k}</td><td>unbiased expected best/worst reward of k ({@link BestWorstAtK})</td></tr>
 *   <tr><td>{@code mean@k}</td><td>the mean reward (the expected mean of k samples, the same for every k)</td></tr>
 *   <tr><td>{@code maj@k}</td><td>expected majority-vote correctness of k samples drawn without
 *       replacement ({@link MajorityVote}); exact up to {@code majExactLimit} subsets, else
 *       {@code majDraws} seeded random subsets; only when answers were recorded</td></tr>
 *   <tr><td>{@code best@k/bootstrap}, {@code worst@k/bootstrap}, {@code maj@k/bootstrap} (+ {@code _std})</td>
 *       <td>verl's bootstrap with replacement ({@link Bootstrap}), {@code bootstrapDraws} draws</td></tr>
 * </table>
 * plus {@code prompts}, {@code responses}, {@code mean} and {@code std} (verl's mean@N and std@N).
 *
 * <p><b>Determinism.</b> The random streams of a prompt are keyed by ({@code bootstrapSeed}, k,
 * a hash of the prompt id) through {@link RandomStreams}, and sums run in prompt-id order, so the
 * results are bit-identical whatever the order of the prompts.
 *
 * <p><b>Prompts with fewer than k samples.</b> By default an error naming the prompt; with
 * {@code skipSmallGroups} they are left out of that k's averages and {@code prompts@k} says how many
 * prompts were used (a k that no prompt reaches has only {@code prompts@k = 0}).
 */
public class RolloutMetrics implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final String NAME = "RolloutMetrics";

    @Config(description = "Subset sizes k, each >= 1, increasing. Default: [1, 2, 4, 8, 16] (the paper reports 16).")
    private List<Integer> ks = List.of(1, 2, 4, 8, 16);

    @Config(description = "Bootstrap draws B for best@k/worst@k/maj@k bootstrap. Range [1, 1000000]. verl: 1000.")
    private int bootstrapDraws = 1000;

    @Config(description = "Seed of the bootstrap and maj@k streams. verl: 42.")
    private long bootstrapSeed = 42;

    @Config(description = "Largest number of k-subsets enumerated for exact maj@k; above it, random subsets. "
            + "Range [1, inf). Default: 20000.")
    private long majExactLimit = 20_000;

    @Config(description = "Random k-subsets for maj@k when there are more than majExactLimit. Range [1, 1000000]. Default: 1000.")
    private int majDraws = 1000;

    @Config(description = "Leave prompts with fewer than k samples out of that k's averages instead of failing. Default: false.")
    private boolean skipSmallGroups = false;

    /** For OLCUT; verl's settings. */
    public RolloutMetrics() {
    }

    /**
     * Creates a calculator with verl's bootstrap settings (1000 draws, seed 42).
     *
     * @param ks subset sizes, increasing
     */
    public RolloutMetrics(List<Integer> ks) {
        this.ks = List.copyOf(ks);
        postConfig();
    }

    /**
     * Creates a calculator.
     *
     * @param ks subset sizes, increasing
     * @param bootstrapDraws bootstrap draws B
     * @param bootstrapSeed bootstrap seed
     * @param skipSmallGroups skip prompts with fewer than k samples instead of failing
     */
    public RolloutMetrics(List<Integer> ks, int bootstrapDraws, long bootstrapSeed, boolean skipSmallGroups) {
        this.ks = List.copyOf(ks);
        this.bootstrapDraws = bootstrapDraws;
        this.bootstrapSeed = bootstrapSeed;
        this.skipSmallGroups = skipSmallGroups;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (ks == null || ks.isEmpty()) {
            throw new PropertyException(NAME, "ks", "ks is empty: give at least one k, e.g. [1, 4, 16]");
        }
        for (int i = 0; i < ks.size(); i++) {
            Integer k = ks.get(i);
            if (k == null || k < 1) {
                throw new PropertyException(NAME, "ks", "ks[" + i + "] = " + k + " is invalid: each k must be >= 1");
            }
            if (i > 0 && k <= ks.get(i - 1)) {
                throw new PropertyException(NAME, "ks", "ks = " + ks + " is invalid: must be strictly increasing");
            }
        }
        if (bootstrapDraws < 1 || bootstrapDraws > 1_000_000) {
            throw new PropertyException(NAME, "bootstrapDraws", "bootstrapDraws = " + bootstrapDraws
                    + " is invalid: must be in [1, 1000000]");
        }
        if (majExactLimit < 1) {
            throw new PropertyException(NAME, "majExactLimit", "majExactLimit = " + majExactLimit + " is invalid: must be >= 1");
        }
        if (majDraws < 1 || majDraws > 1_000_000) {
            throw new PropertyException(NAME, "majDraws", "majDraws = " + majDraws + " is invalid: must be in [1, 1000000]");
        }
    }

    /**
     * Computes every metric.
     *
     * @param prompts the samples of each prompt; ids must be unique
     * @return the report
     * @throws IllegalArgumentException for no prompts, a duplicate prompt id, or a prompt with fewer
     *                                  than k samples (unless {@code skipSmallGroups})
     */
    public MetricsReport compute(List<PromptSamples> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to compute metrics over");
        }
        Set<String> ids = new HashSet<>();
        boolean withAnswers = false;
        for (PromptSamples p : prompts) {
            if (!ids.add(p.promptId())) {
                throw new IllegalArgumentException("prompt id '" + p.promptId() + "' appears twice: group its samples into one");
            }
            withAnswers |= p.answers() != null;
            if (!skipSmallGroups && p.n() < ks.get(ks.size() - 1)) {
                int k = ks.stream().filter(x -> x > p.n()).findFirst().orElseThrow();
                throw new IllegalArgumentException("prompt '" + p.promptId() + "' has " + p.n() + " samples, fewer than k = "
                        + k + ": lower the largest k, or skip such prompts (skipSmallGroups / --skip-small)");
            }
        }
        Averages overall = new Averages();
        Map<String, Averages> bySource = new TreeMap<>();
        // sum in id order, so the floating-point result does not depend on the order of the input
        List<PromptSamples> byId = new ArrayList<>(prompts);
        byId.sort(Comparator.comparing(PromptSamples::promptId));
        for (PromptSamples p : byId) {
            Map<String, Double> values = perPrompt(p, withAnswers);
            overall.add(p, values);
            bySource.computeIfAbsent(p.dataSource(), s -> new Averages()).add(p, values);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        overall.writeTo(out, "");
        for (Map.Entry<String, Averages> e : bySource.entrySet()) {
            e.getValue().writeTo(out, MetricKeys.sourcePrefix(e.getKey()));
        }
        return new MetricsReport(out, ks, new ArrayList<>(bySource.keySet()));
    }

    /** One prompt's values, in report order. */
    private Map<String, Double> perPrompt(PromptSamples p, boolean withAnswers) {
        Map<String, Double> v = new LinkedHashMap<>();
        int n = p.n();
        int c = p.numCorrect();
        double mean = p.meanReward();
        v.put(MetricKeys.MEAN, mean);
        v.put(MetricKeys.STD, p.stdReward());
        MajorityVote vote = null;
        if (withAnswers) {
            double[] acc = new double[n];
            for (int i = 0; i < n; i++) {
                acc[i] = p.correct()[i] ? 1.0 : 0.0;
            }
            vote = new MajorityVote(p.answers() != null ? p.answers() : new String[n], acc);
        }
        long idHash = fnv1a64(p.promptId());
        for (int k : ks) {
            if (k > n) {
                continue; // only with skipSmallGroups
            }
            v.put(MetricKeys.prompts(k), 1.0);
            v.put(MetricKeys.pass(k), PassAtK.passAtK(n, c, k));
            v.put(MetricKeys.passHat(k), PassAtK.passHatK(n, c, k));
            v.put(MetricKeys.best(k), BestWorstAtK.best(p.rewards(), k));
            v.put(MetricKeys.worst(k), BestWorstAtK.worst(p.rewards(), k));
            v.put(MetricKeys.mean(k), mean);
            if (vote != null) {
                SplittableRandom majRng = new SplittableRandom(RandomStreams.key(bootstrapSeed, k, idHash, 1));
                v.put(MetricKeys.maj(k), vote.expectedVote(k, majExactLimit, majDraws, majRng));
            }
            SplittableRandom rng = new SplittableRandom(RandomStreams.key(bootstrapSeed, k, idHash, 0));
            Bootstrap.Result b = Bootstrap.run(p.rewards(), vote, k, bootstrapDraws, rng);
            v.put(MetricKeys.bootstrap(MetricKeys.best(k)), b.bestMean());
            v.put(MetricKeys.bootstrapStd(MetricKeys.best(k)), b.bestStd());
            v.put(MetricKeys.bootstrap(MetricKeys.worst(k)), b.worstMean());
            v.put(MetricKeys.bootstrapStd(MetricKeys.worst(k)), b.worstStd());
            if (vote != null) {
                v.put(MetricKeys.bootstrap(MetricKeys.maj(k)), b.majMean());
                v.put(MetricKeys.bootstrapStd(MetricKeys.maj(k)), b.majStd());
            }
        }
        return v;
    }

    /** FNV-1a over the UTF-8 bytes: a stable 64-bit hash of a prompt id. */
    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Sums per key over prompts; each key is averaged over the prompts that have it. */
    private final class Averages {
        private int prompts;
        private int responses;
        private final Map<String, double[]> sums = new LinkedHashMap<>(); // key -> {sum, count}

        void add(PromptSamples p, Map<String, Double> values) {
            prompts++;
            responses += p.n();
            for (Map.Entry<String, Double> e : values.entrySet()) {
                double[] s = sums.computeIfAbsent(e.getKey(), key -> new double[2]);
                s[0] += e.getValue();
                s[1]++;
            }
        }

        void writeTo(Map<String, Double> out, String prefix) {
            out.put(prefix + MetricKeys.PROMPTS, (double) prompts);
            out.put(prefix + MetricKeys.RESPONSES, (double) responses);
            for (String key : keyOrder()) {
                double[] s = sums.get(key);
                if (key.startsWith("prompts@")) {
                    if (skipSmallGroups) {
                        out.put(prefix + key, s == null ? 0.0 : s[0]);
                    }
                    continue;
                }
                if (s == null) {
                    continue;
                }
                out.put(prefix + key, s[0] / s[1]);
            }
        }
    }

    /** Every per-prompt key in report order (those a report lacks are skipped). */
    private List<String> keyOrder() {
        List<String> keys = new ArrayList<>(List.of(MetricKeys.MEAN, MetricKeys.STD));
        for (int k : ks) {
            keys.add(MetricKeys.prompts(k));
            keys.add(MetricKeys.pass(k));
            keys.add(MetricKeys.passHat(k));
            keys.add(MetricKeys.best(k));
            keys.add(MetricKeys.worst(k));
            keys.add(MetricKeys.mean(k));
            keys.add(MetricKeys.maj(k));
            for (String base : List.of(MetricKeys.best(k), MetricKeys.worst(k), MetricKeys.maj(k))) {
                keys.add(MetricKeys.bootstrap(base));
                keys.add(MetricKeys.bootstrapStd(base));
            }
        }
        return keys;
    }

    /** @return the subset sizes k */
    public List<Integer> ks() {
        return ks;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "RolloutMetrics");
    }
}
