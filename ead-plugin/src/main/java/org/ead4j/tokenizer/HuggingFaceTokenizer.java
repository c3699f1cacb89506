package org.ead4j.tokenizer;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face tokenizer: a model folder's {@code tokenizer.json}, run by the Rust {@code tokenizers}
 * library through DJL ({@code ai.djl.huggingface:tokenizers}, whose jar carries the native library).
 *
 * <ul>
 *   <li><b>Special tokens.</b> BOS, EOS and PAD are the added tokens that {@code tokenizer_config.json}
 *       names ({@code bos_token}, {@code eos_token}, {@code pad_token}, as strings or {@code {"content": ...}}
 *       objects; {@code special_tokens_map.json} fills keys it lacks). A name that is only a plain
 *       vocabulary entry is refused: Qwen's byte-level vocabulary has an ordinary {@code <s>}. Without a
 *       BOS token {@link #bos()} is -1 and prompts start without one (Qwen); without a PAD token the EOS
 *       id pads (padding is masked out anyway).</li>
 *   <li><b>Stop ids.</b> {@link #stopIds()} is {@code generation_config.json}'s {@code eos_token_id}
 *       (an int or a list) when present, plus the tokenizer's EOS: Qwen stops at {@code <|im_end|>} and
 *       {@code <|endoftext|>}, Llama 3.1 at three ids.</li>
 *   <li><b>Encoding</b> adds no special tokens (no BOS from the post-processor), but special-token text
 *       in the input, such as a chat template's {@code <|im_start|>}, becomes that token, as in
 *       Hugging Face. <b>Decoding</b> skips the added tokens marked special ({@code skip_special_tokens=True})
 *       and applies no {@code clean_up_tokenization_spaces}, so text without special tokens round-trips
 *       exactly.</li>
 *   <li><b>Vocabulary size</b> is the tokenizer's: the largest id of its vocabulary and added tokens,
 *       plus one. A model's embedding may be larger (Qwen pads 151,669 tokens to 151,936 rows): check
 *       {@code vocabSize() <= model vocab_size}, not equality.</li>
 *   <li><b>Provenance</b> pins the SHA-256 of {@code tokenizer.json}, {@code tokenizer_config.json} and
 *       {@code generation_config.json} ({@value HfTokenizerFiles#ABSENT} for a missing file); a hash given
 *       in the configuration must match the file, as in a replay.</li>
 * </ul>
 */
public class HuggingFaceTokenizer implements Tokenizer {

    private static final String NAME = "HuggingFaceTokenizer";

    @Config(mandatory = true, description = "A Hugging Face model folder holding tokenizer.json (and tokenizer_config.json, "
            + "generation_config.json when present), or the tokenizer.json file itself.")
    private Path path;

    @Config(description = "SHA-256 (hex) tokenizer.json must have; empty: filled in on load, so provenance records it.")
    private String tokenizerSha256 = "";

    @Config(description = "SHA-256 (hex) tokenizer_config.json must have, or 'absent'; empty: filled in on load.")
    private String tokenizerConfigSha256 = "";

    @Config(description = "SHA-256 (hex) generation_config.json must have, or 'absent'; empty: filled in on load.")
    private String generationConfigSha256 = "";

    private ai.djl.huggingface.tokenizers.HuggingFaceTokenizer rust;
    private HfTokenizerFiles files;
    private int bos;
    private int eos;
    private int pad;
    private int[] stopIds;
    private ChatTemplate chatTemplate;

    /** For OLCUT. */
    public HuggingFaceTokenizer() {
    }

    /**
     * Loads a tokenizer.
     *
     * @param path a model folder holding tokenizer.json, or the tokenizer.json file
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file for missing or malformed content
     */
    public HuggingFaceTokenizer(Path path) throws IOException {
        this.path = path;
        postConfig();
    }

    @Override
    public void postConfig() throws IOException {
        if (path == null) {
            throw new PropertyException(NAME, "path", "path is missing: give a model folder or its tokenizer.json");
        }
        try {
            files = HfTokenizerFiles.read(path);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, NAME, "path", e.getMessage());
        }
        tokenizerSha256 = pin("tokenizerSha256", tokenizerSha256, files.tokenizerSha256, files.tokenizerJson);
        tokenizerConfigSha256 = pin("tokenizerConfigSha256", tokenizerConfigSha256, files.tokenizerConfigSha256,
                files.folder.resolve("tokenizer_config.json"));
        generationConfigSha256 = pin("generationConfigSha256", generationConfigSha256, files.generationConfigSha256,
                files.folder.resolve("generation_config.json"));

        bos = special("bos_token");
        int tokEos = special("eos_token");
        if (tokEos < 0 && files.generationEos.length == 0) {
            throw new PropertyException(NAME, "path", files.folder + ": no EOS token: tokenizer_config.json has no eos_token "
                    + "and generation_config.json no eos_token_id, so generation could never stop");
        }
        eos = tokEos >= 0 ? tokEos : files.generationEos[0];
        int padId = special("pad_token");
        pad = padId >= 0 ? padId : eos;
        int[] stops = files.generationEos;
        if (Arrays.stream(stops).noneMatch(s -> s == eos)) {
            stops = Arrays.copyOf(stops, stops.length + 1);
            stops[stops.length - 1] = eos;
        }
        stopIds = stops;

        Map<String, String> opts = new HashMap<>();
        opts.put("addSpecialTokens", "false");
        opts.put("truncation", "false"); // DJL's default truncates at 512 tokens
        opts.put("padding", "false");
        // the bytes that were hashed are the bytes loaded, so the file cannot change in between
        if (rust != null) {
            rust.close();
        }
        rust = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(files.tokenizerBytes), opts);
        files.tokenizerBytes = null;

        Map<String, String> names = new HashMap<>(files.specialTokenNames);
        chatTemplate = files.chatTemplate == null ? null
                : new ChatTemplate(files.chatTemplate, names, files.chatTemplateOrigin);
    }

    /** The id of a special token tokenizer_config.json names; -1 when unset. */
    private int special(String key) {
        String name = files.specialTokenNames.get(key);
        if (name == null) {
            return -1;
        }
        Integer id = files.addedTokens.get(name);
        if (id == null) {
            throw new PropertyException(NAME, "path", files.folder + ": tokenizer_config.json " + key + " = \"" + name
                    + "\" is not one of tokenizer.json's added_tokens" + (files.ids.containsKey(name)
                    ? " (it is only a plain vocabulary entry, id " + files.ids.get(name) + ")" : ""));
        }
        return id;
    }

    private static String pin(String field, String expected, String actual, Path file) {
        if (expected != null && !expected.isEmpty() && !expected.equalsIgnoreCase(actual)) {
            throw new PropertyException(NAME, field, file + " has SHA-256 " + actual + " but " + field + " = " + expected
                    + ": the file changed since the configuration was recorded");
        }
        return actual;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = rust.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        long[] l = new long[Math.max(0, to - from)];
        for (int i = from; i < to; i++) {
            checkId(ids[i]);
            l[i - from] = ids[i];
        }
        return rust.decode(l, true);
    }

    @Override
    public int vocabSize() {
        return files.tokens.length;
    }

    /** @return the BOS id, or -1 when the model has no BOS token (Qwen) */
    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public int pad() {
        return pad;
    }

    @Override
    public int[] stopIds() {
        return stopIds.clone();
    }

    @Override
    public boolean isSpecial(int id) {
        checkId(id);
        return files.specialIds.contains(id);
    }

    @Override
    public int id(String token) {
        Integer id = files.ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("no token \"" + token + "\" in " + files.tokenizerJson);
        }
        return id;
    }

    @Override
    public String token(int id) {
        checkId(id);
        String t = files.tokens[id];
        if (t == null) {
            throw new IllegalArgumentException("token id " + id + " is unused in " + files.tokenizerJson);
        }
        return t;
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** @return the folder the files were read from */
    public Path folder() {
        return files.folder;
    }

    /** @return the SHA-256 of tokenizer.json */
    public String tokenizerSha256() {
        return tokenizerSha256;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ") of "
                    + files.tokenizerJson);
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Tokenizer");
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizer(" + files.tokenizerJson + ", vocabSize=" + vocabSize() + ", bos=" + bos + ", eos="
                + eos + ", stops=" + Arrays.toString(stopIds) + ")";
    }
}
