package org.ead4j.rollout;

/** Why a response ended. */
public enum FinishReason {
    /** A stop token (EOS) was generated. */
    STOP,
    /** The response reached the maximum length (or the policy's context) without a stop token. */
    LENGTH
}
