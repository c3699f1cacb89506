package org.ead4j.samediff.decode;

/** Why a row of a batch stopped generating. */
public enum FinishReason {
    /** The row produced one of the stop tokens (it is the last token of the response). */
    STOP,
    /** The row reached the maximum number of new tokens, or prompt + response reached maxSeqLen. */
    LENGTH
}
