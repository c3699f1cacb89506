package org.ead4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ead4j.samediff.decode.KvCacheDecoder;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;

/**
 * Peak resident memory of one KV-cache decode, measured in a JVM of its own so that nothing else the
 * benchmark did is in the figure: {@code main(impl, config, batch, context, steps, chunkTokens)} builds the
 * policy (ND4J and, for {@code pytorch}, libtorch loaded), records VmRSS as the baseline, resets VmHWM, then
 * creates the decoder (its weight copy), prefills {@code context - steps} prompt tokens per row and decodes
 * {@code steps} greedy steps, so that the cache holds {@code context} positions, and reports VmHWM.
 * The result is one line {@code EAD-MEMORY-PROBE <json>} on stdout; {@link #run} launches it and parses it.
 *
 * <p>Expected memory = one copy of the weights + the KV cache (2 x layers x batch x context x kv heads x head dim
 * x 4 bytes)
 * + the logits buffer (batch x V x 4 bytes); overhead = (peak - baseline - expected) / expected.
 */
public final class DecodeMemoryProbe {

    /** Marks the result line on stdout. */
    public static final String MARK = "EAD-MEMORY-PROBE ";

    private DecodeMemoryProbe() {
    }

    /**
     * Runs the probe in a child JVM with this JVM's classpath, -D and -X options.
     *
     * @param impl ours or pytorch
     * @param config preset name
     * @param batch rows
     * @param context positions per row at the end
     * @param steps decode steps (the rest is prefill)
     * @param chunkTokens the PyTorch peer's prefill chunk
     * @return the child's result
     * @throws IOException if the child cannot run or reports no result
     * @throws InterruptedException if interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> run(String impl, String config, int batch, int context, int steps, int chunkTokens)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("-Xmx") || a.startsWith("-Xms")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DecodeMemoryProbe.class.getName());
        cmd.add(impl);
        cmd.add(config);
        cmd.add(Integer.toString(batch));
        cmd.add(Integer.toString(context));
        cmd.add(Integer.toString(steps));
        cmd.add(Integer.toString(chunkTokens));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String result = null;
        StringBuilder tail = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(MARK)) {
                    result = line.substring(MARK.length());
                } else {
                    tail.append(line).append('\n');
                    if (tail.length() > 4000) {
                        tail.delete(0, tail.length() - 4000);
                    }
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IOException("memory probe " + impl + "/" + config + " failed (exit " + rc + "): " + tail);
        }
        return new ObjectMapper().readValue(result, Map.class);
    }

    /**
     * The child's entry point.
     *
     * @param args impl config batch context steps chunkTokens
     * @throws Exception on failure (non-zero exit)
     */
    public static void main(String[] args) throws Exception {
        String impl = args[0];
        PolicyConfig cfg = BenchConfigs.byName(args[1]);
        int batch = Integer.parseInt(args[2]);
        int context = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        int chunkTokens = Integer.parseInt(args[5]);
        if (context > cfg.maxSeqLen() || steps < 1 || steps >= context) {
            throw new IllegalArgumentException("need 1 <= steps < context <= maxSeqLen = " + cfg.maxSeqLen());
        }
        boolean torch = impl.equals("pytorch");
        if (!torch && !impl.equals("ours")) {
            throw new IllegalArgumentException("impl must be ours or pytorch, got " + impl);
        }
        PolicyTransformer policy = new PolicyTransformer(cfg);
        int v = cfg.vocabSize();
        int[][] prompts = BenchConfigs.randomTokens(batch, context - steps, v, 7);
        if (torch) {
            DjlPolicy.configureThreads(DjlPolicy.defaultThreads());
            try (NDManager m = Engine.getEngine(DjlPolicy.ENGINE).newBaseManager()) {
                NDArray a = m.ones(new Shape(8, 8));
                a.matMul(a).softmax(1).toFloatArray(); // libtorch loaded and its kernels initialised
            }
        }
        System.gc();
        Thread.sleep(200);
        long heapBase = heapUsed();
        long base = ProcMemory.rss();
        boolean reset = ProcMemory.resetPeak();
        // only where VmHWM cannot be reset: sample VmRSS instead (each read allocates a little heap, which would
        // itself grow the young generation's resident memory, so not when VmHWM works)
        AtomicLong sampled = new AtomicLong(base);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sampled.accumulateAndGet(ProcMemory.rss(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        if (!reset) {
            sampler.start();
        }

        long t0 = System.nanoTime();
        long heapAfterGc;
        long peak;
        long cacheBytes = 2L * cfg.numLayers() * batch * context * cfg.numKvHeads() * cfg.headDim() * Float.BYTES;
        if (torch) {
            try (TorchPeer peer = TorchPeer.of(cfg, policy.parameters());
                 TorchPeer.Decode dd = peer.newDecode(batch, context, chunkTokens)) {
                dd.prefill(prompts);
                long[] tok = new long[batch];
                for (int s = 0; s < steps; s++) {
                    float[] z = dd.logits();
                    for (int r = 0; r < batch; r++) {
                        tok[r] = BenchConfigs.argmax(z, r * v, v);
                    }
                    dd.step(tok);
                }
                peak = peak(reset, sampled);   // before the collection below, which touches memory of its own
                heapAfterGc = gcHeap();
            }
        } else {
            try (KvCacheDecoder dec = new KvCacheDecoder(policy)) {
                dec.prefill(prompts, context);
                int[] rows = new int[batch];
                int[] tok = new int[batch];
                for (int s = 0; s < steps; s++) {
                    for (int r = 0; r < batch; r++) {
                        rows[r] = r;
                        tok[r] = BenchConfigs.argmax(dec.logits(), r * v, v);
                    }
                    dec.step(rows, tok);
                }
                peak = peak(reset, sampled);
                heapAfterGc = gcHeap();
                if (dec.cacheBytes() != cacheBytes) {
                    throw new IllegalStateException("cache is " + dec.cacheBytes() + " bytes, expected " + cacheBytes);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();

        long weightBytes = WeightLayout.parameterCount(cfg) * Float.BYTES;
        long logitsBytes = (long) batch * v * Float.BYTES;
        long expected = weightBytes + cacheBytes + logitsBytes;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", impl);
        out.put("config", args[1]);
        out.put("batch", batch);
        out.put("context", context);
        out.put("prefill_tokens_per_row", context - steps);
        out.put("decode_steps", steps);
        out.put("baseline_rss_bytes", base);
        out.put("peak_rss_bytes", peak);
        out.put("peak_from", reset ? "VmHWM (reset at the baseline)" : "VmRSS sampled every 20 ms");
        out.put("decode_rss_bytes", peak - base);
        out.put("kv_cache_bytes", cacheBytes);
        out.put("weight_bytes", weightBytes);
        out.put("logits_bytes", logitsBytes);
        out.put("expected_bytes", expected);
        out.put("overhead_fraction", (double) (peak - base - expected) / expected);
        out.put("heap_used_baseline_bytes", heapBase);
        out.put("heap_used_after_gc_bytes", heapAfterGc);
        out.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
        out.put("seconds", seconds);
        System.out.println(MARK + new ObjectMapper().writeValueAsString(out));
        System.out.flush();
        System.exit(0); // skip slow native teardown
    }

    private static long peak(boolean reset, AtomicLong sampled) {
        return reset ? ProcMemory.peak() : Math.max(sampled.get(), ProcMemory.rss());
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long gcHeap() {
        System.gc();
        return heapUsed();
    }
}
