package org.ead4j.samediff.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Crash-safe file writes: write to a temporary file in the same directory, fsync it, rename it over the
 * target atomically, then fsync the directory. A reader sees the old file or the complete new one, never
 * a partial file.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes everything to {@code out} (do not close it).
         *
         * @param out the stream
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Creates an empty temporary file readable by everyone (rw-r--r--), like a normal output file;
     * {@code Files.createTempFile} alone makes it owner-only, and the atomic rename keeps that.
     *
     * @param dir the folder (the target's, so the rename stays within one file system)
     * @param prefix file name prefix
     * @param suffix file name suffix
     * @return the new file
     * @throws IOException if it cannot be created
     */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        try {
            return Files.createTempFile(dir, prefix, suffix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, prefix, suffix); // not a POSIX file system
        }
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} produces.
     *
     * @param target the file to write
     * @param writer produces the content
     * @return the SHA-256 of the written bytes, 64 lowercase hex digits
     * @throws IOException if writing, syncing or renaming fails (the target is then unchanged)
     */
    public static String write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        MessageDigest md = sha256();
        try {
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                 DigestOutputStream dos = new DigestOutputStream(new BufferedOutputStream(fos, 1 << 16), md)) {
                writer.write(dos);
                dos.flush();
                fos.getFD().sync();
            } catch (IOException e) {
                // a full disk or a size limit reports only "No space left on device": name the file
                throw e instanceof java.nio.file.FileSystemException ? e : new IOException(target + ": " + e.getMessage(), e);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
        return hex(md.digest());
    }

    /**
     * SHA-256 of a file's content.
     *
     * @param file the file
     * @return 64 lowercase hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    /** Flushes a directory entry change (the rename) to disk; a no-op where the platform cannot open directories. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename is still atomic there
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(2 * bytes.length);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
