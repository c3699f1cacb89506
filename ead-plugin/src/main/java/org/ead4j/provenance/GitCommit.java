package org.ead4j.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Finds the git commit of the project a run was started from, so a run can be tied to its code.
 * Asks {@code git rev-parse HEAD} (with a short timeout) and falls back to reading {@code .git}
 * directly (HEAD, loose refs, packed-refs, and the {@code gitdir:} file of worktrees).
 */
public final class GitCommit {

    /** The value recorded when the commit is not known. */
    public static final String UNKNOWN = "unknown";

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");
    private static final long GIT_TIMEOUT_MS = 2000;

    private GitCommit() {
    }

    /**
     * The commit of the working tree that contains {@code dir}.
     *
     * @param dir a folder inside the working tree (e.g. the current directory)
     * @return the full commit hash, or empty when it cannot be found
     */
    public static Optional<String> detect(Path dir) {
        Optional<String> viaGit = fromGitCommand(dir);
        return viaGit.isPresent() ? viaGit : fromGitFiles(dir);
    }

    /**
     * The commit of the current directory's working tree, or {@link #UNKNOWN}.
     *
     * @return the commit hash or "unknown"
     */
    public static String currentOrUnknown() {
        return detect(Path.of("").toAbsolutePath()).orElse(UNKNOWN);
    }

    /**
     * Runs {@code git -C dir rev-parse HEAD}; empty if git is missing, slow or fails.
     *
     * @param dir a folder inside the working tree
     * @return the commit
     */
    static Optional<String> fromGitCommand(Path dir) {
        Process p = null;
        try {
            p = new ProcessBuilder(List.of("git", "-C", dir.toAbsolutePath().toString(), "rev-parse", "HEAD"))
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(256);
            }
            if (!p.waitFor(GIT_TIMEOUT_MS, TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return valid(new String(out, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Reads the commit from the {@code .git} folder (or worktree {@code .git} file) above {@code dir}.
     *
     * @param dir a folder inside the working tree
     * @return the commit
     */
    static Optional<String> fromGitFiles(Path dir) {
        try {
            for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
                Path dotGit = d.resolve(".git");
                if (Files.isDirectory(dotGit)) {
                    return readHead(dotGit, dotGit);
                }
                if (Files.isRegularFile(dotGit)) {
                    // a worktree: ".git" holds "gitdir: <path>"; shared refs live in its "commondir"
                    String line = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
                    if (!line.startsWith("gitdir:")) {
                        return Optional.empty();
                    }
                    Path gitDir = d.resolve(line.substring("gitdir:".length()).trim()).normalize();
                    Path common = gitDir;
                    Path commonFile = gitDir.resolve("commondir");
                    if (Files.isRegularFile(commonFile)) {
                        common = gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).trim()).normalize();
                    }
                    return readHead(gitDir, common);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> readHead(Path gitDir, Path commonDir) throws IOException {
        Path head = gitDir.resolve("HEAD");
        if (!Files.isRegularFile(head)) {
            return Optional.empty();
        }
        String h = Files.readString(head, StandardCharsets.UTF_8).trim();
        if (!h.startsWith("ref:")) {
            return valid(h); // detached HEAD
        }
        String ref = h.substring("ref:".length()).trim();
        for (Path base : new Path[]{gitDir, commonDir}) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return valid(Files.readString(loose, StandardCharsets.UTF_8).trim());
            }
        }
        Path packed = commonDir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2 && parts[1].equals(ref)) {
                    return valid(parts[0]);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> valid(String s) {
        return SHA.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }
}
