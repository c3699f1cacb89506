package org.ead4j.examples.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.ead4j.cli.ProgressPrinter;
import org.ead4j.examples.EadLauncher;
import org.ead4j.provenance.ExperimentConfigs;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.RunDirectory;
import org.ead4j.train.RlvrTrainer;
import org.ead4j.train.TrainingSession;

/**
 * Executes planned runs: each run's experiment is written to {@code configs/<id>.json} with
 * {@link ExperimentConfigs#writeConfig} and then trained from that file, either in this JVM one
 * after another, or in up to {@code parallel} child JVMs ({@code java -cp <this classpath>
 * org.ead4j.examples.EadLauncher train --config configs/<id>.json --out runs/<id> --no-plots}).
 * Both paths train from the same file, so they give the same bits. Each run's output goes to
 * {@code logs/<id>.log}. With {@code resume}, runs whose provenance says they completed all their
 * steps are kept; unfinished run directories are deleted and rerun.
 */
public final class RunExecutor {

    /** Run directories, per-run configs and logs under the study directory. */
    public static final String RUNS = "runs";
    /** Per-run configuration files. */
    public static final String CONFIGS = "configs";
    /** Per-run logs. */
    public static final String LOGS = "logs";

    /**
     * What happened to a run.
     *
     * @param run the run
     * @param dir its run directory
     * @param ok whether it completed
     * @param reused whether a completed earlier run was kept (--resume)
     * @param wallSeconds wall-clock seconds (0 when reused)
     * @param cpuSeconds CPU seconds of the child JVM, or of the training thread in-process (0 when reused; NaN
     *                   when the platform does not report it); unlike wall time, barely affected by other work
     *                   on the machine
     * @param error why it failed, else empty
     */
    public record Outcome(StudyPlan.Run run, Path dir, boolean ok, boolean reused, double wallSeconds,
                          double cpuSeconds, String error) {
    }

    private final Path studyDir;
    private final int parallel;
    private final boolean inProcess;
    private final String childHeap;
    private final PrintWriter progress;

