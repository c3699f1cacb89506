package org.ead4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir
    Path tmp;

    /** Writes a weights file and a nested state file whose content depends on the step. */
    private static PayloadWriter payload(long step) {
        return dir -> {
            byte[] w = new byte[4096];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) (i * 31 + step);
            }
            Files.write(dir.resolve("weights.bin"), w);
            Files.createDirectories(dir.resolve("state"));
            Files.writeString(dir.resolve("state/trainer.json"), "{\"step\": " + step + "}");
        };
    }

    @Test
    void writesAVerifiableCheckpointWithAManifest() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("checkpoints"), 3);
        Path p = store.write(10, payload(10));
        assertEquals(tmp.resolve("checkpoints/step-10"), p);
        assertEquals(10, CheckpointStore.verify(p));
        String manifest = Files.readString(p.resolve(CheckpointStore.MANIFEST));
        assertTrue(manifest.contains("\"weights.bin\"") && manifest.contains("\"state/trainer.json\"")
                && manifest.contains("\"sha256\""), manifest);
        assertEquals(Optional.of(new Checkpoint(10, p)), store.newestValidCheckpoint());
        assertEquals("{\"step\": 10}", Files.readString(p.resolve("state/trainer.json")));
        assertEquals(List.of(), leftovers(store));
    }

    @Test
    void keepsTheLastKAfterTheNewOneIsComplete() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 2);
        for (long s = 1; s <= 5; s++) {
            store.write(s * 10, payload(s));
        }
        assertEquals(List.of(tmp.resolve("c/step-40"), tmp.resolve("c/step-50")), store.list());
        assertEquals(List.of(), leftovers(store));
        // a failing write leaves the existing checkpoints and no folder for the failed step
        IOException e = assertThrows(IOException.class, () -> store.write(60, dir -> {
            Files.writeString(dir.resolve("weights.bin"), "partial");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of(tmp.resolve("c/step-40"), tmp.resolve("c/step-50")), store.list());
        assertEquals(List.of(), leftovers(store));
    }

    @Test
    void corruptedFileIsDetectedSkippedAndKept() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 3);
        store.write(1, payload(1));
        Path newest = store.write(2, payload(2));
        try (FileChannel ch = FileChannel.open(newest.resolve("weights.bin"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{42}), 100); // same size, one byte changed
        }
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.of(tmp.resolve("c/step-1")), store.newestValid());
            assertTrue(log.text().contains(newest.toString()) && log.text().contains("corrupted"), log.text());
        }
        assertTrue(Files.exists(newest.resolve("weights.bin")), "a corrupted checkpoint must not be deleted");
    }

    @Test
    void truncatedFileIsDetected() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 3);
        store.write(1, payload(1));
        Path newest = store.write(2, payload(2));
        try (FileChannel ch = FileChannel.open(newest.resolve("state/trainer.json"), StandardOpenOption.WRITE)) {
            ch.truncate(3);
        }
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class,
                () -> CheckpointStore.verify(newest));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("state/trainer.json"),
                e.getMessage());
        assertEquals(Optional.of(tmp.resolve("c/step-1")), store.newestValid());
    }

    @Test
    void missingManifestOrFileIsDetected() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 3);
        store.write(1, payload(1));
        Path two = store.write(2, payload(2));
        Path three = store.write(3, payload(3));
        Files.delete(three.resolve(CheckpointStore.MANIFEST));
        Files.delete(two.resolve("weights.bin"));
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.of(tmp.resolve("c/step-1")), store.newestValid());
            assertTrue(log.text().contains(three + ": no manifest.json"), log.text());
            assertTrue(log.text().contains(two + ": missing file weights.bin"), log.text());
        }
        // a step-N folder renamed to another step does not pass either
        Path moved = tmp.resolve("c/step-9");
        Files.move(tmp.resolve("c/step-1"), moved);
        assertTrue(assertThrows(InvalidCheckpointException.class, () -> CheckpointStore.verify(moved))
                .getMessage().contains("step 1"));
        assertEquals(Optional.empty(), store.newestValid());
    }

    @Test
    void halfWrittenTemporaryFolderIsIgnoredThenCleaned() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 3);
        store.write(1, payload(1));
        // a crash during write(2): payload written, no manifest, never renamed
        Path half = Files.createDirectories(tmp.resolve("c/.tmp-step-2-crashed"));
        payload(2).writeTo(half);
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.of(tmp.resolve("c/step-1")), store.newestValid());
            assertTrue(log.text().contains(half.toString()) && log.text().contains("half-written"), log.text());
        }
        store.write(2, payload(2));
        assertFalse(Files.exists(half));
        assertEquals(Optional.of(tmp.resolve("c/step-2")), store.newestValid());
    }

    @Test
    void resumeRewritesAStepAndKeepsTheCorruptedOneAside() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 1);
        store.write(1, payload(1));
        Path two = store.write(2, payload(2));
        Files.writeString(two.resolve("weights.bin"), "garbage");
        // (with keepLast = 1, step-1 is gone; resume must start from scratch) -> simulate a resume from step 1
        store = new CheckpointStore(tmp.resolve("c"), 1);
        assertEquals(Optional.empty(), store.newestValid());
        store.write(1, payload(1));
        // pruning never removes the later folder left from before the resume
        assertTrue(Files.exists(two));
        Path rewritten = store.write(2, payload(2));
        assertEquals(2, CheckpointStore.verify(rewritten));
        try (Stream<Path> s = Files.list(tmp.resolve("c"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("step-2.replaced-")),
                    "the corrupted step-2 must be moved aside, not deleted");
        }
        assertEquals(List.of(tmp.resolve("c/step-2")), store.list());
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(tmp, 0));
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 3);
        assertThrows(IllegalArgumentException.class, () -> store.write(-1, payload(0)));
        IOException e = assertThrows(IOException.class, () -> store.write(1,
                dir -> Files.writeString(dir.resolve(CheckpointStore.MANIFEST), "{}", StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(CheckpointStore.MANIFEST));
        assertEquals(Optional.of(7L), CheckpointStore.stepOf(Path.of("x/step-7")));
        assertEquals(Optional.empty(), CheckpointStore.stepOf(Path.of("x/step-7.replaced-1")));
    }

    private static List<Path> leftovers(CheckpointStore store) throws IOException {
        try (Stream<Path> s = Files.list(store.dir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
