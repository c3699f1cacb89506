package org.ead4j.reward;

/** An extracted answer that cannot be read (not a number, too many digits, too deep); carries the reason. */
final class AnswerFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    AnswerFormatException(String detail) {
        super(detail, null, false, false); // no stack trace: this is an expected outcome, not a failure
    }
}
