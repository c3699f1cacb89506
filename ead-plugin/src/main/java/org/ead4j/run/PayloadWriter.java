package org.ead4j.run;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a checkpoint's payload (weights, optimiser state, trainer state) into a folder. */
@FunctionalInterface
public interface PayloadWriter {

    /**
     * Writes every payload file into {@code tmpDir} (sub-folders allowed; the name
     * {@value CheckpointStore#MANIFEST} is reserved). The folder is renamed into place only after this
     * returns and every file has been checksummed and synced; if this throws, it is deleted.
     *
     * @param tmpDir an empty temporary folder on the checkpoint's file system
     * @throws IOException if writing fails
     */
    void writeTo(Path tmpDir) throws IOException;
}
