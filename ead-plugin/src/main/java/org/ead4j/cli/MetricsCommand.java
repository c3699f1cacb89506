package org.ead4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.ead4j.data.JsonlFormatException;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.metrics.MetricsReport;
import org.ead4j.metrics.RolloutMetrics;
import org.ead4j.metrics.RolloutsFile;
import org.ead4j.run.MemoryBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ead metrics}: pass@k, pass^k, best/worst@k, mean@k, maj@k and verl's bootstrap metrics of a rollouts file. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        header = "Compute evaluation metrics (pass@k, worst@k, maj@k, verl bootstrap) from scored rollouts.",
        description = {"Rollouts JSONL: one line per response with \"prompt_id\" and \"reward\" and/or \"correct\"; "
                + "optional \"answer\" (for maj@k) and \"data_source\" (for per-source metrics).",
                "pass@k, pass^k, best@k, worst@k, maj@k are unbiased (k drawn without replacement); "
                        + "*/bootstrap are verl's best@k/worst@k/maj@k (k drawn with replacement, the EAD paper's "
                        + "Pass@k/Worst@k), biased low against pass@k."})
public class MetricsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rollouts", required = true, paramLabel = "FILE.jsonl", description = "the scored rollouts")
    Path rollouts;

    @Option(names = "--k", split = ",", paramLabel = "K", defaultValue = "1,2,4,8,16",
            description = "subset sizes, comma-separated (default: ${DEFAULT-VALUE})")
    List<Integer> ks;

    @Option(names = "--json", description = "print {\"rollouts\":..., \"sha256\":..., \"k\":[...], \"metrics\":{key: value}}")
    boolean json;

    @Option(names = "--bootstrap-draws", paramLabel = "B", defaultValue = "1000",
            description = "bootstrap draws for */bootstrap (verl: ${DEFAULT-VALUE})")
    int bootstrapDraws;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "bootstrap seed (verl: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--correct-threshold", paramLabel = "X", defaultValue = "0.5",
            description = "without \"correct\", a reward >= X counts as correct (default: ${DEFAULT-VALUE})")
    double correctThreshold;

    @Option(names = "--skip-small", description = "leave prompts with fewer than k samples out of that k "
            + "(reported as prompts@k) instead of failing")
    boolean skipSmall;

    @Option(names = "--max-line-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "longest line accepted (default: ${DEFAULT-VALUE})")
    long maxLineBytes;

    @Override
    public Integer call() throws Exception {
        List<Integer> sortedKs = checkKs();
        if (bootstrapDraws < 1 || bootstrapDraws > 1_000_000) {
            throw new UserException("--bootstrap-draws " + bootstrapDraws + " is invalid: must be in [1, 1000000]");
        }
        if (!Double.isFinite(correctThreshold)) {
            throw new UserException("--correct-threshold " + correctThreshold + " is invalid: must be a finite number");
        }
        if (maxLineBytes < 1) {
            throw new UserException("--max-line-bytes " + maxLineBytes + " is invalid: must be >= 1");
        }
        if (Files.exists(rollouts)) {
            MemoryBudget.requireFileSize(rollouts, "--rollouts", MemoryBudget.maxTextFileBytes());
        }
        RolloutsFile file;
        try {
            file = RolloutsFile.read(rollouts, correctThreshold, maxLineBytes);
        } catch (JsonlFormatException e) {
            throw new UserException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UserException("--rollouts " + rollouts + ": no such file", e);
        } catch (IOException e) {
            throw new UserException("--rollouts " + rollouts + ": cannot read: " + e.getMessage(), e);
        }
        MetricsReport report;
        try {
            report = new RolloutMetrics(sortedKs, bootstrapDraws, seed, skipSmall).compute(file.prompts());
        } catch (IllegalArgumentException e) {
            throw new UserException(rollouts + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(report, file.sha256()));
        } else {
            printTable(out, report, file.sha256());
        }
        out.flush();
        return 0;
    }

    private List<Integer> checkKs() {
        TreeSet<Integer> set = new TreeSet<>();
        for (Integer k : ks) {
            if (k == null || k < 1) {
                throw new UserException("--k " + k + " is invalid: each k must be an integer >= 1");
            }
            set.add(k);
        }
        if (set.isEmpty()) {
            throw new UserException("--k is empty: give subset sizes such as 1,4,16");
        }
        return new ArrayList<>(set);
    }

    private String toJson(MetricsReport report, String sha) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("rollouts", rollouts.toString());
        root.put("sha256", sha);
        report.ks().forEach(root.putArray("k")::add);
        ObjectNode m = root.putObject("metrics");
        for (Map.Entry<String, Double> e : report.asMap().entrySet()) {
            if (isCount(e.getKey())) {
                m.put(e.getKey(), e.getValue().longValue());
            } else {
                m.put(e.getKey(), e.getValue());
            }
        }
        return om.writeValueAsString(root);
    }

    private static boolean isCount(String key) {
        String last = key.substring(key.lastIndexOf('/') + 1);
        return last.equals(MetricKeys.PROMPTS) || last.equals(MetricKeys.RESPONSES) || last.startsWith("prompts@");
    }

    private void printTable(PrintWriter out, MetricsReport report, String sha) {
        out.printf("rollouts: %s (sha256 %s)%n", rollouts, sha.substring(0, 16));
        printScope(out, report, "", "overall");
        for (String source : report.sources()) {
            printScope(out, report, MetricKeys.sourcePrefix(source), MetricKeys.SOURCE_PREFIX + source);
        }
    }

    private void printScope(PrintWriter out, MetricsReport report, String prefix, String title) {
        out.println();
        out.printf("%s: %d prompts, %d responses, mean %s, std %s%n", title,
                (long) report.get(prefix + MetricKeys.PROMPTS), (long) report.get(prefix + MetricKeys.RESPONSES),
                fmt(report.get(prefix + MetricKeys.MEAN)), fmt(report.get(prefix + MetricKeys.STD)));
        List<Integer> ks = report.ks();
        StringBuilder header = new StringBuilder(String.format("  %-22s", "metric"));
        for (int k : ks) {
            header.append(String.format("%12s", "k=" + k));
        }
        out.println(header);
        List<Row> rows = List.of(
                new Row("prompts@k", MetricKeys::prompts),
                new Row("pass@k", MetricKeys::pass),
                new Row("pass^k", MetricKeys::passHat),
                new Row("best@k", MetricKeys::best),
                new Row("worst@k", MetricKeys::worst),
                new Row("mean@k", MetricKeys::mean),
                new Row("maj@k", MetricKeys::maj),
                new Row("best@k/bootstrap", k -> MetricKeys.bootstrap(MetricKeys.best(k))),
                new Row("best@k/bootstrap_std", k -> MetricKeys.bootstrapStd(MetricKeys.best(k))),
                new Row("worst@k/bootstrap", k -> MetricKeys.bootstrap(MetricKeys.worst(k))),
                new Row("worst@k/bootstrap_std", k -> MetricKeys.bootstrapStd(MetricKeys.worst(k))),
                new Row("maj@k/bootstrap", k -> MetricKeys.bootstrap(MetricKeys.maj(k))),
                new Row("maj@k/bootstrap_std", k -> MetricKeys.bootstrapStd(MetricKeys.maj(k))));
        for (Row row : rows) {
            boolean any = false;
            StringBuilder line = new StringBuilder(String.format("  %-22s", row.label));
            for (int k : ks) {
                String key = prefix + row.key.apply(k);
                if (report.has(key)) {
                    any = true;
                    double v = report.get(key);
                    line.append(String.format("%12s", row.label.startsWith("prompts@") ? Long.toString((long) v) : fmt(v)));
                } else {
                    line.append(String.format("%12s", "-"));
                }
            }
            if (any) {
                out.println(line);
            }
        }
    }

    private record Row(String label, IntFunction<String> key) {
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
