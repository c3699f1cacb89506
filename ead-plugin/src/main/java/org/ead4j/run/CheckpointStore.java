package org.ead4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ead4j.provenance.ContentHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints under {@code checkpoints/step-N/}, each written atomically and verifiable:
 * <ol>
 *   <li>the caller writes its payload into a temporary folder {@code .tmp-step-N-*} ({@link PayloadWriter});</li>
 *   <li>a manifest ({@value #MANIFEST}) with the step and the size and SHA-256 of every file is added;</li>
 *   <li>every file and folder is fsynced, the folder is renamed to {@code step-N} and the parent is fsynced;</li>
 *   <li>only then are checkpoints older than the newest {@code keepLast} deleted.</li>
 * </ol>
 * A crash at any point leaves either no {@code step-N} or a complete one. {@link #newestValid()}
 * verifies manifests and checksums from the newest down and skips corrupted, truncated or
 * manifest-less folders with a warning naming them; it never deletes them. Left-over temporary
 * folders are ignored by readers and removed (with a warning) by the next {@link #write}.
 */
public final class CheckpointStore {

    /** Name of the manifest file in each checkpoint folder. */
    public static final String MANIFEST = "manifest.json";
    /** Manifest format tag. */
    public static final String FORMAT = "ead4j-checkpoint/1";
    /** Default number of checkpoints kept. */
    public static final int DEFAULT_KEEP_LAST = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{1,18})");
    private static final String TEMP_PREFIX = ".tmp-step-";

    private final Path dir;
    private final int keepLast;

    /**
     * Creates a store over a folder (created on the first write).
     *
     * @param dir the checkpoints folder
     * @param keepLast how many complete checkpoints to keep, &gt;= 1 (a trainer exposes it as a
     *                 {@code @Config} field; default {@value #DEFAULT_KEEP_LAST})
     */
    public CheckpointStore(Path dir, int keepLast) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast = " + keepLast + " is invalid: must be >= 1");
        }
        this.dir = dir;
        this.keepLast = keepLast;
    }

    /** @return the checkpoints folder */
    public Path dir() {
        return dir;
    }

    /** @return how many checkpoints are kept */
    public int keepLast() {
        return keepLast;
    }

    /**
     * The folder of the checkpoint at a step.
     *
     * @param step the global RL step
     * @return {@code dir/step-N}
     */
    public Path pathFor(long step) {
        return dir.resolve("step-" + step);
    }

    /**
     * The step of a checkpoint folder named {@code step-N}.
     *
     * @param checkpointDir the folder
     * @return N, or empty if the name does not match
     */
    public static Optional<Long> stepOf(Path checkpointDir) {
        Matcher m = STEP_DIR.matcher(checkpointDir.getFileName().toString());
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /**
     * Writes the checkpoint of a step atomically, then prunes old checkpoints. An existing
     * {@code step-N} folder for the same step (e.g. a corrupted one from before a resume) is renamed
     * aside to {@code step-N.replaced-TIME}, never deleted.
     *
     * @param step the global RL step the state belongs to, &gt;= 0
     * @param writer writes the payload files
     * @return the complete checkpoint folder
     * @throws IOException if writing fails (no {@code step-N} folder is then created)
     */
    public Path write(long step, PayloadWriter writer) throws IOException {
        if (step < 0) {
            throw new IllegalArgumentException("step = " + step + " is invalid: must be >= 0");
        }
        Files.createDirectories(dir);
        cleanTemporary();
        Path tmp = dir.resolve(TEMP_PREFIX + step + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.writeTo(tmp);
            if (Files.exists(tmp.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the checkpoint payload may not contain a file named " + MANIFEST);
            }
            writeManifest(tmp, step);
            AtomicFiles.fsyncTree(tmp);
            Path target = pathFor(step);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Path aside = dir.resolve(target.getFileName() + ".replaced-" + System.currentTimeMillis());
                LOG.warn("checkpoint {} already exists; moving it to {} before writing the new one", target, aside);
                AtomicFiles.move(target, aside);
            }
            AtomicFiles.move(tmp, target);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(tmp);
            throw e;
        }
        prune(step);
        return pathFor(step);
    }

    /**
     * The newest checkpoint that passes verification; newer ones that fail are skipped with a warning
     * naming the folder and the reason (and left in place).
     *
     * @return the folder of the newest valid checkpoint, if any
     */
    public Optional<Path> newestValid() {
        return newestValidCheckpoint().map(Checkpoint::dir);
    }

    /**
     * Like {@link #newestValid()}, with the step.
     *
     * @return the newest valid checkpoint, if any
     */
    public Optional<Checkpoint> newestValidCheckpoint() {
        for (Path t : temporaryDirs()) {
            LOG.warn("ignoring half-written checkpoint {} (left by an interrupted write)", t);
        }
        List<Path> all = new ArrayList<>(list());
        for (int i = all.size() - 1; i >= 0; i--) {
            Path p = all.get(i);
            try {
                long step = verify(p);
                return Optional.of(new Checkpoint(step, p));
            } catch (IOException e) {
                LOG.warn("skipping invalid checkpoint {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code step-N} folders present, oldest first, without verifying them.
     *
     * @return the folders
     */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && stepOf(p).isPresent()).forEach(out::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.sort(Comparator.comparingLong(p -> stepOf(p).orElseThrow()));
        return out;
    }

    /**
     * Verifies a checkpoint folder: the manifest parses, names this store's format and the folder's
     * step, and every listed file exists with the recorded size and SHA-256.
     *
     * @param checkpointDir the folder
     * @return the step recorded in the manifest
     * @throws InvalidCheckpointException naming the folder and what is wrong
     */
    public static long verify(Path checkpointDir) throws InvalidCheckpointException {
        Path manifest = checkpointDir.resolve(MANIFEST);
        JsonNode m;
        try {
            m = JSON.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException(checkpointDir, "no " + MANIFEST + " (half-written or not a checkpoint)");
        } catch (IOException e) {
            throw new InvalidCheckpointException(checkpointDir, "unreadable " + MANIFEST + ": " + e.getMessage(), e);
        }
        if (m == null || !m.isObject() || !FORMAT.equals(m.path("format").asText())
                || !m.path("step").canConvertToLong() || !m.path("files").isObject()) {
            throw new InvalidCheckpointException(checkpointDir, MANIFEST + " is not a " + FORMAT + " manifest");
        }
        long step = m.get("step").asLong();
        Optional<Long> named = stepOf(checkpointDir);
        if (named.isPresent() && named.get() != step) {
            throw new InvalidCheckpointException(checkpointDir, "the manifest says step " + step
                    + " but the folder is named for step " + named.get());
        }
        Path root = checkpointDir.toAbsolutePath().normalize();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.get("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path f = root.resolve(e.getKey()).normalize();
            if (!f.startsWith(root) || f.equals(root)) {
                throw new InvalidCheckpointException(checkpointDir, "the manifest names a file outside the folder: "
                        + e.getKey());
            }
            long size = e.getValue().path("size").asLong(-1);
            String sha = e.getValue().path("sha256").asText("");
            try {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidCheckpointException(checkpointDir, "missing file " + e.getKey());
                }
                long actual = Files.size(f);
                if (actual != size) {
                    throw new InvalidCheckpointException(checkpointDir, "file " + e.getKey() + " has " + actual
                            + " bytes, the manifest says " + size + " (truncated or changed)");
                }
                if (!ContentHash.sha256(f).equals(sha)) {
                    throw new InvalidCheckpointException(checkpointDir, "file " + e.getKey()
                            + " does not match its SHA-256 in the manifest (corrupted)");
                }
            } catch (InvalidCheckpointException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new InvalidCheckpointException(checkpointDir, "cannot read " + e.getKey() + ": "
                        + ex.getMessage(), ex);
            }
        }
        return step;
    }

    /**
     * Deletes left-over temporary folders of interrupted writes, with a warning naming each.
     *
     * @throws IOException if one cannot be deleted
     */
    public void cleanTemporary() throws IOException {
        for (Path t : temporaryDirs()) {
            LOG.warn("deleting half-written checkpoint {} (left by an interrupted write)", t);
            AtomicFiles.deleteTree(t);
        }
    }

    private List<Path> temporaryDirs() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).forEach(out::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static void writeManifest(Path tmp, long step) throws IOException {
        Map<String, ObjectNode> files = new TreeMap<>();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(tmp)) {
            paths = s.filter(p -> !p.equals(tmp)).toList();
        }
        for (Path p : paths) {
            if (Files.isSymbolicLink(p)) {
                throw new IOException("the checkpoint payload may not contain links: " + tmp.relativize(p));
            }
            if (Files.isRegularFile(p)) {
                ObjectNode f = JSON.createObjectNode();
                f.put("size", Files.size(p));
                f.put("sha256", ContentHash.sha256(p));
                files.put(tmp.relativize(p).toString().replace('\\', '/'), f);
            }
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("step", step);
        m.put("created", OffsetDateTime.now().toString());
        ObjectNode fn = m.putObject("files");
        files.forEach(fn::set);
        Files.write(tmp.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }

    /**
     * Deletes complete checkpoints beyond the newest {@code keepLast} among those at or before
     * {@code newest}. Folders for later steps (left from before a resume to an earlier step) are
     * never pruned here; a later write of the same step moves them aside.
     */
    private void prune(long newest) throws IOException {
        List<Path> timeline = new ArrayList<>();
        for (Path p : list()) {
            if (stepOf(p).orElseThrow() <= newest) {
                timeline.add(p);
            }
        }
        for (int i = 0; i < timeline.size() - keepLast; i++) {
            Path old = timeline.get(i);
            LOG.info("deleting old checkpoint {} (keeping the last {})", old, keepLast);
            // rename first: a crash while deleting leaves a temporary folder, not a damaged step-N
            Path doomed = dir.resolve(TEMP_PREFIX + stepOf(old).orElseThrow() + "-deleting-" + UUID.randomUUID());
            AtomicFiles.move(old, doomed);
            FaultPoint.reached("checkpoint-prune", newest);
            AtomicFiles.deleteTree(doomed);
        }
        AtomicFiles.fsyncDirectory(dir);
    }
}
