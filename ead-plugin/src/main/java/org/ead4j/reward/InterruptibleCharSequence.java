package org.ead4j.reward;

/**
 * A character sequence that throws once its thread is interrupted, so that a regular expression
 * match over it (which polls {@code charAt} constantly) can be cancelled; java.util.regex itself
 * ignores interrupts.
 */
final class InterruptibleCharSequence implements CharSequence {

    /** Thrown from {@code charAt} when the reading thread has been interrupted. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    private final CharSequence inner;

    InterruptibleCharSequence(CharSequence inner) {
        this.inner = inner;
    }

    @Override
    public char charAt(int index) {
        if (Thread.interrupted()) {
            throw new Interrupted();
        }
        return inner.charAt(index);
    }

    @Override
    public int length() {
        return inner.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new InterruptibleCharSequence(inner.subSequence(start, end));
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
