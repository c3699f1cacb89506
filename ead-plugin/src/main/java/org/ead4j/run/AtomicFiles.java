package org.ead4j.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Crash-safe file writes: write a temporary file next to the target, fsync it, rename it over the
 * target (atomic on POSIX file systems), then fsync the folder so the rename itself is durable.
 * A reader sees either the old file or the complete new one, never a partial file.
 */
public final class AtomicFiles {

    /** Prefix of the temporary files this class creates (and may leave behind after a crash). */
    public static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    /** Writes the content of a file to an output stream. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * Writes the content.
         *
         * @param out the stream (do not close it)
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces {@code target} with {@code data}.
     *
     * @param target the file (parent folders are created)
     * @param data the full content
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, out -> out.write(data));
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} writes.
     *
     * @param target the file (parent folders are created)
     * @param writer writes the full content
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = org.ead4j.samediff.io.AtomicFiles.createTempFile(dir, TEMP_PREFIX + abs.getFileName() + "-", "");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            } catch (IOException e) {
                // a full disk or a size limit reports only "No space left on device": name the file
                throw e instanceof java.nio.file.FileSystemException ? e : new IOException(target + ": " + e.getMessage(), e);
            }
            move(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Renames {@code source} to {@code target} atomically (replacing a file target) and fsyncs the
     * target's folder.
     *
     * @param source the file or folder to rename
     * @param target the new name, in the same file system
     * @throws IOException if the rename fails or is not atomic on this file system
     */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + source + " to " + target + " atomically: " + e.getMessage()
                    + " (keep runs on one local file system)", e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Forces a file's content and metadata to disk.
     *
     * @param file the file
     * @throws IOException if it cannot be opened or synced
     */
    public static void fsyncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Forces a folder's entries (creations, renames, deletions) to disk. Opening a folder is not
     * supported on every platform (Windows); there the call does nothing, since NTFS journals renames.
     *
     * @param dir the folder
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported for folders on this platform; nothing more can be done
        }
    }

    /**
     * Fsyncs every file and folder under {@code root}, deepest first, then {@code root} itself.
     *
     * @param root the folder
     * @throws IOException if a file cannot be synced
     */
    public static void fsyncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    fsyncFile(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                fsyncDirectory(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes a file or folder tree (no error if it does not exist).
     *
     * @param root the file or folder
     * @throws IOException if something cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * Appends bytes to an open channel and forces them to disk before returning.
     *
     * @param ch a channel opened for appending
     * @param data the bytes
     * @throws IOException if writing or syncing fails
     */
    static void appendAndSync(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(false);
    }
}
