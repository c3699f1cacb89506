package org.ead4j.tokenizer;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * Maps text to token ids and back. Ids are dense in {@code [0, vocabSize())}; the special tokens
 * PAD, BOS and EOS have ids of their own. {@link CharTokenizer} never encodes text to them;
 * {@link HuggingFaceTokenizer} encodes special-token text (a chat template's {@code <|im_start|>}) to
 * the special token, as Hugging Face does.
 *
 * <p>The policy sees {@code [BOS] prompt-tokens response-tokens [EOS] [PAD]...}: the rollout engine
 * encodes each prompt once, generates response ids until EOS or the length limit, and decodes the
 * response ids (without re-encoding them) for the verifier.
 *
 * <p>{@link HuggingFaceTokenizer} reads a Hugging Face model folder's {@code tokenizer.json}.
 * Sub-word tokenizers are not prefix-stable ({@code encode(a + b)} may differ from
 * {@code encode(a) ++ encode(b)}), so never re-encode a decoded response to recompute log-probs:
 * keep the sampled ids. A character tokenizer ({@link CharTokenizer}) has no such problem.
 */
public interface Tokenizer extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Encodes text into token ids, without special tokens.
     *
     * @param text the text
     * @return one id per token
     * @throws IllegalArgumentException if the text holds something the vocabulary cannot represent
     */
    int[] encode(String text);

    /**
     * Decodes ids into text, skipping the special tokens (PAD, BOS, EOS), as Hugging Face's
     * {@code skip_special_tokens=True}.
     *
     * @param ids token ids
     * @return the text
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
     */
    default String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * Decodes {@code ids[from, to)}, skipping the special tokens.
     *
     * @param ids token ids
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @return the text
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
     */
    String decode(int[] ids, int from, int to);

    /** @return the number of token ids, special tokens included */
    int vocabSize();

    /**
     * @return the id of the beginning-of-sequence token, or -1 when the model has none (Qwen): then
     *         prompts start without one
     */
    int bos();

    /** @return the id of the end-of-sequence token; generation stops when it is sampled */
    int eos();

    /**
     * All ids generation stops at: {@link #eos()} and any other end token of the model (Qwen stops at
     * both {@code <|im_end|>} and {@code <|endoftext|>}).
     *
     * @return the stop ids, {@link #eos()} among them; a fresh array
     */
    default int[] stopIds() {
        return new int[]{eos()};
    }

    /**
     * The model's chat template, which tasks with {@code chatTemplate = true} render their prompts with.
     *
     * @return the template, or empty when the tokenizer has none
     */
    default java.util.Optional<ChatTemplate> chatTemplate() {
        return java.util.Optional.empty();
    }

    /** @return the id of the padding token (masked out of attention and losses) */
    int pad();

    /**
     * Whether an id is a special token (PAD, BOS, EOS or another control token).
     *
     * @param id a token id
     * @return true for special tokens
     */
    boolean isSpecial(int id);

    /**
     * The id of a token given its text (a special token's name such as {@code <eos>}, or a
     * vocabulary entry).
     *
     * @param token the token text
     * @return its id
     * @throws IllegalArgumentException if the vocabulary has no such token
     */
    int id(String token);

    /**
     * The text of one token (a special token's name such as {@code <eos>} for special ids).
     *
     * @param id a token id
     * @return its text
     * @throws IllegalArgumentException if the id is outside {@code [0, vocabSize())}
     */
    String token(int id);
}
