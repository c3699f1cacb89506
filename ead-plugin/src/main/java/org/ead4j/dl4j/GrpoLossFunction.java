package org.ead4j.dl4j;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Arrays;
import java.util.Objects;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.ops.loss.PolicyLossKernel;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * GRPO's policy loss for a DL4J output layer: the PPO clipped surrogate with dual clip and optional
 * token-level truncated importance sampling (verl's {@code vanilla} loss, the same formula as
 * {@code org.ead4j.loss.PpoClipLoss}), computed from the layer's logits and a label array in the
 * {@link RlvrLabels} layout. Per row i with sampled action a_i:
 * <pre>
 *   logp_i = log softmax(z_i)[a_i]                      z_i = the output layer's pre-activations
 *   r_i    = exp(logp_i - old_i)
 *   L_i    = w_i * max(-A_i r_i, -A_i clip(r_i, 1 - eps_low, 1 + eps_high)),  min(., -A_i c) if A_i &lt; 0
 *   w_i    = min(exp(old_i - behaviour_i), cap)  (TOKEN)  or 1 (OFF), no gradient
 *   dL_i / dz_i = dL_i / dlogp_i * (onehot(a_i) - softmax(z_i))
 * </pre>
 * DL4J averages the per-row scores over the minibatch, so the network loss is the mean over rows:
 * verl's token-mean when every row is a valid token (masked rows still count in DL4J's
 * denominator; scale advantages to get another normalisation). Use it with
 * {@code Activation.SOFTMAX} (the network outputs probabilities) or {@code Activation.IDENTITY}
 * (the network outputs logits); the loss always reads the pre-activations as logits.
 * The DL4J per-example mask array, when present, multiplies the label mask.
 */
