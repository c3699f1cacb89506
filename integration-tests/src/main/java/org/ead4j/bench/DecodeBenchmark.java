package org.ead4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ead4j.samediff.decode.DecoderOptions;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ead bench decode}: KV-cache decoding throughput of our {@link KvCacheDecoder} against the same
 * model in PyTorch (libtorch through DJL: {@link DjlPolicy} for ead4j's GPT, {@link DjlHfPolicy} for the Hugging
 * Face families) and the naive SameDiff decode that recomputes
 * the whole prefix every step, plus matmul throughput of both BLAS back ends and the peak resident memory
 * of a long decode.
 *
 * <p>Protocol per config and batch B: B random prompts of {@code --prompt} tokens, prefill, then
 * {@code --steps} greedy steps (argmax in Java on both sides, so that sampling costs nothing and both
 * produce the same tokens), so the context reaches prompt + steps positions. Decode tokens/s = B x steps /
 * time of the steps (prefill reported separately). Ours and PyTorch alternate over at least 3 and at most
 * {@code --repeats} runs (fewer when a config and batch has used up {@code --budget-s}); medians are the
 * headline, the best run of each side is reported too (the figure least disturbed on a shared machine). The naive decode is timed at {@code --naive-samples} evenly spaced steps (one
 * SameDiff forward of the full prefix each) and the per-step time is their mean, i.e. extrapolated to all
 * steps; its prefixes are ours' greedy tokens. All libraries run with the same thread count
 * (OMP_NUM_THREADS, 1 under {@code ./ead}).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        header = "Decode tokens/s with KV cache: ours vs PyTorch (DJL) vs naive SameDiff; GFLOP/s; peak memory.")
public class DecodeBenchmark implements Callable<Integer> {

    @Option(names = "--configs", split = ",", defaultValue = "tiny,small",
            description = "presets: " + BenchConfigs.NAMES + " (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--batches", split = ",",
            description = "batch sizes (default: 1,64; 1,16 for the real-shape presets qwen2.5-0.5b and llama3.2-1b)")
    List<Integer> batches;

    @Option(names = "--prompt", defaultValue = "64", description = "prompt tokens per row (default: ${DEFAULT-VALUE})")
    int prompt;

    @Option(names = "--steps", defaultValue = "64", description = "decode steps; context = prompt + steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--repeats", defaultValue = "7",
            description = "most timed runs per side, median reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--budget-s", defaultValue = "40",
            description = "after 3 runs, stop repeating a config and batch once it has taken this long (default: ${DEFAULT-VALUE})")
    double budgetSeconds;

    @Option(names = "--naive-samples", defaultValue = "2",
            description = "steps at which the naive full-recompute decode is timed; 0 skips it (it is always skipped "
                    + "for the real-shape presets, where one full recompute takes minutes) (default: ${DEFAULT-VALUE})")
    int naiveSamples;

    @Option(names = "--chunk-tokens", defaultValue = "1024",
            description = "PyTorch prefill: prompt tokens (B x positions) per forward call (default: ${DEFAULT-VALUE})")
    int chunkTokens;

    @Option(names = "--memory-configs", split = ",",
            description = "presets whose peak memory is measured in child JVMs; 'none' to skip (default: those of --configs)")
    List<String> memoryConfigs;

    @Option(names = "--memory-batch",
            description = "memory probe batch (default: 64; for the real-shape presets the largest of --batches)")
    Integer memoryBatch;

    @Option(names = "--memory-context",
            description = "memory probe context (default: 512; for the real-shape presets --prompt + --steps)")
    Integer memoryContext;

    @Option(names = "--memory-steps", defaultValue = "16",
            description = "memory probe decode steps after prefilling context - steps tokens (default: ${DEFAULT-VALUE})")
    int memorySteps;

    @Option(names = "--matmul-millis", defaultValue = "200",
            description = "length of one timed batch of matmul calls (default: ${DEFAULT-VALUE})")
    double matmulMillis;

