package org.ead4j.tokenizer;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Arrays;

/**
 * A character-level tokenizer over a fixed, explicit alphabet: one token per character, after
 * three special tokens.
 * <pre>
 *   id 0 = &lt;pad&gt;, 1 = &lt;bos&gt;, 2 = &lt;eos&gt;, 3 + i = alphabet.charAt(i)
 * </pre>
 * Encoding a character outside the alphabet is an error naming the character and its index
 * (there is no unknown token: a silent UNK would let the verifier see different text than the
 * user wrote). The alphabet holds UTF-16 code units outside the surrogate range, so characters
 * beyond the Basic Multilingual Plane cannot be tokenized.
 *
 * <p>{@link #TASK_ALPHABET} (the default) covers the bundled arithmetic and Countdown tasks;
 * {@link #PRINTABLE_ASCII} covers English text such as GSM8K-style JSONL data.
 */
public class CharTokenizer implements Tokenizer {

    /** Id of the padding token. */
    public static final int PAD = 0;
    /** Id of the beginning-of-sequence token. */
    public static final int BOS = 1;
    /** Id of the end-of-sequence token. */
    public static final int EOS = 2;
    /** Names of the special tokens, indexed by id. */
    private static final String[] SPECIAL = {"<pad>", "<bos>", "<eos>"};

    /**
     * The characters of the bundled tasks' prompts and solutions: space, digits and
     * {@code ( ) * + , - . / : < = >} (e.g. {@code "12+34="}, {@code "3 8 4>20:"}, {@code "(8-3)*4=20"}).
     */
    public static final String TASK_ALPHABET = " ()*+,-./0123456789:<=>";

    /** Printable ASCII (space to {@code ~}) plus newline and tab, for English prompts. */
    public static final String PRINTABLE_ASCII = printableAscii();

    private static final String NAME = "CharTokenizer";

    @Config(description = "The alphabet: each character is one token, ids 3.. in this order (0..2 are PAD, BOS, EOS). "
            + "Distinct characters, no surrogates. Default: the bundled tasks' characters \" ()*+,-./0123456789:<=>\".")
    private String alphabet = TASK_ALPHABET;

    /** Id of each character + 3, or 0 when absent; indexed by char up to the largest one in the alphabet. */
    private int[] idOfChar;

    /** For OLCUT; the task alphabet. */
    public CharTokenizer() {
        postConfig();
    }

    /**
     * Creates a tokenizer over an alphabet.
     *
     * @param alphabet distinct characters, one token each
     */
    public CharTokenizer(String alphabet) {
        this.alphabet = alphabet;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (alphabet == null || alphabet.isEmpty()) {
            throw new PropertyException(NAME, "alphabet", "alphabet is empty: give at least one character");
        }
        int max = 0;
        for (int i = 0; i < alphabet.length(); i++) {
            char ch = alphabet.charAt(i);
            if (Character.isSurrogate(ch)) {
                throw new PropertyException(NAME, "alphabet", "alphabet[" + i + "] = " + describe(ch)
                        + " is a surrogate: only characters of the Basic Multilingual Plane are allowed");
            }
            max = Math.max(max, ch);
        }
        int[] table = new int[max + 1];
        for (int i = 0; i < alphabet.length(); i++) {
            char ch = alphabet.charAt(i);
            if (table[ch] != 0) {
                throw new PropertyException(NAME, "alphabet", "alphabet[" + i + "] = " + describe(ch)
                        + " repeats alphabet[" + (table[ch] - 1 - SPECIAL.length) + "]: characters must be distinct");
            }
            table[ch] = i + SPECIAL.length + 1;
        }
        idOfChar = table;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char ch = text.charAt(i);
            int id = ch < idOfChar.length ? idOfChar[ch] - 1 : -1;
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(ch) + " at index " + i + " of "
                        + quote(text) + " is not in the tokenizer's alphabet " + quote(alphabet));
            }
            ids[i] = id;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            int id = ids[i];
            checkId(id);
            if (id >= SPECIAL.length) {
                sb.append(alphabet.charAt(id - SPECIAL.length));
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return SPECIAL.length + alphabet.length();
    }

    @Override
    public int bos() {
        return BOS;
    }

    @Override
    public int eos() {
        return EOS;
    }

    @Override
    public int pad() {
        return PAD;
    }

    @Override
    public boolean isSpecial(int id) {
        checkId(id);
        return id < SPECIAL.length;
    }

    @Override
    public int id(String token) {
        for (int i = 0; i < SPECIAL.length; i++) {
            if (SPECIAL[i].equals(token)) {
                return i;
            }
        }
        if (token.length() == 1) {
            char ch = token.charAt(0);
            if (ch < idOfChar.length && idOfChar[ch] != 0) {
                return idOfChar[ch] - 1;
            }
        }
        throw new IllegalArgumentException("no token " + quote(token) + ": the vocabulary is " + Arrays.toString(SPECIAL)
                + " and the single characters of " + quote(alphabet));
    }

    @Override
    public String token(int id) {
        checkId(id);
        return id < SPECIAL.length ? SPECIAL[id] : String.valueOf(alphabet.charAt(id - SPECIAL.length));
    }

    /** @return the alphabet (ids 3.. in order) */
    public String alphabet() {
        return alphabet;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Tokenizer");
    }

    @Override
    public String toString() {
        return "CharTokenizer(vocabSize=" + vocabSize() + ", alphabet=" + quote(alphabet) + ")";
    }

    /** A character for an error message: printable ones quoted, others by code point, e.g. 'x' (U+0078). */
    static String describe(char ch) {
        String code = String.format("U+%04X", (int) ch);
        if (ch == '\n') {
            return "'\\n' (" + code + ")";
        }
        if (ch == '\t') {
            return "'\\t' (" + code + ")";
        }
        if (Character.isISOControl(ch) || Character.isSurrogate(ch) || Character.isWhitespace(ch) && ch != ' ') {
            return code;
        }
        return "'" + ch + "' (" + code + ")";
    }

    /** Quotes text for a message, shortening it to 80 characters and escaping newlines. */
    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        return "\"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    private static String printableAscii() {
        StringBuilder sb = new StringBuilder("\n\t");
        for (char c = ' '; c <= '~'; c++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
