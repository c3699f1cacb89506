package org.ead4j.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ead4j.cli.UserException;

/**
 * What {@code train --resume} may do with a run before touching it. A run's records are append-only
 * for a resume: it continues from the newest valid checkpoint and only the log lines after that
 * checkpoint are re-written (identically, the run being deterministic). Without a valid checkpoint a
 * resume would retrain from step 1 and rewrite the logs, so it is refused, naming what was found,
 * unless nothing would be lost (the run never reached its first checkpoint) or the user restarts
 * explicitly ({@link #setAside}, which keeps the old records under new names).
 */
public final class ResumeCheck {

    private ResumeCheck() {
    }

    /**
     * Refuses a resume that would lose records.
     *
     * @param run the run
     * @param checkpointEvery the run's checkpoint interval (0 = only at the end)
     * @param keepLast the run's checkpoints kept
     * @return the newest valid checkpoint, or empty when the run may start over (nothing to lose)
     * @throws UserException naming what was found and how to go on
     */
    public static Optional<Checkpoint> check(RunDirectory run, int checkpointEvery, int keepLast) {
        for (Path f : List.of(run.stepsFile(), run.evalFile())) {
            if (Files.exists(f) && !Files.isRegularFile(f)) {
                throw new UserException("train --resume " + run.dir() + ": " + f.getFileName() + " is not a regular "
                        + "file (a folder?); a run's logs are files. Move it away or restore the file");
            }
            MemoryBudget.requireFileSize(f, "train --resume:", MemoryBudget.maxTextFileBytes());
        }
        Path ckDir = run.checkpointsDir();
        if (Files.exists(ckDir) && !Files.isDirectory(ckDir)) {
            throw refuse(run, CHECKPOINTS_NAME + " is a file, not a folder");
        }
        CheckpointStore store = run.checkpoints(Math.max(1, keepLast));
        Optional<Checkpoint> ck = store.newestValidCheckpoint();
        if (ck.isPresent()) {
            return ck;
        }
        List<Path> present = store.list();
        if (!present.isEmpty()) {
            String why;
            try {
                CheckpointStore.verify(present.get(present.size() - 1));
                why = "";
            } catch (InvalidCheckpointException e) {
                why = ": " + e.getMessage().replace(ckDir.toString() + "/", "").replace(ckDir + java.io.File.separator, "");
            }
            List<String> names = new ArrayList<>();
            present.forEach(p -> names.add(p.getFileName().toString()));
            String shown = names.size() > 3 ? names.get(0) + ", ..., " + names.get(names.size() - 1) : String.join(", ", names);
            throw refuse(run, CHECKPOINTS_NAME + "/ holds " + shown + ", none valid" + shorten(why, 60));
        }
        // a step's log line is written before its checkpoint, so steps up to the first checkpoint's can be on
        // record without one; the run being deterministic, starting over writes them again identically
        long lastStep = lastLoggedStep(run.stepsFile());
        boolean firstNotReached = lastStep < 0 || (checkpointEvery > 0 && lastStep <= checkpointEvery);
        if (!firstNotReached) {
            throw refuse(run, (Files.isDirectory(ckDir) ? CHECKPOINTS_NAME + "/ is empty" : "no " + CHECKPOINTS_NAME
                    + "/ folder") + " but " + RunDirectory.STEPS + " records step " + lastStep);
        }
        return Optional.empty();
    }

    /**
     * For an explicit restart: renames {@code steps.jsonl}, {@code eval.jsonl} and {@code checkpoints/}
     * to {@code NAME.before-restart-MILLIS}, so the new run starts clean and no record is lost.
     *
     * @param run the run
     * @return the names given, for the report
     * @throws IOException if a rename fails
     */
    public static List<String> setAside(RunDirectory run) throws IOException {
        String suffix = ".before-restart-" + System.currentTimeMillis();
        List<String> moved = new ArrayList<>();
        for (Path p : List.of(run.stepsFile(), run.evalFile(), run.checkpointsDir())) {
            if (Files.exists(p)) {
                Path to = p.resolveSibling(p.getFileName() + suffix);
                AtomicFiles.move(p, to);
                moved.add(to.getFileName().toString());
            }
        }
        Files.createDirectories(run.checkpointsDir());
        return moved;
    }

    /**
     * The length in bytes of a partial last line (no trailing newline) left by an interrupted write.
     *
     * @param log a JSONL log
     * @return the bytes after the last newline; 0 when the file ends with one or does not exist
     * @throws IOException if it cannot be read
     */
    public static long partialLastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = ch.size();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
            long end = size;
            while (end > 0 && size - end < MAX_LINE_SCAN) {
                int n = (int) Math.min(b.capacity(), end);
                b.clear().limit(n);
                ch.read(b, end - n);
                for (int i = n - 1; i >= 0; i--) {
                    if (b.get(i) == '\n') {
                        return size - (end - n + i + 1);
                    }
                }
                end -= n;
            }
            return size - end; // no newline near the end: at least this much is a partial line
        }
    }

    /** How far back {@link #partialLastLine} looks for the last newline. */
    private static final long MAX_LINE_SCAN = 16L << 20;

    private static final String CHECKPOINTS_NAME = RunDirectory.CHECKPOINTS;

    private static UserException refuse(RunDirectory run, String found) {
        return new UserException("--resume " + run.dir() + ": no valid checkpoint (" + found + "); starting over "
                + "would rewrite its records. Restore checkpoints/ or add --restart (keeps old records)");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** The largest {@code step} of a complete line in a step log, -1 if none. */
    private static long lastLoggedStep(Path steps) {
        long last = -1;
        try {
            if (!Files.isRegularFile(steps) || Files.size(steps) > (256L << 20)) {
                return Files.exists(steps) ? Long.MAX_VALUE : -1;
            }
            for (var n : JsonlLog.read(steps)) {
                if (n.path(JsonlLog.STEP).canConvertToLong()) {
                    last = Math.max(last, n.get(JsonlLog.STEP).asLong());
                }
            }
        } catch (IOException e) {
            return Long.MAX_VALUE; // unreadable: assume there are records to lose
        }
        return last;
    }
}
