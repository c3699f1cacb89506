package org.ead4j.samediff.io;

import java.nio.file.Path;

/**
 * A model or weights file that cannot be used: malformed, truncated, or not matching what the model needs. The
 * message is one line naming the file and, where there is one, the tensor or field (the CLI maps this, like every
 * {@link IllegalArgumentException}, to exit status 2).
 */
public class ModelFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param file the file at fault
     * @param tensor the tensor or field at fault, or null
     * @param problem what is wrong (one line)
     */
    public ModelFileException(Path file, String tensor, String problem) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem);
    }

    /**
     * @param file the file at fault
     * @param tensor the tensor or field at fault, or null
     * @param problem what is wrong (one line)
     * @param cause the underlying error
     */
    public ModelFileException(Path file, String tensor, String problem, Throwable cause) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem, cause);
    }
}
