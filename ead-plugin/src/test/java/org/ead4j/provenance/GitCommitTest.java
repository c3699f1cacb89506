package org.ead4j.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommitTest {

    private static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void fileFallbackAgreesWithGitInThisCheckout() {
        Path here = Path.of("").toAbsolutePath();
        Optional<String> viaGit = GitCommit.fromGitCommand(here);
        // the build runs inside a git checkout (a worktree here); without git installed, only check the fallback
        Optional<String> viaFiles = GitCommit.fromGitFiles(here);
        assertTrue(viaFiles.isPresent(), "no commit found from the .git files above " + here);
        viaGit.ifPresent(sha -> assertEquals(sha, viaFiles.get()));
    }

    @Test
    void readsLooseRefsPackedRefsAndDetachedHeads() throws Exception {
        Path repo = tmp.resolve("repo");
        Path git = Files.createDirectories(repo.resolve(".git/refs/heads"));
        Path sub = Files.createDirectories(repo.resolve("a/b"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("main"), SHA + "\n");
        assertEquals(Optional.of(SHA), GitCommit.fromGitFiles(sub));

        Files.delete(git.resolve("main"));
        Files.writeString(repo.resolve(".git/packed-refs"), "# pack-refs with: peeled\n" + SHA + " refs/heads/main\n");
        assertEquals(Optional.of(SHA), GitCommit.fromGitFiles(sub));

        Files.writeString(repo.resolve(".git/HEAD"), SHA.replace('8', '7') + "\n");
        assertEquals(Optional.of(SHA.replace('8', '7')), GitCommit.fromGitFiles(sub));
    }

    @Test
    void readsWorktreeGitFiles() throws Exception {
        Path common = Files.createDirectories(tmp.resolve("main/.git"));
        Path wtGit = Files.createDirectories(common.resolve("worktrees/wt"));
        Files.createDirectories(common.resolve("refs/heads"));
        Files.writeString(common.resolve("refs/heads/feature"), SHA + "\n");
        Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/feature\n");
        Files.writeString(wtGit.resolve("commondir"), "../..\n");
        Path wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: " + wtGit + "\n");
        assertEquals(Optional.of(SHA), GitCommit.fromGitFiles(wt));
    }

    @Test
    void noRepositoryMeansEmpty() {
        assertEquals(Optional.empty(), GitCommit.fromGitFiles(tmp));
    }
}
