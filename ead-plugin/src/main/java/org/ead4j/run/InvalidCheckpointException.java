package org.ead4j.run;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint folder that fails verification: missing or bad manifest, missing, truncated or changed file. */
public class InvalidCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param dir the checkpoint folder
     * @param reason what is wrong
     */
    public InvalidCheckpointException(Path dir, String reason) {
        super(dir + ": " + reason);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param dir the checkpoint folder
     * @param reason what is wrong
     * @param cause the underlying failure
     */
    public InvalidCheckpointException(Path dir, String reason, Throwable cause) {
        super(dir + ": " + reason, cause);
    }
}
