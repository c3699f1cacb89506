package org.ead4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.testing.TokenizerFixtures;
import org.ead4j.tokenizer.CharTokenizer;
import org.ead4j.tokenizer.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JsonlTask with chatTemplate = true: prompts rendered with the model's template, recorded and replayed. */
class JsonlTaskChatTest {

    @TempDir
    Path dir;

    @Test
    void qwen3ChatPromptsAreRenderedEncodedWithoutBosAndReplayed() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"What is 2+2?\",\"answer\":\"4\"}\n");
        HuggingFaceTokenizer tok = new HuggingFaceTokenizer(TokenizerFixtures.qwen3Dir());
        JsonlTask task = new JsonlTask(train, null, "math", new NumericVerifier(), tok, "Put the answer in \\boxed{}.", "");
        String want = "<|im_start|>system\nPut the answer in \\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n";
        assertEquals(want, task.train().get(0).prompt());

        int[] ids = new PromptCodec(tok).prompt(task.train().get(0));
        assertEquals(151644, ids[0], "starts with <|im_start|>, no BOS (Qwen has none)");
        assertArrayEquals(tok.encode(want), ids);
        assertEquals(198, ids[ids.length - 1], "ends with the newline after 'assistant'");

        // the provenance holds the flag, the system prompt and the date; a replay renders the same text
        String prov = task.getProvenance().toString();
        assertTrue(prov.contains("chatTemplateDate") && prov.contains(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .toString()), prov);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(task.getProvenance()));
        JsonlTask back = cm.lookupAll(JsonlTask.class).get(0);
        assertEquals(task.train(), back.train());
    }

    @Test
    void llama3TemplateWritesBosWhichIsNotDoubled() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"  What is 2+2?  \",\"answer\":\"4\"}\n");
        HuggingFaceTokenizer tok = new HuggingFaceTokenizer(TokenizerFixtures.llama32Dir());
        JsonlTask task = new JsonlTask(train, null, "math", new NumericVerifier(), tok, "", "2024-07-26");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                + "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", task.train().get(0).prompt());
        int[] ids = new PromptCodec(tok).prompt(task.train().get(0));
        assertEquals(128000, ids[0]);
        assertTrue(ids[1] != 128000, "one BOS");
    }

    @Test
    void aConfigurationFileNamingTheTokenizerLoadsThroughTheAllowlist() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"2+2?\",\"answer\":\"4\"}\n");
        Path cfg = dir.resolve("task.json");
        String json = """
                {"config": {"components": [
                  {"name": "task", "type": "org.ead4j.task.JsonlTask",
                   "properties": {"trainFile": "%s", "chatTemplate": "true", "systemPrompt": "Be brief.",
                                  "chatTemplateDate": "2026-01-02", "tokenizer": "tokenizer"}},
                  {"name": "tokenizer", "type": "org.ead4j.tokenizer.HuggingFaceTokenizer",
                   "properties": {"path": "%s"}}]}}
                """.formatted(train, TokenizerFixtures.qwen3Dir());
        Files.writeString(cfg, json);
        JsonlTask task = org.ead4j.provenance.ExperimentConfigs.load(cfg, JsonlTask.class);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
                task.train().get(0).prompt());
    }

    @Test
    void misconfigurationsNameTheField() throws Exception {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"id\":\"t1\",\"prompt\":\"2+2?\",\"answer\":\"4\"}\n");
        PropertyException e = assertThrows(PropertyException.class,
                () -> new JsonlTask(train, null, "t", new NumericVerifier(), null, "", ""));
        assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
        e = assertThrows(PropertyException.class,
                () -> new JsonlTask(train, null, "t", new NumericVerifier(), new CharTokenizer(), "", ""));
        assertTrue(e.getMessage().contains("has no chat template"), e.getMessage());
        HuggingFaceTokenizer tok = new HuggingFaceTokenizer(TokenizerFixtures.qwen3Dir());
        e = assertThrows(PropertyException.class,
                () -> new JsonlTask(train, null, "t", new NumericVerifier(), tok, "", "08/12/2026"));
        assertTrue(e.getMessage().contains("chatTemplateDate") && e.getMessage().contains("08/12/2026"), e.getMessage());
    }
}
