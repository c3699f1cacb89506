package org.ead4j.samediff.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsFile;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.LoraMerge;
import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PEFT adapter folders: the written config and tensor names and shapes are PEFT's, a folder reads back onto its base
 * with the same logits, one for another base or with unsupported settings is refused naming the field, and the
 * merged export (HfExporter on W + scale (B A)^T) loads as a plain HF model with the LoRA policy's logits.
 */
class PeftAdapterTest {

    @TempDir
    Path tmp;

    static PolicyConfig qwen2(int d, int layers) {
        Map<String, String> p = new PolicyConfig(41, d, 4, layers, 24, 16, NormKind.RMS_NORM, PositionKind.ROTARY,
                true, 3).toProperties();
        p.put("architecture", Architecture.QWEN2.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("numKvHeads", "2");
        p.put("qkvBias", "true");
        p.put("initStd", "0.2");
        return PolicyConfig.fromProperties(p);
    }

    static PolicyTransformer trained(PolicyConfig cfg, LoraConfig lora) {
        PolicyTransformer p = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        SplittableRandom rnd = new SplittableRandom(8);
        for (INDArray a : p.parameters().values()) {
            float[] v = new float[(int) a.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.3 * rnd.nextGaussian());
            }
            HostArrays.writeFloats(v, a);
        }
        return p;
    }

    static INDArray logits(PolicyTransformer p) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(new int[][]{{1, 5, 9, 2, 7, 3}}));
        return p.forward(ph, PolicyTransformer.LOGITS).get(PolicyTransformer.LOGITS);
    }

    @Test
    void writesPeftNamesAndConfigAndReadsBackOntoTheBase() throws IOException {
        PolicyConfig cfg = qwen2(16, 2);
        LoraConfig lora = new LoraConfig(4, 16, List.of("q_proj", "v_proj", "o_proj", "down_proj"), true, 1);
        PolicyTransformer p = trained(cfg, lora);
        Path dir = tmp.resolve("adapter");
        PeftAdapter.write(dir, p, "Qwen/Qwen2.5-0.5B");

        JsonNode c = new ObjectMapper().readTree(Files.readString(dir.resolve(PeftAdapter.CONFIG_FILE)));
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals(4, c.get("r").asInt());
        assertEquals(16, c.get("lora_alpha").asInt());
        assertTrue(c.get("lora_alpha").isIntegralNumber());
        assertEquals("[\"q_proj\",\"v_proj\",\"o_proj\",\"down_proj\"]", c.get("target_modules").toString());
        assertEquals(0.0, c.get("lora_dropout").asDouble());
        assertEquals("none", c.get("bias").asText());
        assertTrue(c.get("use_rslora").asBoolean());
        assertEquals("Qwen/Qwen2.5-0.5B", c.get("base_model_name_or_path").asText());

        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertEquals(2 * 4 * 2, f.tensors().size());
            // PEFT: lora_A.weight [r, in], lora_B.weight [out, r]; q_proj out = 4 heads x 4, v_proj out = 2 x 4
            assertEquals(List.of(4L, 16L), List.of(f.tensors().get(
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape()[0],
                    f.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape()[1]));
            long[] vb = f.tensors().get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").shape();
            assertEquals(List.of(8L, 4L), List.of(vb[0], vb[1]));
            long[] db = f.tensors().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape();
            assertEquals(List.of(4L, 24L), List.of(db[0], db[1]));
            assertTrue(f.read("base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight")
                    .equals(p.parameters().get(LoraConfig.loraB(1, "out"))));
        }

        PeftAdapter.Adapter a = PeftAdapter.read(dir, cfg);
        assertEquals(lora.targetModules(), a.lora().targetModules());
        assertEquals(8.0, a.lora().scale(), 1e-12); // rsLoRA: 16 / sqrt(4)
        Map<String, INDArray> base = new HashMap<>();
        p.frozenParameters().forEach((n, arr) -> base.put(n, arr.dup()));
        PolicyTransformer back = PeftAdapter.load(dir, cfg, base);
        assertEquals(p.weightsSha256(), back.weightsSha256(), "base and adapters bit-identical after the round trip");
        assertTrue(logits(p).equalsWithEps(logits(back), 0));
    }

    @Test
    void refusesAnAdapterForAnotherBase() throws IOException {
        LoraConfig lora = new LoraConfig(4, 8, List.of("q_proj", "k_proj"), false, 1);
        Path dir = tmp.resolve("a");
        PeftAdapter.write(dir, trained(qwen2(16, 2), lora), null);
        IllegalArgumentException wider = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.read(dir, qwen2(32, 2)));
        assertTrue(wider.getMessage().contains("adapter for another base") && wider.getMessage().contains("q_proj"),
                wider.getMessage());
        IllegalArgumentException shallower = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.read(dir, qwen2(16, 1)));
        assertTrue(shallower.getMessage().contains("layers.1") && shallower.getMessage().contains("another base"),
                shallower.getMessage());

        Path cfgFile = dir.resolve(PeftAdapter.CONFIG_FILE);
        String json = Files.readString(cfgFile);
        Files.writeString(cfgFile, json.replace("\"k_proj\"", "\"qkv_proj\""));
        IllegalArgumentException module = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.read(dir, qwen2(16, 2)));
        assertTrue(module.getMessage().contains("targetModules") && module.getMessage().contains("qkv_proj"),
                module.getMessage());
        Files.writeString(cfgFile, json.replace("\"use_dora\" : false", "\"use_dora\" : true"));
        IllegalArgumentException dora = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.read(dir, qwen2(16, 2)));
        assertTrue(dora.getMessage().contains("use_dora"), dora.getMessage());
        Files.writeString(cfgFile, json.replace("\"r\" : 4", "\"r\" : 0"));
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapter.read(dir, qwen2(16, 2)));
        assertTrue(rank.getMessage().contains("r = 0"), rank.getMessage());
    }

    @Test
    void mergedExportLoadsAsAPlainModelWithTheSameLogits() throws IOException {
        PolicyConfig cfg = qwen2(16, 2);
        PolicyTransformer p = trained(cfg, new LoraConfig(2, 4, LoraConfig.knownModules(), false, 1));
        Path out = tmp.resolve("merged");
        HfExporter.export(out, p, HfExporter.Options.of(SafetensorsDtype.F32));
        PolicyTransformer merged = HfModel.loadPolicy(out);
        assertEquals(null, merged.lora());
        INDArray want = logits(p);
        double diff = want.sub(logits(merged)).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "merged export vs LoRA graph: " + diff);
        assertTrue(want.amaxNumber().doubleValue() > 0.5);
        assertTrue(LoraMerge.merged(p).get("layer0.attn.q").equalsWithEps(merged.parameters().get("layer0.attn.q"), 1e-6));
    }
}
