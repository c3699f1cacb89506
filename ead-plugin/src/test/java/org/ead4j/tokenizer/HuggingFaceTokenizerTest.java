package org.ead4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.ead4j.testing.TokenizerFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Qwen3 and Llama 3 tokenizers against an independent implementation (transformers.js under node,
 * encode-golden.json from scripts/tokenizer-golden/encode.js), round trips, and the special tokens
 * taken from the model files.
 */
class HuggingFaceTokenizerTest {

    private static JsonNode golden;
    private static HuggingFaceTokenizer qwen3;

    /** One shared Qwen3 tokenizer for the tests that do not change its files (loading takes seconds). */
    private static synchronized HuggingFaceTokenizer qwen3() throws Exception {
        if (qwen3 == null) {
            qwen3 = new HuggingFaceTokenizer(TokenizerFixtures.qwen3Dir());
        }
        return qwen3;
    }

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadGolden() throws Exception {
        try (InputStream in = HuggingFaceTokenizerTest.class.getResourceAsStream("encode-golden.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void qwen3IdsEqualTransformersJsAndRoundTrip() throws Exception {
        check(qwen3(), "qwen3", true);
    }

    @Test
    void llama3IdsEqualTransformersJsAndRoundTrip() throws Exception {
        check(new HuggingFaceTokenizer(TokenizerFixtures.llama3Dir()), "llama3", false);
    }

    /** Every golden string encodes to the same ids; decoding gives the text back minus special tokens. */
    private static void check(HuggingFaceTokenizer t, String name, boolean nfc) throws Exception {
        JsonNode strings = golden.get("strings");
        JsonNode ids = golden.get(name);
        assertTrue(strings.size() >= 300, "a few hundred strings");
        List<String> specials = specialContents(t.folder().resolve("tokenizer.json"));
        int withSpecial = 0;
        for (int i = 0; i < strings.size(); i++) {
            String s = strings.get(i).asText();
            int[] want = new int[ids.get(i).size()];
            for (int j = 0; j < want.length; j++) {
                want[j] = ids.get(i).get(j).asInt();
            }
            int[] got = t.encode(s);
            assertArrayEquals(want, got, name + " string " + i + ": " + s);
            String expected = s;
            for (String sp : specials) {
                expected = expected.replace(sp, "");
            }
            withSpecial += expected.equals(s) ? 0 : 1;
            if (nfc) {
                // Qwen's tokenizer.json normalizes to NFC first
                expected = Normalizer.normalize(expected, Normalizer.Form.NFC);
            }
            assertEquals(expected, t.decode(got), name + " round trip of string " + i);
        }
        assertTrue(withSpecial >= 3, "the strings hold special tokens: " + withSpecial);
    }

    /** The contents of the added tokens marked special, longest first, read straight from the JSON. */
    private static List<String> specialContents(Path tokenizerJson) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode a : new ObjectMapper().readTree(tokenizerJson.toFile()).get("added_tokens")) {
            if (a.get("special").asBoolean()) {
                out.add(a.get("content").asText());
            }
        }
        out.sort((a, b) -> b.length() - a.length());
        return out;
    }

    @Test
    void qwen3SpecialTokens() throws Exception {
        HuggingFaceTokenizer t = qwen3();
        assertEquals(151669, t.vocabSize());
        assertEquals(-1, t.bos(), "Qwen has no BOS");
        assertEquals(151645, t.eos());
        assertEquals("<|im_end|>", t.token(t.eos()));
        assertEquals(151643, t.pad());
        assertEquals(151643, t.id("<|endoftext|>"));
        assertArrayEquals(new int[]{151645}, t.stopIds());
        assertTrue(t.isSpecial(151643) && t.isSpecial(151644) && t.isSpecial(151645));
        assertFalse(t.isSpecial(151667), "<think> is an added token but not a special one");
        assertEquals("<think>", t.token(151667));
        assertFalse(t.isSpecial(9707));
        assertEquals("Hello", t.token(9707));
        assertEquals("Hello<think>", t.decode(new int[]{151644, 9707, 151667, 151645}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{151669}));
        assertThrows(IllegalArgumentException.class, () -> t.id("no such token"));
        assertEquals(151644, t.encode("<|im_start|>")[0]);
        // no truncation (DJL would cut at 512 tokens unless told not to)
        int[] ids = t.encode(" hello".repeat(3000));
        assertEquals(3000, ids.length);
        assertEquals(" hello".repeat(3000), t.decode(ids));
    }

