package org.ead4j.samediff.ops;

import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.sampling.TokenSampler;
import org.ead4j.samediff.schedule.ConstantTemperature;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.ead4j.samediff.schedule.ReverseAnnealing;
import org.ead4j.samediff.schedule.TemperatureSchedule;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * EAD sampling as a SameDiff op: the {@link TokenSampler} kernel with the temperature from a
 * schedule, for use inside graphs ({@code sd.output()}), surviving {@code sd.save}/{@code SameDiff.load}.
 *
 * <p>Inputs: {@code logits} FLOAT [B, V]; {@code positions} integer [B] (0-based response position
 * t of each row); {@code step} integer scalar (global RL step s); {@code keys} INT64 [B] (per-row
 * random stream, {@link RandomStreams#key}). Row r draws uniform {@code RandomStreams.uniform(keys[r],
 * positions[r])}, exactly as the Java decoder does, so both give the same tokens.
 * Outputs: tokens INT32 [B], behaviour log-prob FLOAT [B] (at tau_t after truncation), target
 * log-prob FLOAT [B] (tau = 1), tau_t FLOAT [B].
 *
 * <p>The schedule and truncation are op arguments (they must survive the FlatBuffers clone, which
 * drops Java fields): iArgs [kind, warmup, topK], tArgs [tauMax, tauMin, d0, alpha, dMax,
 * positionScale, topP, minP]; kind 0 = exploratory annealing, 1 = constant (tau = tArg 0),
 * 2 = reverse annealing. Sampling is not differentiable: {@link #doDiff} throws, and graphs should
 * not route a loss through the sampled tokens.
 */
public class EadSampleOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_ead_sample";

    private static final int KIND_EAD = 0;
    private static final int KIND_CONSTANT = 1;
    private static final int KIND_REVERSE = 2;

    /** For deserialisation and registration. */
    public EadSampleOp() {
    }

    /**
     * Adds the op to a graph.
     *
     * @param sd the graph
     * @param logits FLOAT [B, V]
     * @param positions integer [B]
     * @param step integer scalar
     * @param keys INT64 [B]
     * @param schedule the temperature schedule (exploratory, constant or reverse annealing)
     * @param sampler truncation settings
     */
    public EadSampleOp(SameDiff sd, SDVariable logits, SDVariable positions, SDVariable step, SDVariable keys,
                       TemperatureSchedule schedule, SamplerConfig sampler) {
        super(sd, logits, positions, step, keys);
        encode(schedule, sampler);
    }

    /**
     * Creates the op for eager execution ({@code Nd4j.exec(op)}), outputs allocated by the caller.
     *
     * @param inputs logits, positions, step, keys
     * @param outputs tokens, behaviour log-prob, target log-prob, tau
     * @param schedule the temperature schedule
     * @param sampler truncation settings
     */
    public EadSampleOp(INDArray[] inputs, INDArray[] outputs, TemperatureSchedule schedule, SamplerConfig sampler) {
        super(inputs, outputs);
        encode(schedule, sampler);
    }

    private void encode(TemperatureSchedule schedule, SamplerConfig sampler) {
        double[] t = new double[8];
        int kind;
        int warmup;
        if (schedule instanceof ExploratoryAnnealing) {
            ExploratoryAnnealing e = (ExploratoryAnnealing) schedule;
            kind = KIND_EAD;
            warmup = e.warmup();
            t = new double[]{e.tauMax(), e.tauMin(), e.d0(), e.alpha(), e.dMax(), e.positionScale(), 0, 0};
        } else if (schedule instanceof ReverseAnnealing) {
            ReverseAnnealing e = (ReverseAnnealing) schedule;
            kind = KIND_REVERSE;
            warmup = e.warmup();
            t = new double[]{e.tauMax(), e.tauMin(), e.d0(), e.alpha(), e.dMax(), e.positionScale(), 0, 0};
        } else if (schedule instanceof ConstantTemperature) {
            kind = KIND_CONSTANT;
            warmup = 0;
            t[0] = ((ConstantTemperature) schedule).tau();
        } else {
            throw new IllegalArgumentException("EadSampleOp supports ExploratoryAnnealing, ReverseAnnealing and "
                    + "ConstantTemperature; got " + schedule.getClass().getName());
        }
        t[6] = sampler.topP();
        t[7] = sampler.minP();
        addIArgument(kind, warmup, sampler.topK());
        addTArgument(t);
    }

    /** Rebuilds the schedule from the op arguments. */
    TemperatureSchedule schedule() {
        long[] i = iArgs();
        double[] t = tArgs();
        switch ((int) i[0]) {
            case KIND_EAD:
                return new ExploratoryAnnealing(t[0], t[1], t[2], t[3], t[4], (int) i[1], t[5]);
            case KIND_REVERSE:
                return new ReverseAnnealing(t[0], t[1], t[2], t[3], t[4], (int) i[1], t[5]);
            case KIND_CONSTANT:
                return new ConstantTemperature(t[0]);
            default:
                throw new IllegalStateException(OP_NAME + ": unknown schedule kind " + i[0]);
        }
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public int getNumOutputs() {
        return 4;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(DataType.INT32, DataType.FLOAT, DataType.FLOAT, DataType.FLOAT);
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        long b = input(ctx, 0).size(0);
        return List.of(LongShapeDescriptor.fromShape(new long[]{b}, DataType.INT32),
                LongShapeDescriptor.fromShape(new long[]{b}, DataType.FLOAT),
                LongShapeDescriptor.fromShape(new long[]{b}, DataType.FLOAT),
                LongShapeDescriptor.fromShape(new long[]{b}, DataType.FLOAT));
    }

    @Override
    public void execJava(OpContext ctx) {
        INDArray logits = input(ctx, 0);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(OP_NAME + ": logits must be [B, V], got shape "
                    + java.util.Arrays.toString(logits.shape()));
        }
        int b = (int) logits.size(0);
        int v = (int) logits.size(1);
        int[] positions = HostArrays.toInts(input(ctx, 1));
        long step = input(ctx, 2).getLong(0);
        long[] keys = HostArrays.toLongs(input(ctx, 3));
        if (positions.length != b || keys.length != b) {
            throw new IllegalArgumentException(OP_NAME + ": positions [" + positions.length + "] and keys ["
                    + keys.length + "] must both have B = " + b + " entries");
        }
        long[] i = iArgs();
        double[] t = tArgs();
        TemperatureSchedule schedule = schedule();
        TokenSampler sampler = new TokenSampler(new SamplerConfig((int) i[2], t[6], t[7]));
        float[] z = HostArrays.toFloats(logits);
        float[] tau = new float[b];
        double[] u = new double[b];
        for (int r = 0; r < b; r++) {
            if (positions[r] < 0) {
                throw new IllegalArgumentException(OP_NAME + ": row " + r + " has negative position " + positions[r]);
            }
            tau[r] = (float) schedule.temperature(positions[r], step);
            u[r] = RandomStreams.uniform(keys[r], positions[r]);
        }
        int[] tokens = new int[b];
        float[] behaviour = new float[b];
        float[] target = new float[b];
        sampler.sample(z, b, v, tau, u, tokens, behaviour, target);
        INDArray outTokens = output(ctx, 0);
        for (int r = 0; r < b; r++) {
            outTokens.putScalar(r, tokens[r]);
        }
        HostArrays.writeFloats(behaviour, output(ctx, 1));
        HostArrays.writeFloats(target, output(ctx, 2));
        HostArrays.writeFloats(tau, output(ctx, 3));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        throw new UnsupportedOperationException(OP_NAME + " samples tokens and has no gradient; "
                + "compute log-probs for the loss with the policy graph instead");
    }
}
