package org.ead4j.tokenizer;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;

/**
 * Maps text to token ids and back. Ids are dense in {@code [0, vocabSize())}; the special tokens
 * PAD, BOS and EOS have ids of their own and never come out of {@link #encode(String)}.
 *
 * <p>The policy sees {@code [BOS] prompt-tokens response-tokens [EOS] [PAD]...}: the rollout engine
 * encodes each prompt once, generates response ids until EOS or the length limit, and decodes the
 * response ids (without re-encoding them) for the verifier.
 *
 * <p><b>Plugging in a Hugging Face tokenizer.</b> Implement this interface over DJL's
 * {@code ai.djl.huggingface.tokenizers.HuggingFaceTokenizer} (Maven {@code ai.djl.huggingface:tokenizers},
 * which reads a {@code tokenizer.json}):
 * <ul>
 *   <li>a {@code @Config Path tokenizerJson} field, loaded in {@code postConfig()} with
 *       {@code HuggingFaceTokenizer.newInstance(path, Map.of("addSpecialTokens", "false"))}; record the file's
 *       SHA-256 in another {@code @Config} field so provenance pins the exact vocabulary;</li>
 *   <li>{@code encode}: {@code tok.encode(text, false, false).getIds()} narrowed from {@code long[]} to {@code int[]};</li>
 *   <li>{@code decode}: {@code tok.decode(ids as long[], true)} (skip special tokens);</li>
 *   <li>{@code bos/eos/pad}: the ids of the model's special tokens from {@code tokenizer_config.json}
 *       (e.g. {@code <|endoftext|>}); many models have no PAD, so reuse EOS and rely on the attention mask;</li>
 *   <li>{@code id/token}: {@code Encoding}'s vocabulary lookups.</li>
 * </ul>
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

    /** @return the id of the beginning-of-sequence token */
    int bos();

    /** @return the id of the end-of-sequence token; generation stops when it is sampled */
    int eos();

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
