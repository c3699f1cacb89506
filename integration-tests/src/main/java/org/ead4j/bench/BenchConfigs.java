package org.ead4j.bench;

import java.util.SplittableRandom;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PositionKind;

/** The policy presets the benchmarks accept by name, and their deterministic inputs. */
public final class BenchConfigs {

    /** The names {@link #byName} accepts. */
    public static final String NAMES = "tiny (V 64, d 128, 2 layers, 4 heads, FFN 512), "
            + "small (V 512, d 512, 6 layers, 8 heads, FFN 2048), micro (V 32, d 16, 2 layers, 2 heads; for tests)";

    private BenchConfigs() {
    }

    /**
     * A preset by name.
     *
     * @param name tiny, small or micro
     * @return the configuration (init seed 0)
     * @throws IllegalArgumentException for another name
     */
    public static PolicyConfig byName(String name) {
        switch (name) {
            case "tiny":
                return PolicyConfig.tiny(64);
            case "small":
                return PolicyConfig.small(512);
            case "micro":
                return new PolicyConfig(32, 16, 2, 2, 32, 64, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 0L);
            default:
                throw new IllegalArgumentException("unknown config '" + name + "'; known: " + NAMES);
        }
    }

    /**
     * Uniformly random token ids.
     *
     * @param rows rows
     * @param length tokens per row
     * @param vocab vocabulary size
     * @param seed seed
     * @return ids [rows][length]
     */
    public static int[][] randomTokens(int rows, int length, int vocab, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] t = new int[rows][length];
        for (int[] row : t) {
            for (int j = 0; j < length; j++) {
                row[j] = rnd.nextInt(vocab);
            }
        }
        return t;
    }

    /**
     * Greedy choice: the first index of the largest logit of one row.
     *
     * @param z logits buffer
     * @param offset start of the row
     * @param vocab row length
     * @return the argmax in [0, vocab)
     */
    public static int argmax(float[] z, int offset, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (z[offset + i] > z[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
