package org.ead4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ead bench train}: training throughput (forward + backward + Adam, tokens/s) of our SameDiff
 * policy ({@link PolicyTransformer#gradients} + {@link AdamW#step}) against the same model in PyTorch
 * through DJL ({@link DjlPolicy#trainStep}: libtorch autograd + DJL's fused Adam), same initial weights,
 * same batch, same loss: mean over all B x T positions of -log softmax(z)[target].
 *
 * <p>Both optimisers run Adam with lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay and no gradient
 * clipping. One untimed warm-up step each (ours builds its gradient graph there; its time is reported),
 * then 3 to {@code --repeats} timed steps per side, alternating (fewer than {@code --repeats} once a config
 * has used up {@code --budget-s}); medians reported, and each side's best step.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Training tokens/s (forward + backward + Adam): ours (SameDiff) vs PyTorch (DJL).")
public class TrainBenchmark implements Callable<Integer> {

    @Option(names = "--configs", split = ",", defaultValue = "tiny,small",
            description = "presets: " + BenchConfigs.NAMES + " (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "tokens per sequence (default: ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--repeats", defaultValue = "5", description = "timed steps per side, median reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--budget-s", defaultValue = "60",
            description = "after 3 timed steps, stop once a config has taken this long (default: ${DEFAULT-VALUE})")
    double budgetSeconds;

    @Option(names = "--quick", description = "2 timed steps per side")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "target/bench/train.json",
            description = "JSON results (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            repeats = 2;
        }
        if (repeats < 1 || batch < 1 || seq < 1) {
            throw new IllegalArgumentException("--repeats, --batch and --seq must be >= 1");
        }
        int threads = DjlPolicy.defaultThreads();
        int torchThreads = DjlPolicy.configureThreads(threads);
        double loadStart = Stats.loadAverage();
        BenchReport report = new BenchReport("train");
        report.machine("load_average_start", loadStart);
        report.machine("torch_threads", torchThreads);
        report.put("protocol", "B " + batch + " x T " + seq + ", loss mean -log p(target), Adam lr 1e-3 (no decay, no clipping);"
                + " 1 warm-up step, median (and best) of 3.." + repeats + " alternating timed steps per side");
        for (String name : configs) {
            PolicyConfig cfg = BenchConfigs.byName(name);
            if (seq > cfg.maxSeqLen()) {
                throw new IllegalArgumentException("--seq " + seq + " exceeds maxSeqLen " + cfg.maxSeqLen() + " of " + name);
            }
            report.add(measure(name, cfg));
            System.out.print(BenchReport.table(List.of(report.rows().get(report.rows().size() - 1))));
        }
        report.machine("load_average_end", Stats.loadAverage());
        System.out.println();
        System.out.println("train (tokens/s; ratio > 1 means ours is faster):");
        System.out.print(report.table());
        Map<String, Object> targets = new LinkedHashMap<>();
        for (Map<String, Object> row : report.rows()) {
            double r = ((Number) row.get("ours_over_torch")).doubleValue();
            targets.put("training >= 0.7x PyTorch, " + row.get("config"), String.format("%s (%.2fx median, %.2fx best steps)",
                    r >= 0.7 ? "REACHED" : "missed", r, ((Number) row.get("ours_over_torch_best")).doubleValue()));
        }
        report.put("targets", targets);
        targets.forEach((k, v) -> System.out.println("target " + k + ": " + v));
        System.out.printf("load average: %.2f at start, %.2f at end (%d cores)%n", loadStart, Stats.loadAverage(),
                Runtime.getRuntime().availableProcessors());
        report.writeJson(out);
        System.out.println("wrote " + out);
        return 0;
    }

    private Map<String, Object> measure(String name, PolicyConfig cfg) {
        int v = cfg.vocabSize();
        int[][] seqs = BenchConfigs.randomTokens(batch, seq + 1, v, 5);
        int[][] tokens = new int[batch][seq];
        int[][] targets = new int[batch][seq];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(seqs[r], 0, tokens[r], 0, seq);
            System.arraycopy(seqs[r], 1, targets[r], 0, seq);
        }
        PolicyTransformer policy = new PolicyTransformer(cfg);
        policy.setLoss(policy.logProbs().mean().neg().rename("nll"));
        AdamW adam = new AdamW(1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0);
        Map<String, INDArray> ph = Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(tokens),
                PolicyTransformer.TARGETS, Nd4j.createFromArray(targets));
        try (DjlPolicy torch = new DjlPolicy(cfg, policy.parameters(), true)) { // copied before ours changes them
            torch.useAdam(1e-3f);
            List<Double> oursLoss = new ArrayList<>();
            List<Double> torchLoss = new ArrayList<>();
            List<Double> oursMs = new ArrayList<>();
            List<Double> oursGradMs = new ArrayList<>();
            List<Double> torchMs = new ArrayList<>();
            long a = System.nanoTime();
            oursLoss.add(oursStep(policy, adam, ph, null));
            double firstMs = (System.nanoTime() - a) / 1e6;
            torchLoss.add((double) torch.trainStep(tokens, targets));
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                if (r >= Math.min(3, repeats) && (System.nanoTime() - start) / 1e9 > budgetSeconds) {
                    break;
                }
                double[] t = new double[2];
                if (r % 2 == 0) {
                    oursLoss.add(oursStep(policy, adam, ph, t));
                    torchMs.add(torchStep(torch, tokens, targets, torchLoss));
                } else {
                    torchMs.add(torchStep(torch, tokens, targets, torchLoss));
                    oursLoss.add(oursStep(policy, adam, ph, t));
                }
                oursMs.add(t[0]);
                oursGradMs.add(t[1]);
            }
            double o = Stats.median(oursMs);
            double p = Stats.median(torchMs);
            double flops = batch * PolicyFlops.trainSequence(cfg, seq);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("config", name);
            row.put("B", batch);
            row.put("T", seq);
            row.put("ours_tok_s", batch * seq / (o / 1e3));
            row.put("torch_tok_s", batch * seq / (p / 1e3));
            row.put("ours_over_torch", p / o);
            row.put("steps", oursMs.size());
            row.put("ours_best_ms", Stats.min(oursMs));
            row.put("torch_best_ms", Stats.min(torchMs));
            row.put("ours_over_torch_best", Stats.min(torchMs) / Stats.min(oursMs));
            row.put("ours_ms_step", o);
            row.put("ours_grad_ms", Stats.median(oursGradMs));
            row.put("torch_ms_step", p);
            row.put("ours_gflops", flops / (o * 1e6));
            row.put("torch_gflops", flops / (p * 1e6));
            row.put("ours_first_step_ms", firstMs);
            row.put("loss0_ours", oursLoss.get(0));
            row.put("loss0_torch", torchLoss.get(0));
            row.put("loss_last_ours", oursLoss.get(oursLoss.size() - 1));
            row.put("loss_last_torch", torchLoss.get(torchLoss.size() - 1));
            row.put("load_avg", Stats.loadAverage());
            return row;
        }
    }

    /** One step of ours; fills {total ms, gradient ms} when t is given; returns the loss. */
    private static double oursStep(PolicyTransformer policy, AdamW adam, Map<String, INDArray> ph, double[] t) {
        long a = System.nanoTime();
        GradientResult g = policy.gradients(ph);
        long b = System.nanoTime();
        adam.step(policy.parameters(), g.gradients());
        long c = System.nanoTime();
        if (t != null) {
            t[0] = (c - a) / 1e6;
            t[1] = (b - a) / 1e6;
        }
        return g.loss();
    }

    private static double torchStep(DjlPolicy torch, int[][] tokens, int[][] targets, List<Double> losses) {
        long a = System.nanoTime();
        losses.add((double) torch.trainStep(tokens, targets));
        return (System.nanoTime() - a) / 1e6;
    }
}
