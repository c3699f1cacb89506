package org.ead4j.samediff.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ead4j.samediff.io.ModelFileException;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.RopeScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {

    @TempDir
    Path tmp;

    /** Qwen2.5-0.5B-Instruct's config.json and generation_config.json (as published). */
    static final String QWEN25 = "{\n \"architectures\": [\"Qwen2ForCausalLM\"], \"attention_dropout\": 0.0,"
            + " \"bos_token_id\": 151643, \"eos_token_id\": 151645, \"hidden_act\": \"silu\", \"hidden_size\": 896,"
            + " \"initializer_range\": 0.02, \"intermediate_size\": 4864, \"max_position_embeddings\": 32768,"
            + " \"max_window_layers\": 21, \"model_type\": \"qwen2\", \"num_attention_heads\": 14, \"num_hidden_layers\": 24,"
            + " \"num_key_value_heads\": 2, \"rms_norm_eps\": 1e-06, \"rope_theta\": 1000000.0, \"sliding_window\": 32768,"
            + " \"tie_word_embeddings\": true, \"torch_dtype\": \"bfloat16\", \"transformers_version\": \"4.43.1\","
            + " \"use_cache\": true, \"use_sliding_window\": false, \"vocab_size\": 151936}";

    /** Llama-3.2-1B-Instruct's config.json (as published). */
    static final String LLAMA32 = "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false, \"attention_dropout\": 0.0,"
            + " \"bos_token_id\": 128000, \"eos_token_id\": [128001, 128008, 128009], \"head_dim\": 64, \"hidden_act\": \"silu\","
            + " \"hidden_size\": 2048, \"initializer_range\": 0.02, \"intermediate_size\": 8192, \"max_position_embeddings\": 131072,"
            + " \"mlp_bias\": false, \"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 16,"
            + " \"num_key_value_heads\": 8, \"pretraining_tp\": 1, \"rms_norm_eps\": 1e-05, \"rope_scaling\": {\"factor\": 32.0,"
            + " \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0, \"original_max_position_embeddings\": 8192,"
            + " \"rope_type\": \"llama3\"}, \"rope_theta\": 500000.0, \"tie_word_embeddings\": true, \"torch_dtype\": \"bfloat16\","
            + " \"use_cache\": true, \"vocab_size\": 128256}";

    private Path folder(String name, String config) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("config.json"), config);
        return d;
    }

    @Test
    void qwen25MapsEveryFieldAndTakesEosFromGenerationConfig() throws IOException {
        Path d = folder("qwen", QWEN25);
        Files.writeString(d.resolve("generation_config.json"), "{\"bos_token_id\": 151643, \"eos_token_id\": [151645, 151643],"
                + " \"do_sample\": true, \"temperature\": 0.7}");
        HfConfig h = HfConfig.read(d);
        PolicyConfig c = h.policy();
        assertEquals(Architecture.QWEN2, c.architecture());
        assertEquals(896, c.dModel());
        assertEquals(24, c.numLayers());
        assertEquals(14, c.numHeads());
        assertEquals(2, c.numKvHeads());
        assertEquals(64, c.headDim());
        assertEquals(4864, c.ffnWidth());
        assertEquals(151936, c.vocabSize());
        assertEquals(32768, c.maxSeqLen());
        assertEquals(1e-6, c.normEpsilon());
        assertEquals(1e6, c.ropeBase());
        assertTrue(c.tiedEmbeddings());
        assertTrue(c.qkvBias(), "Qwen2 always has q/k/v biases");
        assertFalse(c.outBias());
        assertFalse(c.qkNorm());
        assertEquals(RopeScaling.NONE, c.ropeScaling());
        assertEquals(151643, h.bosId());
        assertEquals(List.of(151645, 151643), h.eosIds());
        assertEquals("bfloat16", h.torchDtype());
    }

    @Test
    void llama32MapsRopeScalingGqaAndEosList() throws IOException {
        HfConfig h = HfConfig.read(folder("llama", LLAMA32));
        PolicyConfig c = h.policy();
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(8, c.numKvHeads());
        assertEquals(64, c.headDim());
        assertEquals(1e-5, c.normEpsilon());
        assertEquals(500000.0, c.ropeBase());
        assertEquals(RopeScaling.LLAMA3, c.ropeScaling());
        assertEquals(32.0, c.ropeScalingFactor());
        assertEquals(1.0, c.ropeLowFreqFactor());
        assertEquals(4.0, c.ropeHighFreqFactor());
        assertEquals(8192, c.ropeOriginalMaxPositions());
        assertFalse(c.qkvBias());
        assertFalse(c.mlpBias());
        assertEquals(128000, h.bosId());
        assertEquals(List.of(128001, 128008, 128009), h.eosIds());
    }

    @Test
    void classDefaultsWhenFieldsAreMissing() throws IOException {
        // Qwen3Config: num_key_value_heads 32 and head_dim 128 when absent; no tie by default
        PolicyConfig q3 = HfConfig.read(folder("q3", "{\"model_type\": \"qwen3\", \"hidden_size\": 1024, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 64, \"intermediate_size\": 64, \"vocab_size\": 10, \"max_position_embeddings\": 16}")).policy();
        assertEquals(32, q3.numKvHeads());
        assertEquals(128, q3.headDim());
        assertTrue(q3.qkNorm());
        assertFalse(q3.tiedEmbeddings());
        assertEquals(1e-6, q3.normEpsilon());
        // LlamaConfig: num_key_value_heads = num_attention_heads, head_dim = hidden / heads; attention_bias on q/k/v/o
        PolicyConfig ll = HfConfig.read(folder("ll", "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"intermediate_size\": 8, \"vocab_size\": 10,"
                + " \"max_position_embeddings\": 16, \"attention_bias\": true, \"mlp_bias\": true}")).policy();
        assertEquals(4, ll.numKvHeads());
        assertEquals(16, ll.headDim());
        assertTrue(ll.qkvBias() && ll.outBias() && ll.mlpBias());
    }

    @Test
    void transformersV5RopeParameters() throws IOException {
        HfConfig h = HfConfig.read(folder("v5", "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 4, \"intermediate_size\": 8, \"vocab_size\": 10, \"max_position_embeddings\": 16,"
                + " \"dtype\": \"bfloat16\", \"rope_parameters\": {\"rope_type\": \"llama3\", \"rope_theta\": 500000.0, \"factor\": 8.0,"
                + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}"));
        assertEquals(500000.0, h.policy().ropeBase());
        assertEquals(RopeScaling.LLAMA3, h.policy().ropeScaling());
        assertEquals(8.0, h.policy().ropeScalingFactor());
        assertEquals("bfloat16", h.torchDtype());
        HfConfig plain = HfConfig.read(folder("v5d", "{\"model_type\": \"qwen3\", \"hidden_size\": 64, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 4, \"num_key_value_heads\": 4, \"head_dim\": 16, \"intermediate_size\": 8,"
                + " \"vocab_size\": 10, \"max_position_embeddings\": 16,"
                + " \"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 1000000.0}}"));
        assertEquals(1e6, plain.policy().ropeBase());
        assertEquals(RopeScaling.NONE, plain.policy().ropeScaling());
        assertNull(plain.bosId());
    }

    @Test
    void refusesWhatIsNotImplementedNamingFieldAndValue() throws IOException {
        refuse(QWEN25.replace("\"model_type\": \"qwen2\"", "\"model_type\": \"mistral\"")
                .replace("Qwen2ForCausalLM", "MistralForCausalLM"), "model_type = mistral is not supported");
        refuse(QWEN25.replace("Qwen2ForCausalLM", "MistralForCausalLM").replace("\"model_type\": \"qwen2\",", ""),
                "architectures = [\"MistralForCausalLM\"] is not supported");
        refuse(QWEN25.replace("Qwen2ForCausalLM", "Qwen3ForCausalLM"), "contradicts model_type = qwen2");
        refuse(QWEN25.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"), "use_sliding_window = true");
        refuse(LLAMA32.replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn\""), "rope_scaling.rope_type = yarn is not supported");
        refuse(QWEN25.replace("\"use_cache\": true", "\"num_experts\": 60"), "num_experts = 60 is not supported");
        refuse(QWEN25.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""), "hidden_act = gelu is not supported");
        refuse(QWEN25.replace("\"hidden_size\": 896,", ""), "has no hidden_size");
        refuse(QWEN25.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"), "numKvHeads");
        refuse("{\"model_type\": ", "is not valid JSON");
    }

    private void refuse(String config, String text) throws IOException {
        Path d = folder("bad" + System.nanoTime(), config);
        ModelFileException e = assertThrows(ModelFileException.class, () -> HfConfig.read(d));
        assertTrue(e.getMessage().startsWith(d.resolve("config.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void configJsonRoundTripsEveryFamily() throws IOException {
        for (String cfg : new String[]{QWEN25, LLAMA32}) {
            HfConfig h = HfConfig.read(folder("src" + System.nanoTime(), cfg));
            Path out = folder("out" + System.nanoTime(), h.toConfigJson("float32").toString());
            Files.writeString(out.resolve("generation_config.json"), h.toGenerationConfigJson().toString());
            HfConfig back = HfConfig.read(out);
            assertEquals(h.policy(), back.policy(), () -> String.join("; ", h.policy().differences(back.policy())));
            assertEquals(h.eosIds(), back.eosIds());
            assertEquals(h.bosId(), back.bosId());
            assertEquals("float32", back.torchDtype());
        }
        HfConfig q3 = HfConfig.read(folder("q3rt", RandomHfModel.Spec.small(Architecture.QWEN3, 1).policyConfig() == null ? ""
                : new HfConfig(RandomHfModel.Spec.small(Architecture.QWEN3, 1).policyConfig(), null, List.of(), null, null)
                        .toConfigJson("bfloat16").toString()));
        assertEquals(32, q3.policy().headDim());
        assertTrue(q3.policy().qkNorm());
    }

    @Test
    void gptHasNoHuggingFaceEquivalent() {
        PolicyConfig gpt = PolicyConfig.tiny(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HfConfig(gpt, null, List.of(), null, null).toConfigJson("float32"));
        assertTrue(e.getMessage().contains("architecture = GPT"), e.getMessage());
    }
}
