package org.ead4j.samediff.policy;

import java.util.SplittableRandom;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * Deterministic initial values of the policy's parameters (GPT-2 scheme, as in nanoGPT's
 * {@code _init_weights}): matrices and embeddings normal(0, initStd); the residual output projections
 * ({@code attn.out}, {@code mlp.down}) normal(0, initStd / sqrt(2 * numLayers)) ("special scaled init,
 * per GPT-2 paper"); norm gains 1, norm biases 0.
 *
 * <p>Each parameter draws from its own stream keyed by (initSeed, name), so the values of one parameter do
 * not depend on which other parameters a configuration has. Same configuration = same bits.
 */
public final class WeightInit {

    private WeightInit() {
    }

    /**
     * The initial values of one parameter, C order.
     *
     * @param c the configuration
     * @param name the parameter name ({@link WeightLayout})
     * @param length the number of elements
     * @return the values (float precision)
     */
    public static float[] values(PolicyConfig c, String name, int length) {
        float[] out = new float[length];
        if (name.endsWith(".gain")) {
            java.util.Arrays.fill(out, 1f);
            return out;
        }
        if (name.endsWith(".bias")) {
            return out;
        }
        double std = c.initStd();
        if (name.endsWith(".attn.out") || name.endsWith(".mlp.down")) {
            std /= Math.sqrt(2.0 * c.numLayers());
        }
        SplittableRandom rnd = new SplittableRandom(RandomStreams.derive(c.initSeed(), name.hashCode()));
        for (int i = 0; i < length; i++) {
            out[i] = (float) (rnd.nextGaussian() * std);
        }
        return out;
    }
}
