package org.ead4j.samediff.decode;

import java.util.List;
import java.util.Map;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.LoraMerge;
import org.ead4j.samediff.policy.MlpKind;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Timing (not a test) of {@link KvCacheDecoder#syncWeights()} for a LoRA policy in the Qwen2.5-0.5B block shape
 * (hidden 896, 14 query / 2 key-value heads, FFN 4864, tied head), r 16 on all seven projections: the merge alone
 * ({@code W + scale (B A)^T} for every targeted matrix) and the whole sync (merge + copy into the decoder).
 * Arguments: {@code layers vocab} (default 2 and 151936); per-layer costs scale linearly with the layer count.
 */
public final class LoraSyncTimings {

    private LoraSyncTimings() {
    }

    /**
     * Entry point.
     *
     * @param args layers, vocabulary size
     */
    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int vocab = args.length > 1 ? Integer.parseInt(args[1]) : 151936;
        Map<String, String> p = new PolicyConfig(vocab, 896, 14, layers, 4864, 1024, NormKind.RMS_NORM,
                PositionKind.ROTARY, true, 1).toProperties();
        p.put("architecture", Architecture.QWEN2.name());
        p.put("mlp", MlpKind.SWIGLU.name());
        p.put("numKvHeads", "2");
        p.put("qkvBias", "true");
        PolicyConfig cfg = PolicyConfig.fromProperties(p);
        LoraConfig lora = new LoraConfig(16, 32, LoraConfig.knownModules(), false, 1);
        PolicyTransformer policy = new PolicyTransformer(cfg, lora, DataType.FLOAT);
        for (INDArray b : policy.parameters().values()) {
            b.assign(0.01);
        }
        LoraMerge.Live live = LoraMerge.live(policy);
        try (KvCacheDecoder dec = new KvCacheDecoder(policy)) {
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                live.refresh();
                long t1 = System.nanoTime();
                dec.syncWeights();
                long t2 = System.nanoTime();
                System.out.printf("layers %d vocab %d: merge %.1f ms, syncWeights (merge + copy) %.1f ms%n",
                        layers, vocab, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
        }
        System.out.println("adapter parameters: " + lora.shapes(cfg).values().stream()
                .mapToLong(s -> s[0] * s[1]).sum() + " (" + List.of(lora.targetModules()) + ")");
    }
}
