package org.ead4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ead4j.provenance.ContentHash;

/**
 * The parts of a Hugging Face model folder a tokenizer needs, read once: {@code tokenizer.json}
 * (vocabulary and added tokens), {@code tokenizer_config.json} (which added tokens are BOS, EOS and
 * PAD; the chat template), {@code chat_template.jinja} (newer exports keep the template there) and
 * {@code generation_config.json} (the list of EOS ids generation stops at). Each file's SHA-256 is
 * computed over the same bytes that are parsed.
 */
final class HfTokenizerFiles {

    /** Marks a file that is not in the folder, in place of its SHA-256. */
    static final String ABSENT = "absent";

    final Path folder;
    final Path tokenizerJson;
    /** tokenizer.json's bytes, until the tokenizer is built from them (then null). */
    byte[] tokenizerBytes;
    final String tokenizerSha256;
    final String tokenizerConfigSha256;
    final String generationConfigSha256;
    /** Token text of each id; null for ids no entry names. */
    final String[] tokens;
    /** Token text to id, vocabulary and added tokens. */
    final Map<String, Integer> ids;
    /** Ids of the added tokens, special or not. */
    final Map<String, Integer> addedTokens;
    /** Ids of the added tokens marked {@code "special": true}. */
    final Set<Integer> specialIds;
    /** The special token strings by tokenizer_config key (bos_token, eos_token, pad_token, unk_token); absent keys are missing. */
    final Map<String, String> specialTokenNames;
    /** EOS ids from generation_config.json, in its order; empty without the file or the key. */
    final int[] generationEos;
    /** The chat template source, or null; and where it came from. */
    final String chatTemplate;
    final String chatTemplateOrigin;

    private HfTokenizerFiles(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            folder = p;
            tokenizerJson = p.resolve("tokenizer.json");
        } else {
            folder = p.getParent();
            tokenizerJson = p;
        }
        tokenizerBytes = read(tokenizerJson, true);
        tokenizerSha256 = ContentHash.sha256(tokenizerBytes);
        ObjectMapper om = new ObjectMapper();
        JsonNode tok = parse(om, tokenizerBytes, tokenizerJson);

        // vocabulary: BPE/WordPiece/WordLevel keep a {token: id} map, Unigram a [[piece, score], ...] list
        ids = new HashMap<>();
        JsonNode vocab = tok.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
            }
        } else {
            throw new IllegalArgumentException(tokenizerJson + ": model.vocab is missing; expected a Hugging Face tokenizer.json");
        }
        addedTokens = new HashMap<>();
        specialIds = new java.util.HashSet<>();
        for (JsonNode t : tok.path("added_tokens")) {
            String content = t.path("content").asText(null);
            if (content == null || !t.path("id").canConvertToInt()) {
                throw new IllegalArgumentException(tokenizerJson + ": an added_tokens entry lacks 'id' or 'content': " + t);
            }
            int id = t.path("id").asInt();
            addedTokens.put(content, id);
            ids.put(content, id);
            if (t.path("special").asBoolean(false)) {
                specialIds.add(id);
            }
        }
        int size = 0;
        for (int id : ids.values()) {
            if (id < 0) {
                throw new IllegalArgumentException(tokenizerJson + ": negative token id " + id);
            }
            size = Math.max(size, id + 1);
        }
        tokens = new String[size];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            // an added token shadows a vocabulary entry with the same id
            if (tokens[e.getValue()] == null || addedTokens.containsKey(e.getKey())) {
                tokens[e.getValue()] = e.getKey();
            }
        }

        Path cfgFile = folder.resolve("tokenizer_config.json");
        byte[] cfgBytes = read(cfgFile, false);
        tokenizerConfigSha256 = cfgBytes == null ? ABSENT : ContentHash.sha256(cfgBytes);
        JsonNode cfg = cfgBytes == null ? om.createObjectNode() : parse(om, cfgBytes, cfgFile);
        // special_tokens_map.json fills keys tokenizer_config.json lacks (older exports keep them there)
        Path mapFile = folder.resolve("special_tokens_map.json");
        byte[] mapBytes = read(mapFile, false);
        JsonNode map = mapBytes == null ? om.createObjectNode() : parse(om, mapBytes, mapFile);
        specialTokenNames = new HashMap<>();
        for (String key : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            String name = tokenName(cfg.get(key), cfgFile, key);
            if (name == null) {
                name = tokenName(map.get(key), mapFile, key);
            }
            if (name != null) {
                specialTokenNames.put(key, name);
            }
        }

        Path jinja = folder.resolve("chat_template.jinja");
        byte[] jinjaBytes = read(jinja, false);
        if (jinjaBytes != null) {
            chatTemplate = new String(jinjaBytes, java.nio.charset.StandardCharsets.UTF_8);
            chatTemplateOrigin = jinja.toString();
        } else {
            chatTemplate = templateFrom(cfg.get("chat_template"), cfgFile);
            chatTemplateOrigin = cfgFile + " chat_template";
        }

        Path genFile = folder.resolve("generation_config.json");
        byte[] genBytes = read(genFile, false);
        generationConfigSha256 = genBytes == null ? ABSENT : ContentHash.sha256(genBytes);
        JsonNode eos = genBytes == null ? null : parse(om, genBytes, genFile).get("eos_token_id");
        List<Integer> eosIds = new ArrayList<>();
        if (eos != null && !eos.isNull()) {
            for (JsonNode e : eos.isArray() ? eos : List.of(eos)) {
                if (!e.canConvertToInt() || e.asInt() < 0 || e.asInt() >= size) {
                    throw new IllegalArgumentException(genFile + ": eos_token_id holds " + e + ", which is not a token id in [0, "
                            + size + ") of " + tokenizerJson);
                }
                eosIds.add(e.asInt());
            }
        }
        generationEos = new LinkedHashSet<>(eosIds).stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Reads a folder (or a tokenizer.json inside one).
     *
     * @param path the model folder, or its tokenizer.json
     * @return the parsed files
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException naming the file for missing or malformed content
     */
    static HfTokenizerFiles read(Path path) throws IOException {
        return new HfTokenizerFiles(path);
    }

    /** A special token's text: a string, or an AddedToken object {"content": ...}; null when unset. */
    private static String tokenName(JsonNode n, Path file, String key) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isObject() && n.path("content").isTextual()) {
            return n.path("content").textValue();
        }
        throw new IllegalArgumentException(file + ": " + key + " = " + n + " is neither a string nor an object with 'content'");
    }

    /** chat_template is a string, or a list of {"name", "template"} of which "default" is the chat one. */
    private static String templateFrom(JsonNode n, Path file) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isArray()) {
            for (JsonNode t : n) {
                if ("default".equals(t.path("name").asText()) && t.path("template").isTextual()) {
                    return t.path("template").textValue();
                }
            }
        }
        throw new IllegalArgumentException(file + ": chat_template is neither a string nor a list holding a "
                + "{\"name\": \"default\", \"template\": ...} entry");
    }

    private static byte[] read(Path file, boolean required) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalArgumentException("no such file: " + file + " (give a Hugging Face model folder holding "
                        + "tokenizer.json, or the tokenizer.json itself)", e);
            }
            return null;
        }
    }

    private static JsonNode parse(ObjectMapper om, byte[] bytes, Path file) {
        try {
            JsonNode n = om.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": malformed JSON: " + e.getMessage(), e);
        }
    }
}
