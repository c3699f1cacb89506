package org.ead4j.run;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.ead4j.cli.UserException;
import org.ead4j.provenance.ExperimentProvenance;
import org.ead4j.provenance.ProvenanceJson;

/**
 * The folder of one run, {@code runs/NAME/}:
 * <pre>
 *   provenance.json    ExperimentProvenance (OLCUT JSON), replaced atomically on every update
 *   steps.jsonl        one JSON object per global step ({"step": N, ...metrics}), fsynced per line
 *   eval.jsonl         one JSON object per evaluation ({"step": N, ...}), fsynced per line
 *   checkpoints/       step-N/ folders with manifest.json ({@link CheckpointStore})
 *   plots/             PNGs written by {@code ead plot}
 * </pre>
 * A trainer creates it with {@link #create}, or for {@code --resume} opens it with {@link #open},
 * finds {@link CheckpointStore#newestValidCheckpoint()} and calls {@link #truncateLogsAfter} with
 * that checkpoint's step before appending again.
 */
public final class RunDirectory implements Closeable {

    /** The provenance file name. */
    public static final String PROVENANCE = "provenance.json";
    /** The per-step log file name. */
    public static final String STEPS = "steps.jsonl";
    /** The evaluation log file name. */
    public static final String EVAL = "eval.jsonl";
    /** The checkpoints folder name. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The plots folder name. */
    public static final String PLOTS = "plots";

