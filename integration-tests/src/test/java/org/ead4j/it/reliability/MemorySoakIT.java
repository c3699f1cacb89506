package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.RunDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Memory soak: RL steps of a tiny policy (d 16, one layer, 2 prompts x 4 samples, 8 response tokens,
 * checkpoint and evaluation every 100 steps) in a child JVM, with its resident set size (VmRSS from
 * /proc/PID/status: heap, metaspace, code cache and ND4J's off-heap buffers) sampled every 50 steps.
 * After the warm-up (the first fifth of the run, at least 150 steps) RSS may grow by less than 5%. The
 * child's heap is fixed and touched at start-up, so RSS growth is not the heap being sized up by the GC
 * but memory outside it (a leak in the heap would show as GC thrashing and an OutOfMemoryError).
 *
 * <p>{@code mvn verify} runs 300 steps; {@code -Dead4j.soak.steps=1000} runs the 1,000.
 */
class MemorySoakIT {

    static final double MAX_GROWTH = 0.05;

    @Test
    void residentMemoryIsFlatAfterWarmUp() throws Exception {
        Assumptions.assumeTrue(ChildJvm.hasProc(), "needs Linux /proc");
        int steps = Integer.getInteger("ead4j.soak.steps", 300);
        int every = 50;
        // JIT compilation and ND4J's shape caches settle within ~200 steps (measured on 1,000-step runs)
        int warmUp = Math.max(150, steps / 5 / every * every);
        Assumptions.assumeTrue(steps >= warmUp + 2 * every, "too few soak steps to measure growth");
        long t0 = System.nanoTime();
        Path work = ReliabilitySummary.target().resolve("reliability-it/soak");
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        Map<String, String> s = Experiments.defaults();
        s.put("steps", Integer.toString(steps));
        s.put("prompts", "2");
        s.put("maxTokens", "8");
        s.put("checkpointEvery", "100");
        s.put("evalEvery", "100");
        s.put("warmSteps", "10");
        Path config = Experiments.write(s, work.resolve("experiment.json"));
        Path run = work.resolve("run");
        Path log = work.resolve("soak.log");
        // the heap is sized and touched up front, so RSS changes are everything else: ND4J's off-heap buffers,
        // metaspace, code cache, thread stacks, malloc; maxbytes as ./ead sets it (it sizes SameDiff's array cache)
        Process p = ChildJvm.start(ChildJvm.longRunning(List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-Dorg.bytedeco.javacpp.maxbytes=8G"),
                List.of("train", "--config", config.toString(), "--out", run.toString(), "--no-plots")), log);
        List<long[]> curve = new ArrayList<>(); // {step, rssKiB, millis}
        LineCounter lines = new LineCounter(run.resolve(RunDirectory.STEPS));
        long start = System.nanoTime();
        try {
            int next = every;
            while (p.isAlive() && next <= steps) {
                if (lines.count() >= next) {
                    long rss = ChildJvm.rssKiB(p.pid());
                    if (rss > 0) {
                        curve.add(new long[]{next, rss, (System.nanoTime() - start) / 1_000_000});
                    }
                    next += every;
                } else {
                    Thread.sleep(5);
                }
            }
            assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the soak run did not finish");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), () -> "soak run failed:\n" + tail(log));
        long base = curve.stream().filter(c -> c[0] == warmUp).findFirst().map(c -> c[1]).orElseThrow();
        long last = curve.get(curve.size() - 1)[1];
        long maxAfter = curve.stream().filter(c -> c[0] >= warmUp).mapToLong(c -> c[1]).max().orElseThrow();
        double growth = (last - base) / (double) base;
        double peakGrowth = (maxAfter - base) / (double) base;
        StringBuilder table = new StringBuilder("| step | RSS (MiB) | vs step " + warmUp + " | elapsed (s) |\n"
                + "| --- | --- | --- | --- |\n");
        for (long[] c : curve) {
            table.append(String.format("| %d | %.1f | %s | %.1f |%n", c[0], c[1] / 1024.0,
                    c[0] < warmUp ? "(warm-up)" : String.format("%+.2f%%", 100.0 * (c[1] - base) / base), c[2] / 1000.0));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("RSS curve (every " + every + " steps):\n" + table);
        ReliabilitySummary.record("5-soak", String.format("| memory soak (%d RL steps, RSS every %d) | %d samples | "
                + "growth after step %d: %+.2f%% (peak %+.2f%%) | %s 5%% | %.0f s |", steps, every, curve.size(), warmUp,
                100 * growth, 100 * peakGrowth, growth < MAX_GROWTH && peakGrowth < MAX_GROWTH ? "under" : "OVER",
                seconds), "## Memory soak (MemorySoakIT)\n\n" + steps + " RL steps of the tiny policy (d 16, 1 layer, "
                + "2 prompts x 4 samples, 8 tokens, checkpoint + eval every 100 steps), child JVM with a 256 MiB heap "
                + "touched up front (-Xms256m -Xmx256m -XX:+AlwaysPreTouch, default GC and JIT, javacpp maxbytes 8G as "
                + "./ead sets it). VmRSS every " + every + " steps:\n\n" + table);
        assertTrue(growth < MAX_GROWTH && peakGrowth < MAX_GROWTH, String.format(
                "RSS grew %.2f%% (peak %.2f%%) after the warm-up:%n%s", 100 * growth, 100 * peakGrowth, table));
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** Counts the newlines of a growing file incrementally. */
    static final class LineCounter {
        private final Path file;
        private long offset;
        private int count;

        LineCounter(Path file) {
            this.file = file;
        }

        int count() throws IOException {
            if (!Files.exists(file)) {
                return 0;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len < offset) { // rewritten (not expected in a fresh run)
                    offset = 0;
                    count = 0;
                }
                f.seek(offset);
                byte[] buf = new byte[(int) Math.min(1 << 20, len - offset)];
                f.readFully(buf);
                for (byte b : buf) {
                    count += b == '\n' ? 1 : 0;
                }
                offset += buf.length;
            }
            return count;
        }
    }
}
