package org.ead4j.samediff.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelInfoTest {

    @TempDir
    Path tmp;

    @Test
    void summarisesARandomModelFromItsHeaders() throws IOException {
        RandomHfModel.Spec spec = RandomHfModel.Spec.small(Architecture.QWEN3, 4);
        Path dir = tmp.resolve("m");
        RandomHfModel.write(dir, spec, SafetensorsDtype.BF16, null, 0, List.of(1, 2));
        ModelInfo info = ModelInfo.of(dir);
        PolicyConfig pc = spec.policyConfig();
        // tied Qwen3, hidden 64, 2 layers, 4 heads / 2 kv of dim 32, FFN 128, vocabulary 256, by hand:
        // embed 256*64; per layer: norms 2*64, q 64*128, k,v 2*64*64, q/k norms 2*32, o 128*64, MLP 3*64*128; final 64
        long perLayer = 2 * 64 + 64 * 128 + 2 * 64 * 64 + 2 * 32 + 128 * 64 + 3 * 64 * 128;
        long expected = 256 * 64 + 2 * perLayer + 64;
        assertEquals(expected, info.parameters());
        assertEquals(WeightLayout.parameterCount(pc), info.parameters());
        assertEquals("bfloat16", info.dtype());
        assertEquals(Files.size(dir.resolve("model.safetensors")), info.fileBytes());
        assertTrue(info.fileBytes() > 2 * expected);

        // decode B=2, T=100: weights + KV cache 2*L*kv*dh*B*T + one step's activations B*(V + 3D + 2F + H*T), in floats
        long kv = 2L * 2 * 2 * 32 * 2 * 100;
        long act = 2L * (256 + 3 * 64 + 2 * 128 + 4 * 100);
        assertEquals(4 * expected + 4 * (kv + act), info.decodeBytes(2, 100));
        assertTrue(info.trainingStepBytes(2, 100) > 16 * expected);

        ObjectNode json = info.toJson(2, 100);
        assertEquals(expected, json.get("parameters").asLong());
        assertEquals("Qwen3ForCausalLM", json.get("architecture").asText());
        assertEquals(256, json.get("vocab_size").asInt());
        assertEquals(512, json.get("context").asInt());
        assertEquals("[1,2]", json.get("eos_token_ids").toString());
        assertEquals(info.decodeBytes(2, 100), json.get("memory_bytes").get("decode").asLong());
        assertTrue(String.join("\n", info.toLines(2, 100)).contains("parameters    " + expected));
    }

    @Test
    void randomModelsAreSeeded() {
        PolicyConfig a = RandomHfModel.Spec.small(Architecture.LLAMA, 1).policyConfig();
        PolicyConfig b = RandomHfModel.Spec.small(Architecture.LLAMA, 2).policyConfig();
        Map<String, INDArray> wa = RandomHfModel.weights(a);
        assertEquals(wa.get("tok_emb"), RandomHfModel.weights(a).get("tok_emb"));
        assertTrue(!wa.get("tok_emb").equals(RandomHfModel.weights(b).get("tok_emb")));
        PolicyConfig big = RandomHfModel.Spec.qwen25_05b(0).policyConfig();
        assertEquals(494032768L, WeightLayout.parameterCount(big)); // Qwen2.5-0.5B's published count
    }
}
