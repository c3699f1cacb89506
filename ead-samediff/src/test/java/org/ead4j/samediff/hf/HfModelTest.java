package org.ead4j.samediff.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.io.ModelFileException;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.io.SafetensorsWriter;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HfModelTest {

    @TempDir
    Path tmp;

    @Test
    void loadsEveryFamilyWithHuggingFaceNamesAndTransposedMatrices() throws IOException {
        for (Architecture a : new Architecture[]{Architecture.LLAMA, Architecture.QWEN2, Architecture.QWEN3}) {
            RandomHfModel.Spec spec = RandomHfModel.Spec.small(a, 11);
            Path dir = tmp.resolve(a.name());
            RandomHfModel.write(dir, spec, SafetensorsDtype.F32, null, 1, List.of(2, 3));
            PolicyConfig pc = spec.policyConfig();
            Map<String, INDArray> expected = RandomHfModel.weights(pc);
            HfModel m = HfModel.load(dir);
            // everything but the seed (which is not part of a Hugging Face config) reads back
            assertEquals(List.of("initSeed: 11 vs 0"), pc.differences(m.config().policy()));
            assertEquals(List.of(2, 3), m.config().eosIds());
            assertEquals(1, m.config().bosId());
            assertEquals(expected.keySet(), m.weights().keySet());
            for (String n : expected.keySet()) {
                assertEquals(expected.get(n), m.weights().get(n), a + " " + n);
                assertEquals('c', m.weights().get(n).ordering());
            }
            try (SafetensorsModel f = SafetensorsModel.open(dir)) {
                // HF stores q_proj [H*dh, D]: the transpose of ead4j's [D, H*dh]
                INDArray q = f.read("model.layers.1.self_attn.q_proj.weight");
                assertArrayEquals(new long[]{(long) pc.numHeads() * pc.headDim(), pc.dModel()}, q.shape());
                assertEquals(expected.get(WeightLayout.projection(1, "q")).transpose(), q);
                assertEquals(a == Architecture.QWEN2, f.tensors().containsKey("model.layers.0.self_attn.k_proj.bias"));
                assertEquals(a == Architecture.QWEN3, f.tensors().containsKey("model.layers.0.self_attn.k_norm.weight"));
                assertEquals(!pc.tiedEmbeddings(), f.tensors().containsKey("lm_head.weight"));
                assertEquals(WeightLayout.parameterCount(pc), f.parameterCount());
            }
            PolicyTransformer p = m.policy();
            INDArray tokens = Nd4j.createFromArray(new int[][]{{1, 5, 7}});
            INDArray logits = p.forward(Map.of(PolicyTransformer.TOKENS, tokens, PolicyTransformer.TARGETS, tokens,
                    PolicyTransformer.INV_TAU, Nd4j.ones(DataType.FLOAT, 1, 3)), PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
            assertArrayEquals(new long[]{1, 3, pc.vocabSize()}, logits.shape());
        }
    }

    @Test
    void importExportImportIsBitIdenticalInFloat32() throws IOException {
        for (Architecture a : new Architecture[]{Architecture.LLAMA, Architecture.QWEN3}) {
            Path src = tmp.resolve("src-" + a);
            RandomHfModel.write(src, RandomHfModel.Spec.small(a, 5), SafetensorsDtype.F32, null, null, List.of(7));
            HfModel m = HfModel.load(src);
            Path out = tmp.resolve("out-" + a);
            HfExporter.export(out, m.policy(), HfExporter.Options.from(m.config(), SafetensorsDtype.F32, src));
            HfModel back = HfModel.load(out);
            assertEquals(m.config(), back.config());
            for (String n : m.weights().keySet()) {
                assertEquals(m.weights().get(n), back.weights().get(n), n);
            }
            // the same model written twice gives the same bytes
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")), Files.readAllBytes(out.resolve("model.safetensors")));
            assertEquals(Files.readString(src.resolve("config.json")), Files.readString(out.resolve("config.json")));
        }
    }

    @Test
    void untrainedBf16ModelExportedAsBf16ReproducesTheSourceTensorsByteForByte() throws IOException {
        Path src = tmp.resolve("bf16");
        RandomHfModel.write(src, RandomHfModel.Spec.small(Architecture.QWEN2, 9), SafetensorsDtype.BF16, null, null, List.of());
        assertTrue(Files.readString(src.resolve("config.json")).contains("\"torch_dtype\" : \"bfloat16\""));
        HfModel m = HfModel.load(src);
        Path out = tmp.resolve("bf16-out");
        HfExporter.export(out, m.config().policy(), m.weights(), HfExporter.Options.from(m.config(), SafetensorsDtype.BF16, null));
        try (SafetensorsModel a = SafetensorsModel.open(src); SafetensorsModel b = SafetensorsModel.open(out)) {
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (String n : a.tensors().keySet()) {
                assertEquals(SafetensorsDtype.BF16, b.tensors().get(n).dtype());
                assertArrayEquals(a.rawBytes(n), b.rawBytes(n), n);
            }
        }
    }

    @Test
    void shardedExportLoadsBackAndTokenizerFilesAreCopied() throws IOException {
        Path src = tmp.resolve("tok");
        Files.createDirectories(src);
        Files.writeString(src.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(src.resolve("tokenizer_config.json"), "{\"chat_template\": \"x\"}");
        PolicyConfig pc = RandomHfModel.Spec.small(Architecture.LLAMA, 2).policyConfig();
        Map<String, INDArray> w = RandomHfModel.weights(pc);
        Path out = tmp.resolve("sharded");
        HfExporter.export(out, pc, w, new HfExporter.Options(SafetensorsDtype.F32, 100_000, src, null, List.of(), null));
        assertTrue(Files.exists(out.resolve(SafetensorsModel.INDEX_FILE)));
        assertFalse(Files.exists(out.resolve(SafetensorsModel.SINGLE_FILE)));
        assertEquals("{\"model\": {}}", Files.readString(out.resolve("tokenizer.json")));
        assertTrue(Files.exists(out.resolve("tokenizer_config.json")));
        HfModel back = HfModel.load(out);
        for (String n : w.keySet()) {
            assertEquals(w.get(n), back.weights().get(n), n);
        }
    }

    // ---- weights that do not match config.json ----

    @Test
    void missingExtraAndMisshapenTensorsAreRefusedNamingFileAndTensor() throws IOException {
        String q = "model.layers.0.self_attn.q_proj.weight";
        expectBroken("missing", Architecture.LLAMA, t -> t.remove(q), q, "missing");
        expectBroken("extra", Architecture.LLAMA, t -> t.put("model.layers.0.mlp.extra.weight", Nd4j.ones(2)),
                "model.layers.0.mlp.extra.weight", "extra tensor");
        String k = "model.layers.1.self_attn.k_proj.weight";
        expectBroken("shape", Architecture.LLAMA, t -> t.put(k, t.get(k).transpose()), k, "has shape [64, 32] but config.json implies [32, 64]");
        expectBroken("tied", Architecture.QWEN2, t -> t.put("lm_head.weight", t.get("model.embed_tokens.weight").add(1)),
                "lm_head.weight", "differs from model.embed_tokens.weight");
    }

    @Test
    void tiedHeadEqualToTheEmbeddingAndRotaryBuffersAreAccepted() throws IOException {
        Path dir = rewrite("tied-ok", Architecture.QWEN3, t -> {
            t.put("lm_head.weight", t.get("model.embed_tokens.weight").dup());
            t.put("model.layers.0.self_attn.rotary_emb.inv_freq", Nd4j.ones(16));
        });
        HfModel m = HfModel.load(dir);
        assertFalse(m.weights().containsKey(WeightLayout.HEAD));
    }

    private interface Edit {
        void apply(Map<String, INDArray> tensors);
    }

    private Path rewrite(String name, Architecture a, Edit edit) throws IOException {
        Path dir = tmp.resolve(name);
        RandomHfModel.write(dir, RandomHfModel.Spec.small(a, 3), SafetensorsDtype.F32, null, null, List.of());
        Map<String, INDArray> t = new LinkedHashMap<>();
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            for (String n : m.tensors().keySet()) {
                t.put(n, m.read(n));
            }
        }
        edit.apply(t);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), t, SafetensorsDtype.F32, Map.of("format", "pt"));
        return dir;
    }

    private void expectBroken(String name, Architecture a, Edit edit, String tensor, String text) throws IOException {
        Path dir = rewrite(name, a, edit);
        ModelFileException e = assertThrows(ModelFileException.class, () -> HfModel.load(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.resolve("model.safetensors").toString()), m);
        assertTrue(m.contains("tensor '" + tensor + "'"), m);
        assertTrue(m.contains(text), m);
        assertFalse(m.contains("\n"), m);
    }
}
