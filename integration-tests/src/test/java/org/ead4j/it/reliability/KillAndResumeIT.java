package org.ead4j.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.run.AtomicFiles;
import org.ead4j.run.Checkpoint;
import org.ead4j.run.CheckpointStore;
import org.ead4j.run.FaultPoint;
import org.ead4j.run.RunComparison;
import org.ead4j.run.RunDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Kill-and-resume: a 20-step run of the tiny experiment is killed with SIGKILL 14 times (during the warm
 * start, rollouts, updates, log writes, evaluation, checkpoint payload writes, checkpoint pruning, right
 * after a checkpoint and after a resume, at the end, and twice at random moments), resumed with
 * {@code ead train --resume} after each kill, and must end with the same final weights hash, the same
 * steps.jsonl/eval.jsonl metrics (wall times aside) and the same final metrics in provenance.json as an
 * uninterrupted run with the same seed.
 *
 * <p>Aimed kills use {@link FaultPoint}: the child JVM blocks at the named point and this test sends the
 * SIGKILL ({@link Process#destroyForcibly()}). After every kill the run directory must hold only valid
 * {@code step-N} checkpoints and whole, strictly increasing log lines (a partial last line is allowed).
 */
class KillAndResumeIT {

    /** A kill: aimed at a fault point, or timed (once steps.jsonl has {@code lines} lines, after a random delay within the next step). */
    record Kill(String point, long step, int lines, boolean corruptNewest) {
        static Kill at(String point, long step) {
            return new Kill(point, step, -1, false);
        }

        static Kill timed(int lines) {
            return new Kill(null, -1, lines, false);
        }

        /** After this kill, also flip a byte in the newest checkpoint's weights (the resume must skip it). */
        Kill thenCorruptNewest() {
            return new Kill(point, step, lines, true);
        }

        String describe() {
            return (point != null ? point + ":" + step : "timed (after " + lines + " step lines, at a random moment of the next step)")
                    + (corruptNewest ? ", then a byte of the newest checkpoint flipped" : "");
        }
    }

    static final List<Kill> PLAN = List.of(
            Kill.at("warm-start", 6),
            Kill.at("rollout", 2),
            Kill.at("checkpoint-payload", 3),
            Kill.at("update", 4),
            Kill.at("eval-logged", 5),
            Kill.at("checkpoint-written", 6),
            Kill.at("resumed", 6),
            Kill.at("checkpoint-prune", 9),
            Kill.at("step-logged", 10),
            Kill.timed(12),
            Kill.at("checkpoint-payload", 15).thenCorruptNewest(),
            Kill.timed(16),
            Kill.at("update", 18),
            Kill.at("finished", 20));

    @Test
    void killedRunResumesToTheSameWeightsAndMetrics() throws Exception {
        Assumptions.assumeTrue(ChildJvm.hasProc(), "needs Linux (SIGKILL via destroyForcibly, /proc)");
        long t0 = System.nanoTime();
        Path work = ReliabilitySummary.target().resolve("reliability-it/kill-resume");
        AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
        Path config = Experiments.write(Experiments.defaults(), work.resolve("experiment.json"));
        int steps = Integer.parseInt(Experiments.defaults().get("steps"));

        // the reference: one uninterrupted run
        Path base = work.resolve("uninterrupted");
        ChildJvm.Result ref = ChildJvm.run(ChildJvm.command(List.of(),
                List.of("train", "--config", config.toString(), "--out", base.toString(), "--no-plots")),
                work.resolve("uninterrupted.log"), 300);
        assertEquals(0, ref.exitCode(), () -> "uninterrupted run failed:\n" + ref.output());
        String refSha = Experiments.runInfo(base).get("final-weights-sha256");
        String initSha = Experiments.runInfo(base).get("initial-weights-sha256");
        assertTrue(refSha != null && !refSha.equals(initSha), "RL must change the weights, else the comparison is empty");

        // the same run, killed PLAN.size() times
        Path run = work.resolve("killed");
        SplittableRandom rnd = new SplittableRandom(20240607L);
        List<String> rows = new ArrayList<>();
        int injected = 0;
        int survived = 0;
        long lastCheckpoint = -1;
        String corrupted = null;
        for (int k = 0; k < PLAN.size(); k++) {
            Kill kill = PLAN.get(k);
            Path marker = work.resolve("marker-" + k);
            List<String> jvm = kill.point() == null ? List.of()
                    : List.of("-D" + FaultPoint.PROPERTY + "=" + kill.point() + ":" + kill.step(),
                    "-D" + FaultPoint.MARKER_PROPERTY + "=" + marker);
            List<String> args = k == 0
                    ? List.of("train", "--config", config.toString(), "--out", run.toString(), "--no-plots")
                    : List.of("train", "--resume", run.toString(), "--no-plots");
            Path log = work.resolve("attempt-" + k + ".log");
            Process p = ChildJvm.start(ChildJvm.command(jvm, args), log);
            String skipped = corrupted;
            boolean reached = kill.point() != null ? waitFor(p, () -> Files.exists(marker), 180)
                    : waitFor(p, () -> Experiments.lines(run.resolve(RunDirectory.STEPS)) >= kill.lines(), 180);
            if (!reached) {
                p.destroyForcibly().waitFor();
                fail("kill " + k + " (" + kill.describe() + ") was not reached; the process "
                        + (p.isAlive() ? "hung" : "exited with " + p.exitValue()) + ":\n" + Files.readString(log));
            }
            if (kill.point() == null) {
                // a random moment within the next step: never past it, so the aimed kills after it stay reachable
                // however fast the machine runs the steps
                long until = System.nanoTime() + rnd.nextInt(50, 600) * 1_000_000L;
                while (System.nanoTime() < until && Experiments.lines(run.resolve(RunDirectory.STEPS)) <= kill.lines()) {
                    Thread.sleep(2);
                }
            }
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed process did not end");
            int exit = p.exitValue();
            if (exit != 137) {
                fail("kill " + k + ": expected death by SIGKILL (137), got exit " + exit + ":\n" + Files.readString(log));
            }
            if (skipped != null) {
                String out = Files.readString(log);
                assertTrue(out.contains("skipping invalid checkpoint") && out.contains(skipped),
                        () -> "the resume after corrupting " + skipped + " must skip it with a warning naming it:\n" + out);
                corrupted = null;
            }
            injected++;
            // what the kill left: valid checkpoints only, whole log lines in order
            String state = checkRunDirectory(run, steps);
            Optional<Checkpoint> newest = new CheckpointStore(run.resolve(RunDirectory.CHECKPOINTS), 2)
                    .newestValidCheckpoint();
            long ck = newest.map(Checkpoint::step).orElse(-1L);
            boolean ok = state.isEmpty() && ck >= lastCheckpoint;
            survived += ok ? 1 : 0;
            lastCheckpoint = Math.max(lastCheckpoint, ck);
            rows.add(String.format("| %d | %s | %s | %d | %s |", k + 1, kill.describe(),
                    ck < 0 ? "none" : "step-" + ck, Experiments.lines(run.resolve(RunDirectory.STEPS)),
                    state.isEmpty() ? "ok" : state));
            assertTrue(state.isEmpty(), "kill " + k + " (" + kill.describe() + ") left a bad run directory: " + state);
            if (kill.corruptNewest()) {
                Path weights = newest.orElseThrow().dir().resolve("policy").resolve(org.ead4j.samediff.io.PolicyCheckpoint.WEIGHTS_FILE);
                byte[] b = Files.readAllBytes(weights);
                b[b.length / 2] ^= 0x01;
                Files.write(weights, b);
                corrupted = newest.get().dir().getFileName().toString();
                lastCheckpoint = -1; // the resume falls back to an older checkpoint
            }
        }
        ChildJvm.Result last = ChildJvm.run(ChildJvm.command(List.of(),
                List.of("train", "--resume", run.toString(), "--no-plots")), work.resolve("final-resume.log"), 300);
        assertEquals(0, last.exitCode(), () -> "the final resume failed:\n" + last.output());

        String sha = Experiments.runInfo(run).get("final-weights-sha256");
        List<String> diffs = new ArrayList<>(RunComparison.differences(base.resolve(RunDirectory.STEPS),
                run.resolve(RunDirectory.STEPS), 20));
        diffs.addAll(RunComparison.differences(base.resolve(RunDirectory.EVAL), run.resolve(RunDirectory.EVAL), 20));
        ExperimentProvenance refProv = RunDirectory.open(base).readProvenance();
        ExperimentProvenance prov = RunDirectory.open(run).readProvenance();
        if (!refProv.metrics().equals(prov.metrics()) || refProv.completedSteps() != prov.completedSteps()) {
            diffs.add("provenance.json final metrics/completed steps differ: " + prov.completedSteps() + " steps, "
                    + prov.metrics().size() + " metrics vs " + refProv.completedSteps() + " steps, "
                    + refProv.metrics().size() + " metrics");
        }
        boolean equal = refSha.equals(sha) && diffs.isEmpty();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String details = "## Kill and resume (KillAndResumeIT)\n\n"
                + "Tiny experiment, " + steps + " RL steps (checkpoint every 3, keep 2, eval every 5, 12 warm-start steps), "
                + "killed with SIGKILL and resumed with `ead train --resume` after each kill.\n\n"
                + "| kill | where | newest valid checkpoint after it | steps.jsonl lines | run dir |\n"
                + "| --- | --- | --- | --- | --- |\n" + String.join("\n", rows) + "\n\n"
                + "Uninterrupted: final weights `" + refSha + "` (" + String.format("%.1f", ref.seconds()) + " s). "
                + "Killed and resumed: `" + sha + "`; steps.jsonl/eval.jsonl/provenance metrics differences (time/* ignored): "
                + (diffs.isEmpty() ? "none" : diffs.toString()) + ".\n";
        ReliabilitySummary.record("1-kill-resume", String.format("| SIGKILL + `train --resume` | %d kills | %d survived | "
                + "final weights and metrics %s | %.0f s |", injected, equal ? survived : 0,
                equal ? "equal to the uninterrupted run" : "DIFFER", seconds), details);
        assertEquals(refSha, sha, "final weights after kills and resumes differ from the uninterrupted run");
        assertTrue(diffs.isEmpty(), () -> "metrics differ: " + diffs);
        assertEquals(PLAN.size(), survived);
    }

    /** Problems with a run directory after a kill, or "" if none. */
    static String checkRunDirectory(Path run, int steps) throws Exception {
        List<String> problems = new ArrayList<>();
        Path cks = run.resolve(RunDirectory.CHECKPOINTS);
        if (Files.isDirectory(cks)) {
            try (Stream<Path> s = Files.list(cks)) {
                for (Path p : s.toList()) {
                    if (CheckpointStore.stepOf(p).isPresent()) {
                        try {
                            CheckpointStore.verify(p);
                        } catch (Exception e) {
                            problems.add("invalid " + p.getFileName() + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        for (String log : List.of(RunDirectory.STEPS, RunDirectory.EVAL)) {
            long prev = Long.MIN_VALUE;
            for (long s : Experiments.steps(run.resolve(log))) {
                if (s <= prev || s > steps) {
                    problems.add(log + " has step " + s + " after " + prev);
                }
                prev = s;
            }
        }
        return String.join("; ", problems);
    }

    static boolean waitFor(Process p, java.util.function.BooleanSupplier condition, long seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!p.isAlive()) {
                return condition.getAsBoolean();
            }
            Thread.sleep(10);
        }
        return false;
    }
}
