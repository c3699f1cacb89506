package org.ead4j.data;

import java.nio.file.Path;

/**
 * A JSONL file that cannot be used, with a message of the form {@code FILE:LINE: what is wrong}
 * (LINE is 1-based; 0 when the problem concerns the whole file). It is an
 * {@link IllegalArgumentException}, so the command line reports it as a user error (exit code 2).
 */
public class JsonlFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The file (not serialized: Path is not Serializable). */
    private final transient Path file;
    /** The 1-based line, or 0. */
    private final int line;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param line the 1-based line number, or 0 for the whole file
     * @param what what is wrong, the value and what is allowed
     */
    public JsonlFormatException(Path file, int line, String what) {
        super(file + (line > 0 ? ":" + line : "") + ": " + what);
        this.file = file;
        this.line = line;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return the 1-based line number, or 0 for the whole file */
    public int line() {
        return line;
    }
}
