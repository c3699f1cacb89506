package org.ead4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.WeightLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token's projections cost two FLOPs per matrix weight it is multiplied with: every 2-D parameter except the
 * embedding table (a lookup), plus the embedding again when it is the tied output head.
 */
class PolicyFlopsTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "qwen2.5-0.5b", "llama3.2-1b", "llama-micro", "qwen3-micro"})
    void projectionsAreTwiceTheMatrixWeights(String name) {
        PolicyConfig c = BenchConfigs.byName(name);
        double weights = 0;
        for (Map.Entry<String, long[]> e : WeightLayout.shapes(c).entrySet()) {
            long[] s = e.getValue();
            boolean table = e.getKey().equals(WeightLayout.TOKEN_EMBEDDING) || e.getKey().equals(WeightLayout.POSITION_EMBEDDING);
            if (s.length == 2 && (!table || (c.tiedEmbeddings() && e.getKey().equals(WeightLayout.TOKEN_EMBEDDING)))) {
                weights += (double) s[0] * s[1];
            }
        }
        assertEquals(2 * weights, PolicyFlops.projections(c), 1e-6 * weights);
    }

    @org.junit.jupiter.api.Test
    void qwenHalfBillionCostsAboutOneGflopPerToken() {
        // 24 x (896 x 896 x 2 + 896 x 128 x 2 + 3 x 896 x 4864) + 896 x 151936 = 493,961,216 multiply-adds
        assertEquals(2 * 493_961_216.0, PolicyFlops.projections(BenchConfigs.byName("qwen2.5-0.5b")), 0);
        // attention over 100 keys: q k^T and a v for 14 heads of 64 in 24 layers
        assertEquals(2 * 2 * 24 * 14 * 64 * 100.0, PolicyFlops.attention(BenchConfigs.byName("qwen2.5-0.5b"), 100), 0);
    }
}