    @Test
    void llama3SpecialTokens() throws Exception {
        HuggingFaceTokenizer t = new HuggingFaceTokenizer(TokenizerFixtures.llama3Dir().resolve("tokenizer.json"));
        assertEquals(128256, t.vocabSize());
        assertEquals(128000, t.bos());
        assertEquals(128001, t.eos());
        assertEquals(128001, t.pad(), "no pad_token: EOS pads");
        assertEquals(0, t.encode("").length);
        assertFalse(t.encode("hi")[0] == t.bos(), "no BOS is added when encoding");
    }

    @Test
    void stopIdsComeFromGenerationConfig() throws Exception {
        Path d = copyQwen3();
        Files.writeString(d.resolve("generation_config.json"), "{\"bos_token_id\": 151643, \"eos_token_id\": [151645, 151643]}");
        HuggingFaceTokenizer t = new HuggingFaceTokenizer(d);
        assertArrayEquals(new int[]{151645, 151643}, t.stopIds());
        assertEquals(151645, t.eos());

        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": 151643}");
        assertArrayEquals(new int[]{151643, 151645}, new HuggingFaceTokenizer(d).stopIds(), "the tokenizer's EOS is kept");

        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": 200000}");
        PropertyException e = assertThrows(PropertyException.class, () -> new HuggingFaceTokenizer(d));
        assertTrue(e.getMessage().contains("eos_token_id") && e.getMessage().contains("200000"), e.getMessage());
    }

    @Test
    void specialTokensMayBeObjectsButNeverPlainVocabularyEntries() throws Exception {
        Path d = copyQwen3();
        ObjectMapper om = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) om.readTree(d.resolve("tokenizer_config.json").toFile());
        cfg.putObject("bos_token").put("__type", "AddedToken").put("content", "<|endoftext|>").put("special", true);
        om.writeValue(d.resolve("tokenizer_config.json").toFile(), cfg);
        assertEquals(151643, new HuggingFaceTokenizer(d).bos());

        cfg.put("bos_token", "<s>");
        om.writeValue(d.resolve("tokenizer_config.json").toFile(), cfg);
        PropertyException e = assertThrows(PropertyException.class, () -> new HuggingFaceTokenizer(d));
        assertTrue(e.getMessage().contains("bos_token = \"<s>\"") && e.getMessage().contains("plain vocabulary entry"),
                e.getMessage());
    }

    @Test
    void provenancePinsTheFilesAndReplays() throws Exception {
        Path d = copyQwen3();
        HuggingFaceTokenizer t = new HuggingFaceTokenizer(d);
        assertEquals("aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4", t.tokenizerSha256());
        String prov = t.getProvenance().toString();
        assertTrue(prov.contains("aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4")
                && prov.contains("5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63")
                && prov.contains("absent"), prov);

        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(t.getProvenance()));
        HuggingFaceTokenizer back = cm.lookupAll(HuggingFaceTokenizer.class).get(0);
        assertArrayEquals(t.encode("Replay 123"), back.encode("Replay 123"));

        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": 151643}");
        ConfigurationManager cm2 = new ConfigurationManager();
        cm2.addConfiguration(ProvenanceUtil.extractConfiguration(t.getProvenance()));
        PropertyException e = assertThrows(PropertyException.class, () -> cm2.lookupAll(HuggingFaceTokenizer.class));
        assertTrue(e.getMessage().contains("generation_config.json") && e.getMessage().contains("changed"), e.getMessage());
    }

    @Test
    void missingFolderNamesTheFile() {
        PropertyException e = assertThrows(PropertyException.class, () -> new HuggingFaceTokenizer(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    private Path copyQwen3() throws Exception {
        Path src = TokenizerFixtures.qwen3Dir();
        Path d = Files.createDirectories(tmp.resolve("qwen3"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(f), d.resolve(f));
        }
        return d;
    }
}
