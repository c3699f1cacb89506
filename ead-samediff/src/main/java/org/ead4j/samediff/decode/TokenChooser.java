package org.ead4j.samediff.decode;

/**
 * Picks the next token of one row from its logits; the rollout engine plugs the EAD sampler in here.
 * Called once per active row per decoding step, rows in increasing order.
 */
@FunctionalInterface
public interface TokenChooser {

    /**
     * Chooses a token.
     *
     * @param row the row of the batch (index into the prompts)
     * @param position 0-based index of the token being generated within the response (t in the EAD schedule)
     * @param logits a buffer holding this row's logits at {@code [offset, offset + vocab)}; read only, and only
     *               during this call (the decoder reuses it)
     * @param offset start of this row's logits in {@code logits}
     * @param vocab vocabulary size V
     * @return the chosen token id, in [0, V)
     */
    int choose(int row, int position, float[] logits, int offset, int vocab);
}
