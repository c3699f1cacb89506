package org.ead4j.samediff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.sampling.TokenSampler;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.SchedulePreset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EadSampleOpTest {

    private static final int B = 6;
    private static final int V = 11;

    @BeforeAll
    static void register() {
        CustomOps.ensureRegistered();
    }

    private static SameDiff graph(ExploratoryAnnealing schedule, SamplerConfig cfg) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.placeHolder("logits", DataType.FLOAT, -1, V);
        SDVariable positions = sd.placeHolder("positions", DataType.INT32, -1);
        SDVariable step = sd.placeHolder("step", DataType.INT64);
        SDVariable keys = sd.placeHolder("keys", DataType.INT64, -1);
        SDVariable[] out = new EadSampleOp(sd, logits, positions, step, keys, schedule, cfg).outputVariables();
        out[0].rename("tokens");
        out[1].rename("behaviour");
        out[2].rename("target");
        out[3].rename("tau");
        return sd;
    }

    @Test
    void opMatchesJavaKernelInGraphAndAfterSaveLoad(@TempDir Path dir) throws Exception {
        ExploratoryAnnealing schedule = SchedulePreset.RELEASED_CODE.create();
        SamplerConfig cfg = new SamplerConfig(5, 0.9, 0.0);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] z = new float[B * V];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rnd.nextGaussian() * 2);
        }
        int[] pos = {0, 9, 10, 50, 200, 900};
        long step = 3;
        long[] keys = new long[B];
        for (int r = 0; r < B; r++) {
            keys[r] = RandomStreams.key(42, step, r, 2 * r);
        }
        Map<String, INDArray> ph = Map.of(
                "logits", Nd4j.createFromArray(z).reshape(B, V),
                "positions", Nd4j.createFromArray(pos),
                "step", Nd4j.scalar(step),
                "keys", Nd4j.createFromArray(keys));

        // reference: the Java kernel
        int[] tokens = new int[B];
        float[] beh = new float[B];
        float[] tgt = new float[B];
        float[] tau = new float[B];
        double[] u = new double[B];
        for (int r = 0; r < B; r++) {
            tau[r] = (float) schedule.temperature(pos[r], step);
            u[r] = RandomStreams.uniform(keys[r], pos[r]);
        }
        new TokenSampler(cfg).sample(z, B, V, tau, u, tokens, beh, tgt);

        SameDiff sd = graph(schedule, cfg);
        Map<String, INDArray> out = sd.output(ph, "tokens", "behaviour", "target", "tau");
        assertArrayEquals(tokens, out.get("tokens").toIntVector());
        assertArrayEquals(beh, HostArrays.toFloats(out.get("behaviour")), 0f);
        assertArrayEquals(tgt, HostArrays.toFloats(out.get("target")), 0f);
        assertArrayEquals(tau, HostArrays.toFloats(out.get("tau")), 0f);
        assertEquals(1.0f, tau[1], 0f);                 // warm-up
        assertEquals(1.18742f, tau[2], 1e-5f);          // t = 10, step 3: d_s = 25 + 5*3 = 40; 2.2 - exp(10 / (20 * 40))

        File f = dir.resolve("g.fb").toFile();
        sd.save(f, false);
        SameDiff loaded = SameDiff.load(f, false);
        Map<String, INDArray> out2 = loaded.output(ph, "tokens", "behaviour", "target", "tau");
        assertArrayEquals(tokens, out2.get("tokens").toIntVector());
        assertArrayEquals(beh, HostArrays.toFloats(out2.get("behaviour")), 0f);
    }
}