    private final Path dir;
    private JsonlLog steps;
    private JsonlLog eval;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the folder of a new run (or takes an empty existing one).
     *
     * @param dir the run folder, e.g. {@code runs/NAME}
     * @return the run directory
     * @throws UserException if the path is not a new or empty folder ({@link #checkNewRunFolder})
     * @throws IOException if it cannot be created
     */
    public static RunDirectory create(Path dir) throws IOException {
        RunDirectory run = forNewRun(dir, "the run folder");
        run.createFolders();
        return run;
    }

    /**
     * A run directory for a new run, checked ({@link #checkNewRunFolder}) but not created yet, so that
     * a configuration error found before {@link #createFolders} leaves nothing behind.
     *
     * @param dir the run folder
     * @param what how the user named it in messages, e.g. {@code --out}
     * @return the run directory
     * @throws UserException if the path is not a new or empty folder
     */
    public static RunDirectory forNewRun(Path dir, String what) {
        checkNewRunFolder(dir, what);
        return new RunDirectory(dir);
    }

    /**
     * Checks that a path can hold a new run: not empty, and either absent or an empty folder. A folder
     * holding anything (a run, the user's files, the checkout) is refused, so a new run never mixes with
     * or overwrites other files.
     *
     * @param dir the path
     * @param what how the user named it in messages, e.g. {@code --out}
     * @throws UserException naming the path and what is allowed
     */
    public static void checkNewRunFolder(Path dir, String what) {
        if (dir == null || dir.toString().isBlank()) {
            throw new UserException(what + " '" + (dir == null ? "" : dir) + "' is invalid: give the path of a new "
                    + "or empty folder for the run");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException(what + " " + dir + " is a file, not a folder; give the path of a new or empty "
                    + "folder for the run");
        }
        if (!Files.isDirectory(dir)) {
            for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    throw new UserException(what + " " + dir + " cannot be created: " + p + " is a file, not a folder");
                }
            }
            return;
        }
        for (String f : new String[]{PROVENANCE, STEPS, EVAL, CHECKPOINTS}) {
            if (Files.exists(dir.resolve(f))) {
                throw new UserException(what + " " + dir + " already holds a run (" + f + " exists): continue it with "
                        + "train --resume, or give a new or empty folder");
            }
        }
        List<String> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.limit(4).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UserException(what + " " + dir + " cannot be listed (" + e.getMessage() + "); give a new or "
                    + "empty folder", e);
        }
        if (!entries.isEmpty()) {
            String shown = String.join(", ", entries.subList(0, Math.min(3, entries.size())))
                    + (entries.size() > 3 ? ", ..." : "");
            shown = shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
            throw new UserException(what + " " + dir + " is not empty (it holds " + shown + "); give a new or empty "
                    + "folder for the run");
        }
    }

    /**
     * Creates the run's folder and its {@code checkpoints/} and {@code plots/}.
     *
     * @throws UserException if a folder cannot be created (a parent that is a file, no permission)
     * @throws IOException if syncing the parent fails
     */
    public void createFolders() throws IOException {
        try {
            Files.createDirectories(dir.resolve(CHECKPOINTS));
            Files.createDirectories(dir.resolve(PLOTS));
        } catch (java.nio.file.FileSystemException e) {
            // e.g. a parent that is a regular file ("Not a directory"), a read-only file system, no permission
            throw new UserException("cannot create the run folder " + dir + ": " + e.getMessage()
                    + "; choose another run name or location", e);
        }
        AtomicFiles.fsyncDirectory(dir.toAbsolutePath().getParent());
    }

    /**
     * Opens the folder of an existing run.
     *
     * @param dir the run folder
     * @return the run directory
     * @throws UserException if the folder does not exist
     */
    public static RunDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserException("no such run folder: " + dir);
        }
        return new RunDirectory(dir);
    }

    /** @return the run folder */
    public Path dir() {
        return dir;
    }

    /** @return {@code provenance.json} */
    public Path provenanceFile() {
        return dir.resolve(PROVENANCE);
    }

    /** @return {@code steps.jsonl} */
    public Path stepsFile() {
        return dir.resolve(STEPS);
    }

    /** @return {@code eval.jsonl} */
    public Path evalFile() {
        return dir.resolve(EVAL);
    }

    /** @return {@code checkpoints/} */
    public Path checkpointsDir() {
        return dir.resolve(CHECKPOINTS);
    }

    /** @return {@code plots/} */
    public Path plotsDir() {
        return dir.resolve(PLOTS);
    }

    /**
     * Writes (replaces) {@code provenance.json} atomically.
     *
     * @param provenance the experiment provenance
     * @throws IOException if it cannot be written
     */
    public void writeProvenance(ExperimentProvenance provenance) throws IOException {
        ProvenanceJson.write(provenance, provenanceFile());
    }

    /**
     * Reads {@code provenance.json} (allowlist-checked).
     *
     * @return the experiment provenance
     * @throws UserException if it is missing, malformed or refused
     * @throws IOException if it cannot be read
     */
    public ExperimentProvenance readProvenance() throws IOException {
        if (!Files.exists(provenanceFile())) {
            throw new UserException(dir + " has no " + PROVENANCE + " (not an ead4j run folder, or the run "
                    + "never started)");
        }
        return ProvenanceJson.readExperiment(provenanceFile());
    }

    /**
     * Reads {@code provenance.json} if present.
     *
     * @return the provenance, or empty if there is no file
     * @throws IOException if it cannot be read
     */
    public Optional<ExperimentProvenance> readProvenanceIfPresent() throws IOException {
        return Files.exists(provenanceFile()) ? Optional.of(readProvenance()) : Optional.empty();
    }

    /**
     * The step log, opened for appending on first use.
     *
     * @return the log
     * @throws IOException if it cannot be opened
     */
    public synchronized JsonlLog steps() throws IOException {
        if (steps == null) {
            steps = JsonlLog.open(stepsFile());
        }
        return steps;
    }

    /**
     * The evaluation log, opened for appending on first use.
     *
     * @return the log
     * @throws IOException if it cannot be opened
     */
    public synchronized JsonlLog eval() throws IOException {
        if (eval == null) {
            eval = JsonlLog.open(evalFile());
        }
        return eval;
    }

    /**
     * A checkpoint store over {@code checkpoints/}.
     *
     * @param keepLast how many checkpoints to keep
     * @return the store
     */
    public CheckpointStore checkpoints(int keepLast) {
        return new CheckpointStore(checkpointsDir(), keepLast);
    }

    /**
     * Prepares the logs for resuming from a checkpoint: closes open logs, drops partial last lines and
     * every record with a step after {@code step} from {@code steps.jsonl} and {@code eval.jsonl}.
     *
     * @param step the resumed checkpoint's step
     * @throws IOException if a log cannot be rewritten
     */
    public synchronized void truncateLogsAfter(long step) throws IOException {
        closeLogs();
        JsonlLog.truncateAfter(stepsFile(), step);
        JsonlLog.truncateAfter(evalFile(), step);
    }

    /**
     * Whether the folder holds anything yet.
     *
     * @return true if it has no files other than empty sub-folders
     * @throws IOException if it cannot be listed
     */
    public boolean isEmpty() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.noneMatch(Files::isRegularFile);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closeLogs();
    }

    private void closeLogs() throws IOException {
        if (steps != null) {
            steps.close();
            steps = null;
        }
        if (eval != null) {
            eval.close();
            eval = null;
        }
    }
}
