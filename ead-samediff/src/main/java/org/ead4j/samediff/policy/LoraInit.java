package org.ead4j.samediff.policy;

import java.util.SplittableRandom;
import org.ead4j.samediff.sampling.RandomStreams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Initial adapter values, as PEFT's default {@code init_lora_weights=True}: {@code lora_A} from
 * {@code kaiming_uniform_(a = sqrt(5))}, whose bound is {@code gain * sqrt(3 / fan_in)} with
 * {@code gain = sqrt(2 / (1 + a^2)) = sqrt(1/3)}, i.e. uniform in {@code [-1/sqrt(in), 1/sqrt(in))};
 * {@code lora_B} zeros. Each A draws from its own stream keyed by (initSeed, name), so adding a target module
 * does not change the others.
 */
final class LoraInit {

    private LoraInit() {
    }

    static INDArray initial(LoraConfig lora, String name, long[] shape, DataType floatType) {
        int n = (int) (shape[0] * shape[1]);
        float[] v = new float[n];
        if (name.endsWith(".lora_A")) {
            double bound = 1.0 / Math.sqrt(shape[1]);
            SplittableRandom rnd = new SplittableRandom(RandomStreams.derive(lora.initSeed(), name.hashCode()));
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
            }
        }
        INDArray a = Nd4j.create(v, shape, 'c');
        return floatType == DataType.FLOAT ? a : a.castTo(floatType);
    }
}
