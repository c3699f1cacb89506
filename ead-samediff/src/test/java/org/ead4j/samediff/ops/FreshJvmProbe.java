package org.ead4j.samediff.ops;

import java.io.File;
import java.util.Arrays;
import java.util.Map;
import org.ead4j.samediff.ops.loss.PolicyLossOp;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a fresh JVM by {@link SelfRegistrationTest}: builds, or loads, a graph holding
 * {@link EadSampleOp} and {@link PolicyLossOp} and prints its outputs, without calling any ead4j
 * set-up ({@link CustomOps#ensureRegistered()} is never called here).
 */
public final class FreshJvmProbe {

    static final String TOKENS = "tokens";
    static final String LOSS = "loss";

    private FreshJvmProbe() {
    }

    /** A graph of constants: two EAD samples from fixed logits and a policy loss over a 2 x 3 batch. */
    static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.constant(Nd4j.createFromArray(new float[][]{
                {0.1f, 0.5f, -0.3f, 1.2f, 0.0f}, {1.0f, -1.0f, 0.3f, 0.2f, 0.7f}}));
        SDVariable positions = sd.constant(Nd4j.createFromArray(0, 7));
        SDVariable step = sd.constant(Nd4j.scalar(DataType.INT64, 3));
        SDVariable keys = sd.constant(Nd4j.createFromArray(11L, 12L));
        SDVariable[] sample = new EadSampleOp(sd, logits, positions, step, keys,
                new ExploratoryAnnealing(1.2, 0.1, 2, 5, 40000, 10, 1), new SamplerConfig()).outputVariables();
        sample[0].rename(TOKENS);
        double[][] logp = {{-0.5, -1.0, -2.0}, {-0.1, -0.3, -0.9}};
        double[][] old = {{-0.6, -0.9, -2.1}, {-0.2, -0.3, -0.7}};
        SDVariable lp = sd.constant(Nd4j.createFromArray(logp));
        SDVariable o = sd.constant(Nd4j.createFromArray(old));
        SDVariable ent = sd.constant(Nd4j.createFromArray(new double[][]{{1, 1, 1}, {1, 1, 1}}));
        SDVariable adv = sd.constant(Nd4j.createFromArray(new double[][]{{0.5, 0.5, 0.5}, {-1, -1, -1}}));
        SDVariable mask = sd.constant(Nd4j.createFromArray(new double[][]{{1, 1, 0}, {1, 1, 1}}));
        SDVariable key = sd.constant(Nd4j.scalar(5L));
        SDVariable[] loss = new PolicyLossOp(sd, new SDVariable[]{lp, o, o, o, ent, adv, mask, key},
                PolicyLossSpec.builder().clipRatio(0.2, 0.28).build()).outputVariables();
        loss[0].rename(LOSS);
        return sd;
    }

    /** The outputs as one line of text. */
    static String outputs(SameDiff sd) {
        Map<String, INDArray> out = sd.output(Map.of(), TOKENS, LOSS);
        return TOKENS + "=" + Arrays.toString(out.get(TOKENS).toIntVector()) + " " + LOSS + "="
                + out.get(LOSS).getDouble(0);
    }

    /**
     * Entry point.
     *
     * @param args {@code build}, or {@code load FILE}
     * @throws Exception on failure (a non-zero exit)
     */
    public static void main(String[] args) throws Exception {
        SameDiff sd = args[0].equals("load") ? SameDiff.load(new File(args[1]), false) : graph();
        System.out.println("RESULT " + outputs(sd));
    }
}