public class GrpoLossFunction implements ILossFunction, Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final long serialVersionUID = 1L;

    /** eps_low. */
    @Config(description = "eps_low: lower clip range; range [0, 1]. verl clip_ratio_low: 0.2.")
    @JsonProperty
    private double clipRatioLow = 0.2;

    /** eps_high. */
    @Config(description = "eps_high: upper clip range; range [0, inf). verl clip_ratio_high: 0.2; DAPO: 0.28.")
    @JsonProperty
    private double clipRatioHigh = 0.2;

    /** Whether the dual clip applies. */
    @Config(description = "Dual clip for negative advantages (bound -A c). verl: on.")
    @JsonProperty
    private boolean dualClip = true;

    /** Dual-clip bound c. */
    @Config(description = "c: dual-clip bound, > 1. verl clip_ratio_c: 3.0.")
    @JsonProperty
    private double clipRatioC = 3.0;

    /** OFF or TOKEN. */
    @Config(description = "Importance sampling for off-policy sampling: OFF or TOKEN (per row). EAD paper recipe: OFF.")
    @JsonProperty
    private ImportanceSamplingLevel importanceSampling = ImportanceSamplingLevel.OFF;

    /** Importance-weight cap. */
    @Config(description = "Truncation cap of the importance weight; range (0, inf). EAD-TIS: 2.0.")
    @JsonProperty
    private double isCap = 2.0;

    /** For OLCUT and Jackson; verl's defaults, no importance sampling. */
    public GrpoLossFunction() {
    }

    /**
     * Creates the loss.
     *
     * @param clipRatioLow eps_low
     * @param clipRatioHigh eps_high
     * @param dualClip whether the dual clip applies
     * @param clipRatioC the dual-clip bound c
     * @param importanceSampling OFF or TOKEN
     * @param isCap the truncation cap of the importance weight
     */
    public GrpoLossFunction(double clipRatioLow, double clipRatioHigh, boolean dualClip, double clipRatioC,
                            ImportanceSamplingLevel importanceSampling, double isCap) {
        this.clipRatioLow = clipRatioLow;
        this.clipRatioHigh = clipRatioHigh;
        this.dualClip = dualClip;
        this.clipRatioC = clipRatioC;
        this.importanceSampling = importanceSampling;
        this.isCap = isCap;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (importanceSampling == ImportanceSamplingLevel.SEQUENCE) {
            throw new PropertyException("GrpoLossFunction", "importanceSampling",
                    "importanceSampling = SEQUENCE is not available: rows are independent actions; use TOKEN or OFF");
        }
        try {
            spec();
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, "GrpoLossFunction", "", e.getMessage());
        }
    }

    /** @return the loss configuration in the form of the SameDiff op's spec */
    public PolicyLossSpec spec() {
        return PolicyLossSpec.builder().mode(PolicyLossMode.VANILLA).clipRatio(clipRatioLow, clipRatioHigh)
                .dualClip(dualClip, clipRatioC).importanceSampling(importanceSampling, isCap).build();
    }

    /** Per-row terms of one evaluation. */
    private static final class Rows {
        int n;
        int v;
        int[] actions;
        double[] probs;          // [n * v] softmax(z)
        PolicyLossKernel.Result result;
    }

    private Rows evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!(activationFn instanceof ActivationSoftmax || activationFn instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("GrpoLossFunction reads the output layer's pre-activations as logits: "
                    + "use Activation.SOFTMAX or Activation.IDENTITY, not " + activationFn);
        }
        if (preOutput.rank() != 2 || labels.rank() != 2 || labels.size(0) != preOutput.size(0)
                || labels.size(1) != RlvrLabels.WIDTH) {
            throw new IllegalArgumentException("GrpoLossFunction expects logits [N, V] and labels [N, " + RlvrLabels.WIDTH
                    + "] (action, advantage, old logp, behaviour logp, mask; see RlvrLabels); got logits "
                    + Arrays.toString(preOutput.shape()) + " and labels " + Arrays.toString(labels.shape()));
        }
        Rows rows = new Rows();
        rows.n = (int) preOutput.size(0);
        rows.v = (int) preOutput.size(1);
        double[] z = doubles(preOutput);
        double[] lab = doubles(labels);
        double[] rowMask = mask == null ? null : doubles(mask);
        if (rowMask != null && rowMask.length != rows.n) {
            throw new IllegalArgumentException("GrpoLossFunction supports per-example masks [N, 1] only; got mask "
                    + Arrays.toString(mask.shape()));
        }
        int n = rows.n;
        int v = rows.v;
        rows.actions = new int[n];
        rows.probs = new double[n * v];
        double[] logp = new double[n];
        double[] old = new double[n];
        double[] beh = new double[n];
        double[] adv = new double[n];
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            int base = i * RlvrLabels.WIDTH;
            double a = lab[base + RlvrLabels.ACTION];
            if (a != Math.rint(a) || a < 0 || a >= v) {
                throw new IllegalArgumentException("label row " + i + ": action " + a + " is not an integer in [0, "
                        + v + ")");
            }
            rows.actions[i] = (int) a;
            adv[i] = lab[base + RlvrLabels.ADVANTAGE];
            old[i] = lab[base + RlvrLabels.OLD_LOGP];
            beh[i] = lab[base + RlvrLabels.BEHAVIOUR_LOGP];
            m[i] = lab[base + RlvrLabels.MASK] * (rowMask == null ? 1 : rowMask[i]);
            // log-softmax in double, max-shifted
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, z[i * v + k]);
            }
            double sum = 0;
            for (int k = 0; k < v; k++) {
                double e = Math.exp(z[i * v + k] - max);
                rows.probs[i * v + k] = e;
                sum += e;
            }
            for (int k = 0; k < v; k++) {
                rows.probs[i * v + k] /= sum;
            }
            logp[i] = z[i * v + rows.actions[i]] - max - Math.log(sum);
        }
        // one row = one token of a [N, 1] batch; the kernel's per-token terms are the per-row scores
        double[] zeros = new double[n];
        rows.result = PolicyLossKernel.compute(spec(),
                new PolicyLossKernel.Inputs(n, 1, logp, old, beh, logp, zeros, adv, m, 0L));
        return rows;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Rows rows = evaluate(labels, preOutput, activationFn, mask);
        return Nd4j.createFromArray(rows.result.tokenPg()).reshape(rows.n, 1).castTo(preOutput.dataType());
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return score(evaluate(labels, preOutput, activationFn, mask), average);
    }

    private static double score(Rows rows, boolean average) {
        double s = 0;
        for (double x : rows.result.tokenPg()) {
            s += x;
        }
        return average && rows.n > 0 ? s / rows.n : s;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return gradient(evaluate(labels, preOutput, activationFn, mask), preOutput.dataType());
    }

    private static INDArray gradient(Rows rows, DataType dataType) {
        int n = rows.n;
        int v = rows.v;
        double[] dLogp = rows.result.tokenPgGrad();
        double[] g = new double[n * v];
        for (int i = 0; i < n; i++) {
            if (dLogp[i] == 0) {
                continue;
            }
            for (int k = 0; k < v; k++) {
                double onehot = k == rows.actions[i] ? 1 : 0;
                g[i * v + k] = dLogp[i] * (onehot - rows.probs[i * v + k]);   // d log softmax(z)[a] / dz_k
            }
        }
        return Nd4j.createFromArray(g).reshape(n, v).castTo(dataType);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        Rows rows = evaluate(labels, preOutput, activationFn, mask);
        return new Pair<>(score(rows, average), gradient(rows, preOutput.dataType()));
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    @Override
    public String name() {
        return "GrpoLossFunction";
    }

    @Override
    @JsonIgnore
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "ILossFunction");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GrpoLossFunction)) {
            return false;
        }
        GrpoLossFunction f = (GrpoLossFunction) o;
        return clipRatioLow == f.clipRatioLow && clipRatioHigh == f.clipRatioHigh && dualClip == f.dualClip
                && clipRatioC == f.clipRatioC && importanceSampling == f.importanceSampling && isCap == f.isCap;
    }

    @Override
    public int hashCode() {
        return Objects.hash(clipRatioLow, clipRatioHigh, dualClip, clipRatioC, importanceSampling, isCap);
    }

    @Override
    public String toString() {
        return "GrpoLossFunction(clip=[" + clipRatioLow + ", " + clipRatioHigh + "], dualClip=" + dualClip + " c="
                + clipRatioC + ", importanceSampling=" + importanceSampling + " cap=" + isCap + ")";
    }
}