    /**
     * Creates an executor.
     *
     * @param studyDir the study directory
     * @param parallel most child JVMs at once (ignored in-process), &gt;= 1
     * @param inProcess train in this JVM, sequentially
     * @param childHeap maximum heap of a child JVM, e.g. {@code 1g}
     * @param progress where one line per started and finished run goes
     */
    public RunExecutor(Path studyDir, int parallel, boolean inProcess, String childHeap, PrintWriter progress) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel = " + parallel + " is invalid: must be >= 1");
        }
        this.studyDir = studyDir;
        this.parallel = parallel;
        this.inProcess = inProcess;
        this.childHeap = childHeap;
        this.progress = progress;
    }

    /**
     * The directory of a run.
     *
     * @param studyDir the study directory
     * @param run the run
     * @return {@code warm-start/} for the warm start, else {@code runs/<id>/}
     */
    public static Path runDir(Path studyDir, StudyPlan.Run run) {
        return run.kind() == StudyPlan.Kind.WARM_START ? studyDir.resolve(StudyPlan.WARM_START_ID)
                : studyDir.resolve(RUNS).resolve(run.id());
    }

    /**
     * Executes runs; failures are reported in the outcomes, not thrown.
     *
     * @param runs the runs
     * @param resume keep runs that already completed
     * @return the outcomes, in the order of {@code runs}
     * @throws IOException if the configurations cannot be written
     * @throws InterruptedException if interrupted while waiting for runs
     */
    public List<Outcome> execute(List<StudyPlan.Run> runs, boolean resume) throws IOException, InterruptedException {
        Files.createDirectories(studyDir.resolve(CONFIGS));
        Files.createDirectories(studyDir.resolve(LOGS));
        List<Outcome> out = new ArrayList<>();
        List<StudyPlan.Run> todo = new ArrayList<>();
        for (StudyPlan.Run r : runs) {
            Path dir = runDir(studyDir, r);
            if (resume && completed(dir, r.trainer().steps())) {
                out.add(new Outcome(r, dir, true, true, 0, 0, ""));
                continue;
            }
            if (Files.exists(dir)) {
                AtomicFiles.deleteTree(dir);
            }
            ExperimentConfigs.writeConfig(r.trainer(), configFile(r));
            todo.add(r);
        }
        if (out.size() > 0) {
            progress.printf("keeping %d completed run(s); %d to run%n", out.size(), todo.size());
            progress.flush();
        }
        AtomicInteger done = new AtomicInteger();
        if (inProcess) {
            for (StudyPlan.Run r : todo) {
                out.add(runOne(r, done, todo.size()));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, todo.size())));
            try {
                List<Future<Outcome>> fs = new ArrayList<>();
                for (StudyPlan.Run r : todo) {
                    fs.add(pool.submit(() -> runOne(r, done, todo.size())));
                }
                for (Future<Outcome> f : fs) {
                    try {
                        out.add(f.get());
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("run executor failed: " + e.getCause(), e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<Outcome> ordered = new ArrayList<>();
        for (StudyPlan.Run r : runs) {
            out.stream().filter(o -> o.run().id().equals(r.id())).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }

    private Path configFile(StudyPlan.Run r) {
        return studyDir.resolve(CONFIGS).resolve(r.id() + ".json");
    }

    private Outcome runOne(StudyPlan.Run r, AtomicInteger done, int total) {
        Path dir = runDir(studyDir, r);
        Path log = studyDir.resolve(LOGS).resolve(r.id() + ".log");
        long t0 = System.nanoTime();
        double cpu = Double.NaN;
        String error = "";
        try {
            if (inProcess) {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
                try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
                    RlvrTrainer t = ExperimentConfigs.load(configFile(r), RlvrTrainer.class);
                    TrainingSession.Result res = TrainingSession.start(t, dir, new ProgressPrinter(pw, false));
                    if (res.stoppedOnNonFinite()) {
                        error = "stopped on a non-finite loss or gradient (see " + log + ")";
                    }
                }
                if (c0 >= 0) {
                    cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
            } else {
                Process p = new ProcessBuilder(childCommand(configFile(r), dir))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                // the CPU time is only readable while the process lives: sample it until it exits
                while (!p.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    java.util.Optional<java.time.Duration> d = p.toHandle().info().totalCpuDuration();
                    if (d.isPresent()) {
                        cpu = d.get().toNanos() / 1e9;
                    }
                }
                int rc = p.exitValue();
                if (rc != 0) {
                    error = "child JVM exited with code " + rc + " (see " + log + ")";
                }
            }
            if (error.isEmpty() && !completed(dir, r.trainer().steps())) {
                error = "the run did not complete (see " + log + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        int n = done.incrementAndGet();
        synchronized (progress) {
            progress.printf("[%d/%d] %-34s %s in %.0f s (CPU %.0f s)%n", n, total, r.id(),
                    error.isEmpty() ? "done" : "FAILED: " + error, wall, cpu);
            progress.flush();
        }
        return new Outcome(r, dir, error.isEmpty(), false, wall, cpu, error);
    }

    /**
     * The command line of a child JVM: the same Java, classpath and logging/off-heap properties.
     *
     * @param config the run's configuration file
     * @param dir the run directory
     * @return the command
     */
    List<String> childCommand(Path config, Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + childHeap);
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String k = e.getKey().toString();
            if (k.startsWith("org.slf4j.simpleLogger.") || k.startsWith("org.bytedeco.javacpp.")
                    || k.startsWith("ead4j.")) {
                cmd.add("-D" + k + "=" + e.getValue());
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EadLauncher.class.getName());
        cmd.add("train");
        cmd.add("--config");
        cmd.add(config.toAbsolutePath().toString());
        cmd.add("--out");
        cmd.add(dir.toAbsolutePath().toString());
        cmd.add("--no-plots");
        return cmd;
    }

    /**
     * Whether a run directory holds a run that completed the given number of steps.
     *
     * @param dir the run directory
     * @param steps the RL steps it should have completed
     * @return true when its provenance says so
     * @throws IOException if the provenance cannot be read
     */
    public static boolean completed(Path dir, long steps) throws IOException {
        if (!Files.isRegularFile(dir.resolve(RunDirectory.PROVENANCE))) {
            return false;
        }
        Optional<ExperimentProvenance> p = RunDirectory.open(dir).readProvenanceIfPresent();
        return p.isPresent() && "completed".equals(p.get().runInfo().get("status")) && p.get().completedSteps() == steps;
    }
}
