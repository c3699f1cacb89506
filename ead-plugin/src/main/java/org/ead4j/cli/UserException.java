package org.ead4j.cli;

/**
 * A mistake in the user's input (flag, configuration, data or file) with a message that names the
 * field or line, the value and what is allowed. The CLI prints the message and exits with code 2.
 */
public class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, the value and what is allowed
     */
    public UserException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, the value and what is allowed
     * @param cause the underlying exception
     */
    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
