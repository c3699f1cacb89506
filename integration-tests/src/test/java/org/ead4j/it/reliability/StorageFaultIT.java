package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.FaultPoint;
import org.ead4j.run.RunDirectory;
import org.ead4j.samediff.io.PolicyCheckpoint;
import org.ead4j.train.TrainingSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Disk full and unwritable run folders. In each case a run that already wrote checkpoint step-3 cannot
 * write any more; it must stop with exit 2 and one clear {@code error:} line (no stack trace), leave
 * step-3 valid and loadable and no half-written checkpoint, and, once the disk is fixed, {@code ead train
 * --resume} must finish with the same final weights as an uninterrupted run.
 * <ul>
 *   <li>file too large: the resumed process runs under {@code ulimit -f} (RLIMIT_FSIZE; the JVM ignores
 *       SIGXFSZ, so writes fail with EFBIG), smaller than a weights file: the step-6 checkpoint fails;</li>
 *   <li>a file where a folder should be: while the run is held at a {@link FaultPoint}, {@code checkpoints/}
 *       is moved aside and a regular file put in its place (root ignores permissions, this does not);</li>
 *   <li>disk full (ENOSPC): the run folder is on a 4 MiB tmpfs, filled up while the run is held;</li>
 *   <li>read-only (EROFS): the run folder is bind-mounted read-only onto itself while the run is held.</li>
 * </ul>
 * The last two need root with CAP_SYS_ADMIN (mount) and are skipped elsewhere.
 * <ul>
 * </ul>
 */
class StorageFaultIT {

    private static Path work;
    private static Path config;
    private static String referenceSha;
    private static Path tmpfs;
    private static final List<String> ROWS = new ArrayList<>();
    private static long t0;

    @BeforeAll
    static void reference() throws Exception {
        Assumptions.assumeTrue(ChildJvm.hasProc(), "needs Linux");
        t0 = System.nanoTime();
        work = ReliabilitySummary.target().resolve("reliability-it/storage");
        unmountQuietly(work.resolve("tmpfs"));
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        Map<String, String> s = Experiments.defaults();
        s.put("steps", "6");
        s.put("evalEvery", "0");
        s.put("warmSteps", "4");
        s.put("dModel", "64");
        s.put("ffn", "128");
        config = Experiments.write(s, work.resolve("experiment.json"));
        Path ref = work.resolve("reference");
        InProcessEad.Result r = InProcessEad.run("train", "--config", config.toString(), "--out", ref.toString(), "--no-plots");
        assertEquals(0, r.exitCode(), r::all);
        referenceSha = Experiments.runInfo(ref).get("final-weights-sha256");
    }

    @AfterAll
    static void summary() {
        if (tmpfs != null) {
            unmountQuietly(tmpfs);
        }
        long ok = ROWS.stream().filter(r -> r.endsWith("| ok |")).count();
        ReliabilitySummary.record("4-storage", String.format("| disk full / unwritable run folder | %d faults | %d "
                + "handled | exit 2 + clear error, step-3 intact, resume = uninterrupted weights | %.0f s |",
                ROWS.size(), ok, (System.nanoTime() - t0) / 1e9),
                "## Disk full and unwritable run folders (StorageFaultIT)\n\n| fault | error printed | after the fix |"
                        + " check |\n| --- | --- | --- | --- |\n" + String.join("\n", ROWS) + "\n");
    }

