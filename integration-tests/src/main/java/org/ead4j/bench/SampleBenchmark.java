package org.ead4j.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.TokenSampler;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.SchedulePreset;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ns per sampled token for EAD against constant-temperature sampling, in the same run.
 *
 * <p>Both arms do exactly what the rollout engine does per token: look tau_t up in the schedule's
 * per-step table (filled once per rollout step by {@link TemperatureSchedule#temperatures}, which
 * is included in the timing), draw the counter-based uniform, and run the one sampling kernel.
 * Arms alternate over repeats and the median is reported, so drift hits both alike.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        header = "ns per sampled token: EAD vs constant temperature at V in {64, 32000}, B in {1, 64}.")
public class SampleBenchmark implements Callable<Integer> {

    @Option(names = "--tokens", paramLabel = "T", defaultValue = "256", description = "response length per row (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "7", description = "timed repeats per arm (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "target/bench/sample.json", description = "JSON results (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        BenchReport report = new BenchReport("sample");
        TemperatureSchedule ead = SchedulePreset.RELEASED_CODE.create();
        TemperatureSchedule constant = new ConstantTemperature(1.0);
        for (int v : new int[]{64, 32000}) {
            for (int b : new int[]{1, 64}) {
                int t = v >= 32000 && b >= 64 ? Math.min(tokens, 32) : tokens;
                float[] logits = logits(b, v);
                double[] eadNs = new double[repeats];
                double[] constNs = new double[repeats];
                run(ead, logits, b, v, t); // warm-up (JIT)
                run(constant, logits, b, v, t);
                for (int r = 0; r < repeats; r++) {
                    eadNs[r] = run(ead, logits, b, v, t);
                    constNs[r] = run(constant, logits, b, v, t);
                }
                double e = median(eadNs);
                double c = median(constNs);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("V", v);
                row.put("B", b);
                row.put("tokens_per_row", t);
                row.put("ead_ns_per_token", e);
                row.put("constant_ns_per_token", c);
                row.put("ratio_ead_over_constant", e / c);
                report.add(row);
            }
        }
        System.out.print(report.table());
        System.out.println("target: ratio <= 1.02 (EAD costs no more than constant-temperature sampling)");
        report.writeJson(out);
        System.out.println("wrote " + out);
        return 0;
    }

    /** Samples t positions for b rows; returns ns per sampled token. */
    private static double run(TemperatureSchedule schedule, float[] logits, int b, int v, int t) {
        TokenSampler sampler = new TokenSampler();
        int[] tok = new int[b];
        float[] beh = new float[b];
        float[] tgt = new float[b];
        long[] keys = new long[b];
        for (int r = 0; r < b; r++) {
            keys[r] = RandomStreams.key(1, 7, r, 0);
        }
        // enough rollouts that one timed run takes ~50 ms (timer noise stays < 1%)
        int rollouts = (int) Math.max(1, 20_000_000L / ((long) b * v * t));
        long sink = 0;
        long start = System.nanoTime();
        float[] tauTable = new float[t];
        for (int roll = 0; roll < rollouts; roll++) {
            schedule.temperatures(7 + roll, tauTable); // once per rollout step
            for (int pos = 0; pos < t; pos++) {
                float tau = tauTable[pos];
                for (int r = 0; r < b; r++) {
                    sink += sampler.sampleRow(logits, r * v, v, tau, RandomStreams.uniform(keys[r], pos), r, tok, beh, tgt);
                }
            }
        }
        long ns = System.nanoTime() - start;
        if (sink == Long.MIN_VALUE) {
            System.out.println(sink); // keep the loop alive
        }
        return ns / ((double) t * b * rollouts);
    }

    private static float[] logits(int b, int v) {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] z = new float[b * v];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rnd.nextGaussian() * 3);
        }
        return z;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
