package org.ead4j.samediff.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoder of a LoRA policy runs on the merged weights {@code W + scale (B A)^T}: its logits equal the LoRA
 * graph's to 1e-4 with non-zero B, on the Java kernels and on gemm, and again after an optimiser step on the
 * adapters followed by {@link KvCacheDecoder#syncWeights()} (and differ before the sync, so the check is not vacuous),
 * with all seven projections targeted and with two (the frozen rest is copied on construction only).
 */
class LoraDecoderTest {

    static Stream<PolicyConfig> families() {
        return Stream.of(HuggingFaceDecoderTest.llama(), HuggingFaceDecoderTest.qwen2(), HuggingFaceDecoderTest.qwen3());
    }

    @ParameterizedTest
    @MethodSource("families")
    void decoderEqualsLoraGraphBeforeAndAfterAnUpdate(PolicyConfig cfg) {
        decoderEqualsLoraGraph(cfg, new LoraConfig(4, 8, LoraConfig.knownModules(), false, 11));
        // some projections of the fused q|k|v and gate|up copies merged, the others copied once only
        decoderEqualsLoraGraph(cfg, new LoraConfig(2, 4, List.of("k_proj", "up_proj"), true, 12));
    }

    private static void decoderEqualsLoraGraph(PolicyConfig cfg, LoraConfig lora) {
        PolicyTransformer p = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        SplittableRandom rnd = new SplittableRandom(cfg.initSeed() + 5);
        for (INDArray b : p.parameters().values()) {
            float[] v = new float[(int) b.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.3 * rnd.nextGaussian());
            }
            HostArrays.writeFloats(v, b);
        }
        int[][] prompt = {{1, 2, 3, 4, 5, 6, 7}};
        int t = prompt[0].length;
        for (int gemmMinRows : new int[]{Integer.MAX_VALUE, 1}) {
            try (KvCacheDecoder dec = new KvCacheDecoder(p, new DecoderOptions(1, gemmMinRows, 0))) {
                dec.prefill(prompt, t);
                float[] want = KvCacheDecoderTest.graphLogits(p, prompt)[0][t - 1];
                double diff = KvCacheDecoderTest.maxDiff(dec.logits(), 0, want);
                assertTrue(diff < 1e-4, "decoder vs LoRA graph " + diff);

                Map<String, INDArray> grads = new HashMap<>();
                p.parameters().forEach((n, a) -> grads.put(n, Nd4j.randn(a.dataType(), a.shape())));
                new AdamW(0.05).step(p.parameters(), grads);
                float[] after = KvCacheDecoderTest.graphLogits(p, prompt)[0][t - 1];
                dec.prefill(prompt, t);
                assertTrue(KvCacheDecoderTest.maxDiff(dec.logits(), 0, after) > 1e-3, "stale weights before sync");
                dec.syncWeights();
                dec.prefill(prompt, t);
                double synced = KvCacheDecoderTest.maxDiff(dec.logits(), 0, after);
                assertTrue(synced < 1e-4, "decoder vs LoRA graph after sync " + synced);
            }
        }
    }
}