    @Test
    void fileTooLargeDuringCheckpointWrite() throws Exception {
        Path run = work.resolve("efbig");
        // 1. the run gets to step 4 (checkpoint step-3 on disk) and dies there
        ChildJvm.Result first = ChildJvm.run(ChildJvm.command(List.of("-D" + FaultPoint.PROPERTY + "=step-logged:4"),
                List.of("train", "--config", config.toString(), "--out", run.toString(), "--no-plots")),
                work.resolve("efbig-1.log"), 300);
        assertEquals(137, first.exitCode(), first::output);
        // 2. resumed with a file-size limit above the logs and provenance, below a weights file
        long weights = Files.size(newest(run).dir().resolve(TrainingSession.POLICY_DIR).resolve(PolicyCheckpoint.WEIGHTS_FILE));
        long logs = Math.max(Files.size(run.resolve(RunDirectory.PROVENANCE)), Files.size(run.resolve(RunDirectory.STEPS)));
        long limitKiB = (logs * 5 / 4 + 8192) / 1024;
        assertTrue(limitKiB * 1024 < weights, "the experiment's weights file must be larger than its logs");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + limitKiB + " && exec \"$@\"", "bash"));
        cmd.addAll(ChildJvm.command(List.of(), List.of("train", "--resume", run.toString(), "--no-plots")));
        ChildJvm.Result limited = ChildJvm.run(cmd, work.resolve("efbig-2.log"), 300);
        checkFailureAndRecover("file too large (RLIMIT_FSIZE " + limitKiB + " KiB < " + PolicyCheckpoint.WEIGHTS_FILE + " " + weights / 1024
                + " KiB): step-6 checkpoint write", run, limited.exitCode(), limited.output(), "File too large", () -> { });
    }

    @Test
    void fileWhereTheCheckpointsFolderShouldBe() throws Exception {
        Path run = work.resolve("file-in-the-way");
        Path aside = work.resolve("file-in-the-way-checkpoints");
        heldRun(run, () -> {
            Files.move(run.resolve(RunDirectory.CHECKPOINTS), aside);
            Files.writeString(run.resolve(RunDirectory.CHECKPOINTS), "a file, not a folder\n");
        }, "file where checkpoints/ should be: step-6 checkpoint write", "checkpoints", () -> {
            Files.delete(run.resolve(RunDirectory.CHECKPOINTS));
            Files.move(aside, run.resolve(RunDirectory.CHECKPOINTS));
        });
    }

    @Test
    void diskFull() throws Exception {
        Path fs = mountTmpfs();
        Path run = fs.resolve("full");
        Path filler = fs.resolve("filler.bin");
        heldRun(run, () -> fill(filler), "disk full (4 MiB tmpfs filled up, ENOSPC): step-6 log line", "No space left on device",
                () -> Files.delete(filler));
    }

    @Test
    void readOnlyFileSystem() throws Exception {
        mountTmpfs(); // the same capability test
        Path run = work.resolve("read-only");
        // a read-only bind mount of the run folder onto itself: new files fail with EROFS (a plain remount ro
        // is refused while the run holds steps.jsonl open for writing)
        heldRun(run, () -> assertEquals(0, sh("mount --bind " + run + " " + run + " && mount -o remount,bind,ro "
                + run + " " + run)), "read-only file system (run folder bind-mounted ro): step-6 checkpoint write",
                "Read-only file system", () -> assertEquals(0, sh("umount " + run)));
    }

    interface IoAction {
        void run() throws Exception;
    }

    /** Runs the experiment held at step-logged:5 (checkpoint step-3 on disk), breaks the disk, lets it go on. */
    private void heldRun(Path run, IoAction breakIt, String what, String expected, IoAction fixIt) throws Exception {
        Path marker = work.resolve(run.getFileName() + ".marker");
        Path log = work.resolve(run.getFileName() + ".log");
        Files.deleteIfExists(log);
        Process p = ChildJvm.start(ChildJvm.command(List.of("-D" + FaultPoint.PROPERTY + "=step-logged:5",
                "-D" + FaultPoint.MARKER_PROPERTY + "=" + marker, "-D" + FaultPoint.ACTION_PROPERTY + "=wait"),
                List.of("train", "--config", config.toString(), "--out", run.toString(), "--no-plots")), log);
        try {
            assertTrue(KillAndResumeIT.waitFor(p, () -> Files.exists(marker), 300), () -> "never reached step 5:\n" + read(log));
            breakIt.run();
            Files.delete(marker);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run hung after the disk broke");
        } finally {
            p.destroyForcibly();
        }
        checkFailureAndRecover(what, run, p.exitValue(), read(log), expected, fixIt);
    }

    private void checkFailureAndRecover(String what, Path run, int exit, String output, String expected, IoAction fixIt)
            throws Exception {
        String error = output.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        try {
            assertEquals(2, exit, () -> what + ": expected exit 2:\n" + output);
            assertTrue(error.contains(expected) && error.contains("--resume"), () -> what + ": unclear error:\n" + output);
            assertFalse(output.contains("\tat ") || output.contains("internal error"), () -> "stack trace:\n" + output);
        } finally {
            fixIt.run();
        }
        Checkpoint ck = newest(run);
        assertEquals(3L, ck.step(), "the previous checkpoint is the newest valid one");
        PolicyCheckpoint.load(ck.dir().resolve(TrainingSession.POLICY_DIR)); // and it loads
        try (Stream<Path> s = Files.list(run.resolve(RunDirectory.CHECKPOINTS))) {
            List<String> names = s.map(x -> x.getFileName().toString()).sorted().toList();
            assertEquals(List.of("step-3"), names, "no half-written or extra checkpoint left");
        }
        InProcessEad.Result resumed = InProcessEad.run("train", "--resume", run.toString(), "--no-plots");
        assertEquals(0, resumed.exitCode(), resumed::all);
        String sha = Experiments.runInfo(run).get("final-weights-sha256");
        assertEquals(referenceSha, sha, what + ": the resumed run must end with the uninterrupted run's weights");
        ROWS.add("| " + what + " | `" + error.replace(run.toString(), "RUN").replace("|", "\\|") + "` | step-3 loads; "
                + "resume ends with the uninterrupted weights | ok |");
    }

    private static Checkpoint newest(Path run) {
        return new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 2).newestValidCheckpoint().orElseThrow();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[16384];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // full
        }
    }

    private static synchronized Path mountTmpfs() throws Exception {
        if (tmpfs == null) {
            Path dir = work.resolve("tmpfs");
            Files.createDirectories(dir);
            boolean ok = sh("mount -t tmpfs -o size=4m ead4j-it " + dir) == 0;
            Assumptions.assumeTrue(ok, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
            tmpfs = dir;
        }
        return tmpfs;
    }

    private static int sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static void unmountQuietly(Path dir) {
        try {
            // a lazy unmount as the fallback: a child JVM that still holds a file there must not leave the mount behind
            sh("mountpoint -q " + dir + " && (umount " + dir + " || umount -l " + dir + ")");
        } catch (Exception e) {
            // best effort
        }
    }
}
