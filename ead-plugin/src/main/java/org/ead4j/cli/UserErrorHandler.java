package org.ead4j.cli;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns exceptions from a subcommand into a message and an exit code: user errors (bad input,
 * configuration or files: {@link UserException}, {@link IllegalArgumentException},
 * {@link PropertyException}, missing files) print one clear line and exit 2; anything else is an
 * internal error, printed with its stack trace, exit 1.
 */
public final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /** Exit code for a user error. */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code for an internal failure. */
    public static final int EXIT_INTERNAL = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (isUserError(ex)) {
            err.println("error: " + UserMessages.oneLine(message(ex)));
            err.flush();
            return EXIT_USER_ERROR;
        }
        err.println("internal error: " + ex);
        ex.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL;
    }

    /**
     * Whether an exception reports a mistake in the user's input rather than a defect.
     *
     * @param ex the exception
     * @return true for user errors
     */
    public static boolean isUserError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UserException || t instanceof PropertyException || t instanceof IllegalArgumentException
                    || t instanceof NoSuchFileException || t instanceof java.io.FileNotFoundException) {
                return true;
            }
            if (t instanceof UncheckedIOException && t.getCause() instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The most specific user-facing message in an exception chain.
     *
     * @param ex the exception
     * @return the message
     */
    public static String message(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UserException || t instanceof PropertyException || t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
            if (t instanceof NoSuchFileException) {
                return "no such file: " + t.getMessage();
            }
        }
        return String.valueOf(ex.getMessage());
    }
}