    @Option(names = "--quick", description = "1 repeat, 2 naive samples, memory of tiny only (about a minute)")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "target/bench/decode.json",
            description = "JSON results (default: ${DEFAULT-VALUE})")
    Path out;

    /** Greedy tokens and timings of one decode run. */
    private static final class Run {
        double prefillMs;
        double stepsMs;
        int[][] tokens;
    }

    @Override
    public Integer call() throws Exception {
        if (memoryConfigs == null) {
            memoryConfigs = configs;
        }
        if (quick) {
            repeats = 1;
            naiveSamples = 2;
            memoryConfigs = memoryConfigs.contains("tiny") ? List.of("tiny") : List.of("none");
        }
        if (repeats < 1 || naiveSamples < 0 || prompt < 1 || steps < 1) {
            throw new IllegalArgumentException("--repeats, --prompt and --steps must be >= 1 and --naive-samples >= 0");
        }
        for (String name : configs) {
            BenchConfigs.byName(name); // an unknown name fails before anything is measured
        }
        int threads = DjlPolicy.defaultThreads();
        int torchThreads = DjlPolicy.configureThreads(threads);
        BenchReport report = new BenchReport("decode");
        double loadStart = Stats.loadAverage();
        report.machine("load_average_start", loadStart);
        report.machine("torch_threads", torchThreads);
        report.machine("nd4j_blas", "OpenBLAS (nd4j-native default)");
        report.put("protocol", "prompt " + prompt + " + " + steps + " greedy decode steps (context " + (prompt + steps)
                + "); tokens/s = B*steps / time of the steps; medians (and best) of 3.." + repeats + " alternating runs; naive SameDiff"
                + " timed at " + naiveSamples + " evenly spaced steps and extrapolated to all steps");

        // matmul throughput of both back ends, in this run (again at the end: the peak is the best seen)
        List<Map<String, Object>> matmul = new ArrayList<>();
        double peak = measureMatmul(matmul, "start");
        System.out.print(BenchReport.table(matmul));

        for (String name : configs) {
            PolicyConfig cfg = BenchConfigs.byName(name);
            if (prompt + steps > cfg.maxSeqLen()) {
                throw new IllegalArgumentException("--prompt + --steps = " + (prompt + steps) + " exceeds maxSeqLen "
                        + cfg.maxSeqLen() + " of " + name);
            }
            PolicyTransformer policy = new PolicyTransformer(cfg);
            try (KvCacheDecoder ours = new KvCacheDecoder(policy, DecoderOptions.defaults());
                 TorchPeer torch = TorchPeer.of(cfg, policy.parameters())) {
                double[] diff = checkLogits(policy, ours, torch);
                for (int b : batchesOf(name)) {
                    report.add(measure(name, cfg, policy, ours, torch, b, diff));
                    System.out.print(BenchReport.table(List.of(last(report))));
                }
            }
        }

        peak = Math.max(peak, measureMatmul(matmul, "end"));
        report.put("matmul", matmul);
        report.put("nd4j_gemm_peak_gflops", peak);
        for (Map<String, Object> row : report.rows()) {
            // against the best ND4J gemm rate seen anywhere in this run
            row.put("ours_pct_nd4j_peak", 100 * num(row, "ours_gflops") / peak);
        }

        // the child JVMs measure alone: give back what this one's models held (off-heap arrays go with their owners)
        System.gc();
        System.gc();
        List<Map<String, Object>> memory = new ArrayList<>();
        for (String name : memoryConfigs) {
            if (name.equals("none")) {
                continue;
            }
            boolean large = BenchConfigs.isLarge(name);
            int mb = memoryBatch != null ? memoryBatch : large ? Collections.max(batchesOf(name)) : 64;
            int mc = memoryContext != null ? memoryContext : large ? prompt + steps : 512;
            for (String impl : new String[]{"ours", "pytorch"}) {
                Map<String, Object> m = DecodeMemoryProbe.run(impl, name, mb, mc, Math.min(memorySteps, mc - 1), chunkTokens);
                memory.add(memoryRow(m));
                System.out.print(BenchReport.table(List.of(memory.get(memory.size() - 1))));
            }
        }
        report.put("memory", memory);
        report.machine("load_average_end", Stats.loadAverage());

        System.out.println();
        System.out.println("matmul (GFLOP/s, float32, " + threads + " thread(s); median and best of timed batches):");
        System.out.print(BenchReport.table(matmul));
        System.out.println("decode (tokens/s; ratios > 1 mean ours is faster):");
        System.out.print(report.table());
        if (!memory.isEmpty()) {
            System.out.println("memory (MB; overhead = (peak - baseline - expected) / expected, expected = weights + KV cache + logits):");
            System.out.print(BenchReport.table(memory));
        }
        Map<String, Object> targets = targets(report, memory);
        report.put("targets", targets);
        targets.forEach((k, v) -> System.out.println("target " + k + ": " + v));
        System.out.printf("load average: %.2f at start, %.2f at end (%d cores)%n",
                loadStart, Stats.loadAverage(), Runtime.getRuntime().availableProcessors());
        report.writeJson(out);
        System.out.println("wrote " + out);
        return 0;
    }

    /** ND4J gemm and PyTorch matmul on a decode-like and a prefill-like shape; returns the best ND4J GFLOP/s. */
    private double measureMatmul(List<Map<String, Object>> rows, String when) {
        double peak = 0;
        for (int[] s : new int[][]{{64, 512, 512}, {512, 512, 2048}}) {
            int reps = quick ? 3 : 5;
            double nd = MatmulPeak.nd4j(s[0], s[1], s[2], reps, matmulMillis);
            double ndBest = MatmulPeak.best();
            double pt = MatmulPeak.torch(s[0], s[1], s[2], reps, matmulMillis);
            double ptBest = MatmulPeak.best();
            peak = Math.max(peak, ndBest);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("when", when);
            row.put("shape", s[0] + "x" + s[1] + " * " + s[1] + "x" + s[2]);
            row.put("nd4j_gemm_gflops", nd);
            row.put("nd4j_gemm_best", ndBest);
            row.put("torch_matmul_gflops", pt);
            row.put("torch_matmul_best", ptBest);
            row.put("ratio_nd4j_over_torch", nd / pt);
            rows.add(row);
        }
        return peak;
    }

    /** The batch sizes of one preset: --batches, else 1,64 (1,16 for the real-shape presets). */
    private List<Integer> batchesOf(String name) {
        if (batches != null) {
            return batches;
        }
        return BenchConfigs.isLarge(name) ? List.of(1, 16) : List.of(1, 64);
    }

    private static Map<String, Object> last(BenchReport r) {
        return r.rows().get(r.rows().size() - 1);
    }

    /** Max |difference| of the full-forward logits (SameDiff vs PyTorch) and of the decoders' logits. */
    private double[] checkLogits(PolicyTransformer policy, KvCacheDecoder ours, TorchPeer torch) {
        PolicyConfig cfg = policy.config();
        int b = 2;
        int t = Math.min(24, cfg.maxSeqLen());
        int v = cfg.vocabSize();
        int[][] tok = BenchConfigs.randomTokens(b, t, v, 99);
        INDArray z = policy.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(tok)), PolicyTransformer.LOGITS)
                .get(PolicyTransformer.LOGITS);
        float[] zo = HostArrays.toFloats(z);
        float[] zt = torch.logits(tok);
        double full = maxAbsDiff(zo, zt, zo.length);
        int p = t / 2;
        int[][] prompts = new int[b][];
        for (int r = 0; r < b; r++) {
            prompts[r] = Arrays.copyOf(tok[r], p);
        }
        double dec = 0;
        ours.prefill(prompts, t);
        try (TorchPeer.Decode dd = torch.newDecode(b, t, chunkTokens)) {
            dd.prefill(prompts);
            for (int s = p; s < t; s++) {
                dec = Math.max(dec, maxAbsDiff(ours.logits(), dd.logits(), b * v));
                ours.step(new int[]{0, 1}, new int[]{tok[0][s], tok[1][s]});
                dd.step(new long[]{tok[0][s], tok[1][s]});
            }
        }
        if (full > 1e-4 || dec > 1e-4) {
            throw new IllegalStateException(String.format("logits differ: full forward %.3g, KV decode %.3g (must be <= 1e-4);"
                    + " the PyTorch peer does not compute the same model", full, dec));
        }
        return new double[]{full, dec};
    }

    private static double maxAbsDiff(float[] a, float[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private Map<String, Object> measure(String name, PolicyConfig cfg, PolicyTransformer policy, KvCacheDecoder ours,
                                        TorchPeer torch, int b, double[] diff) {
        int v = cfg.vocabSize();
        int[][] prompts = BenchConfigs.randomTokens(b, prompt, v, 1000 + b);
        // warm-up (JIT, allocator, libtorch kernels): short prompts and runs, more of them for batch 1
        int[][] short8 = new int[b][];
        for (int r = 0; r < b; r++) {
            short8[r] = Arrays.copyOf(prompts[r], Math.min(prompt, 8));
        }
        int warm = b == 1 ? 5 : 1;
        for (int w = 0; w < warm; w++) {
            runOurs(ours, short8, Math.min(steps, 8));
            runTorch(torch, short8, Math.min(steps, 8));
        }
        List<Double> oursPrefill = new ArrayList<>();
        List<Double> oursSteps = new ArrayList<>();
        List<Double> torchPrefill = new ArrayList<>();
        List<Double> torchSteps = new ArrayList<>();
        Run o = null;
        Run t = null;
        long start = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            if (r >= 3 && (System.nanoTime() - start) / 1e9 > budgetSeconds) {
                break;
            }
            System.gc(); // untimed: off-heap garbage of the previous runs goes now, not during one (a 0.5B model's
                         // ND4J temporaries otherwise pile up to javacpp's maxbytes)
            if (r % 2 == 0) { // alternate the order so that drift of the shared machine hits both alike
                o = runOurs(ours, prompts, steps);
                t = runTorch(torch, prompts, steps);
            } else {
                t = runTorch(torch, prompts, steps);
                o = runOurs(ours, prompts, steps);
            }
            oursPrefill.add(o.prefillMs);
            oursSteps.add(o.stepsMs);
            torchPrefill.add(t.prefillMs);
            torchSteps.add(t.stepsMs);
        }
        // the naive decode of a real-shape model would recompute hundreds of millions of weights over the prefix
        double[] naive = naiveSamples > 0 && !BenchConfigs.isLarge(name) ? naive(policy, prompts, o.tokens) : null;
        double oursMs = Stats.median(oursSteps) / steps;
        double torchMs = Stats.median(torchSteps) / steps;
        double oursBest = Stats.min(oursSteps) / steps;
        double torchBest = Stats.min(torchSteps) / steps;
        Double naiveMs = naive == null ? null : naive[0];

        double stepFlops = 0;
        for (int s = 0; s < steps; s++) {
            stepFlops += PolicyFlops.decodeToken(cfg, prompt + s);
        }
        stepFlops = stepFlops * b / steps; // per step, all rows

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("config", name);
        row.put("B", b);
        row.put("context", prompt + steps);
        row.put("ours_tok_s", b / (oursMs / 1e3));
        row.put("torch_tok_s", b / (torchMs / 1e3));
        row.put("naive_tok_s", naive == null ? null : b / (naiveMs / 1e3));
        row.put("ours_over_torch", torchMs / oursMs);
        row.put("ours_over_naive", naive == null ? null : naiveMs / oursMs);
        row.put("runs", oursSteps.size());
        row.put("ours_best_ms_step", oursBest);
        row.put("torch_best_ms_step", torchBest);
        row.put("ours_over_torch_best", torchBest / oursBest);
        row.put("ours_ms_step", oursMs);
        row.put("torch_ms_step", torchMs);
        row.put("naive_ms_step", naiveMs);
        row.put("ours_gflops", stepFlops / (oursMs * 1e6));
        row.put("torch_gflops", stepFlops / (torchMs * 1e6));
        row.put("naive_gflops", naive == null ? null : naive[1]);
        row.put("ours_prefill_ms", Stats.median(oursPrefill));
        row.put("torch_prefill_ms", Stats.median(torchPrefill));
        row.put("same_tokens", agreement(o.tokens, t.tokens));
        row.put("naive_same_tokens", naive == null ? null : naive[2]);
        row.put("logit_diff_full", diff[0]);
        row.put("logit_diff_decode", diff[1]);
        row.put("ours_weight_sync_ms", weightSyncMs(ours, BenchConfigs.isLarge(name) ? 3 : 11));
        row.put("load_avg", Stats.loadAverage());
        return row;
    }

    /**
     * Median time of copying the policy's weights into the decoder, as the trainer does after each update, over
     * {@code n - 1} copies after a first one (fewer for the real-shape presets, where one copy takes seconds).
     */
    private static double weightSyncMs(KvCacheDecoder dec, int n) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            dec.syncWeights();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        return Stats.median(ms.subList(1, ms.size()));
    }

    private Run runOurs(KvCacheDecoder dec, int[][] prompts, int n) {
        int b = prompts.length;
        int v = dec.config().vocabSize();
        Run run = new Run();
        run.tokens = new int[b][n];
        int[] rows = new int[b];
        int[] tok = new int[b];
        long a = System.nanoTime();
        dec.prefill(prompts, prompt + steps);
        long c = System.nanoTime();
        float[] z = dec.logits();
        for (int s = 0; s < n; s++) {
            for (int r = 0; r < b; r++) {
                rows[r] = r;
                tok[r] = BenchConfigs.argmax(z, r * v, v);
                run.tokens[r][s] = tok[r];
            }
            dec.step(rows, tok);
        }
        long e = System.nanoTime();
        run.prefillMs = (c - a) / 1e6;
        run.stepsMs = (e - c) / 1e6;
        return run;
    }

    private Run runTorch(TorchPeer torch, int[][] prompts, int n) {
        int b = prompts.length;
        int v = torch.config().vocabSize();
        Run run = new Run();
        run.tokens = new int[b][n];
        long[] tok = new long[b];
        try (TorchPeer.Decode dd = torch.newDecode(b, prompt + steps, chunkTokens)) { // cache allocated untimed
            long a = System.nanoTime();
            dd.prefill(prompts);
            long c = System.nanoTime();
            for (int s = 0; s < n; s++) {
                float[] z = dd.logits();
                for (int r = 0; r < b; r++) {
                    int k = BenchConfigs.argmax(z, r * v, v);
                    tok[r] = k;
                    run.tokens[r][s] = k;
                }
                dd.step(tok);
            }
            long e = System.nanoTime();
            run.prefillMs = (c - a) / 1e6;
            run.stepsMs = (e - c) / 1e6;
        }
        return run;
    }

    /**
     * The naive decode: step s recomputes the whole prefix (prompt + the first s + 1 generated tokens, the
     * context ours' step s has) with the SameDiff graph and reads the last position's logits.
     *
     * @return {ms per step (mean over the sampled steps), achieved GFLOP/s, fraction of sampled steps whose
     *         argmax equals ours' next token}
     */
    private double[] naive(PolicyTransformer policy, int[][] prompts, int[][] gen) {
        PolicyConfig cfg = policy.config();
        int b = prompts.length;
        int v = cfg.vocabSize();
        int k = Math.min(naiveSamples, steps);
        int[] at = new int[k];
        for (int i = 0; i < k; i++) {
            at[i] = k == 1 ? steps - 1 : (int) Math.round(i * (steps - 1) / (double) (k - 1));
        }
        naiveForward(policy, prompts, gen, 0, v); // warm-up (first-call graph setup)
        double ms = 0;
        double flops = 0;
        int agree = 0;
        int checked = 0;
        for (int s : at) {
            long a = System.nanoTime();
            float[] last = naiveForward(policy, prompts, gen, s + 1, v);
            double t = (System.nanoTime() - a) / 1e6;
            ms += t / k;
            flops += b * PolicyFlops.fullForward(cfg, prompt + s + 1);
            if (s + 1 < steps) {
                for (int r = 0; r < b; r++) {
                    agree += BenchConfigs.argmax(last, r * v, v) == gen[r][s + 1] ? 1 : 0;
                    checked++;
                }
            }
        }
        return new double[]{ms, flops / (ms * k * 1e6), checked == 0 ? 1.0 : agree / (double) checked};
    }

    /** One full-recompute step: logits of the last position of prompt + gen[0, g), [B * V]. */
    private float[] naiveForward(PolicyTransformer policy, int[][] prompts, int[][] gen, int g, int v) {
        int b = prompts.length;
        int n = prompt + g;
        int[][] seq = new int[b][n];
        for (int r = 0; r < b; r++) {
            System.arraycopy(prompts[r], 0, seq[r], 0, prompt);
            System.arraycopy(gen[r], 0, seq[r], prompt, g);
        }
        INDArray z = policy.forward(Map.of(PolicyTransformer.TOKENS, Nd4j.createFromArray(seq)), PolicyTransformer.LOGITS)
                .get(PolicyTransformer.LOGITS);                           // [B, n, V]
        return HostArrays.toFloats(z.get(NDArrayIndex.all(), NDArrayIndex.point(n - 1), NDArrayIndex.all()));
    }

    private static double agreement(int[][] a, int[][] b) {
        long same = 0;
        long all = 0;
        for (int r = 0; r < a.length; r++) {
            for (int s = 0; s < a[r].length; s++) {
                same += a[r][s] == b[r][s] ? 1 : 0;
                all++;
            }
        }
        return same / (double) all;
    }

    private static Map<String, Object> memoryRow(Map<String, Object> m) {
        double mb = 1 << 20;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("config", m.get("config"));
        row.put("impl", m.get("impl"));
        row.put("B", m.get("batch"));
        row.put("context", m.get("context"));
        row.put("baseline_mb", num(m, "baseline_rss_bytes") / mb);
        row.put("peak_mb", num(m, "peak_rss_bytes") / mb);
        row.put("decode_mb", num(m, "decode_rss_bytes") / mb);
        row.put("kv_cache_mb", num(m, "kv_cache_bytes") / mb);
        row.put("weights_mb", num(m, "weight_bytes") / mb);
        row.put("logits_mb", num(m, "logits_bytes") / mb);
        row.put("overhead_pct", 100 * num(m, "overhead_fraction"));
        row.put("heap_after_gc_mb", num(m, "heap_used_after_gc_bytes") / mb);
        row.put("seconds", num(m, "seconds"));
        row.put("peak_from", m.get("peak_from"));
        return row;
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /** Which of the targets were reached, with the numbers. */
    private static Map<String, Object> targets(BenchReport report, List<Map<String, Object>> memory) {
        Map<String, Object> t = new LinkedHashMap<>();
        for (Map<String, Object> row : report.rows()) {
            String key = row.get("config") + " B=" + row.get("B");
            double vsTorch = num(row, "ours_over_torch");
            if (((Number) row.get("B")).intValue() >= 64 || BenchConfigs.isLarge((String) row.get("config"))) {
                t.put("decode >= 1.0x PyTorch, " + key, String.format("%s (%.2fx median, %.2fx best runs)",
                        vsTorch >= 1.0 ? "REACHED" : "missed", vsTorch, num(row, "ours_over_torch_best")));
            }
            if (row.get("ours_over_naive") != null) {
                double vsNaive = num(row, "ours_over_naive");
                t.put("decode >= 5x naive SameDiff, " + key, String.format("%s (%.1fx)", vsNaive >= 5 ? "REACHED" : "missed", vsNaive));
            }
        }
        for (Map<String, Object> m : memory) {
            if ("ours".equals(m.get("impl"))) {
                double o = num(m, "overhead_pct");
                t.put("memory overhead < 25%, " + m.get("config") + " B=" + m.get("B") + " context " + m.get("context"),
                        String.format("%s (%.1f%%)", o < 25 ? "REACHED" : "missed", o));
            }
        }
        return t;
    }
}
