package org.ead4j.samediff.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.LoraConfig;
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
 * A LoRA policy's checkpoint: base and adapters restore bit-identically, the LoRA settings come back, Adam moments
 * exist for the adapters only, and a step after the load equals the step without the save/load.
 */
class LoraCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void loraPolicyAndAdapterMomentsRoundTripAndResumeIdentically() throws IOException {
        Map<String, String> p = new PolicyConfig(19, 16, 4, 2, 24, 16, NormKind.RMS_NORM, PositionKind.ROTARY, true, 2)
                .toProperties();
        p.put("architecture", Architecture.LLAMA.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("numKvHeads", "2");
        PolicyConfig cfg = PolicyConfig.fromProperties(p);
        LoraConfig lora = new LoraConfig(4, 8, List.of("q_proj", "v_proj", "up_proj"), false, 3);
        PolicyTransformer policy = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        AdamW opt = new AdamW(0.01);
        Nd4j.getRandom().setSeed(5);
        Map<String, INDArray> g1 = grads(policy);
        Map<String, INDArray> g2 = grads(policy);
        opt.step(policy.parameters(), g1);
        assertEquals(lora.shapes(cfg).keySet(), opt.firstMoments().keySet(), "Adam state for the adapters only");

        PolicyCheckpoint.save(tmp, policy, opt);
        assertTrue(Files.exists(tmp.resolve(PolicyCheckpoint.LORA_FILE)));
        PolicyCheckpoint.Loaded back = PolicyCheckpoint.load(tmp, cfg);
        assertEquals(lora, back.policy().lora());
        assertEquals(policy.weightsSha256(), back.policy().weightsSha256());
        assertEquals(policy.frozenParameters().keySet(), back.policy().frozenParameters().keySet());

        opt.step(policy.parameters(), g2);
        back.optimizer().step(back.policy().parameters(), g2);
        assertEquals(policy.weightsSha256(), back.policy().weightsSha256(), "resume bit-identical");

        // saving a plain policy into the same folder drops the LoRA file
        PolicyCheckpoint.save(tmp, new PolicyTransformer(cfg), null);
        assertNull(PolicyCheckpoint.load(tmp).policy().lora());
    }

    private static Map<String, INDArray> grads(PolicyTransformer p) {
        Map<String, INDArray> g = new HashMap<>();
        p.parameters().forEach((n, a) -> g.put(n, Nd4j.randn(a.dataType(), a.shape())));
        return g;
    }
}
