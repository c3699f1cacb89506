package org.ead4j.samediff.policy;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.samediff.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam with decoupled weight decay (AdamW; Loshchilov and Hutter 2019, arXiv:1711.05101, Algorithm 2) and
 * global gradient-norm clipping, updating FLOAT parameters in place.
 *
 * <p>The arithmetic follows PyTorch's {@code torch.optim.AdamW} (single-tensor path) step by step, with
 * float32 moments: {@code p *= 1 - lr*wd; m += (1-b1)(g - m); v = b2 v + (1-b2) g^2;
 * p -= (lr / (1-b1^t)) * m / (sqrt(v) / sqrt(1-b2^t) + eps)}. Clipping follows
 * {@code torch.nn.utils.clip_grad_norm_}: every gradient is scaled by {@code min(1, clip / (norm + 1e-6))},
 * where norm is the L2 norm over all gradients (accumulated in double, in parameter order).
 * Weight decay applies to matrices and embeddings (rank &gt;= 2) and not to norm gains or biases (nanoGPT's
 * {@code configure_optimizers} grouping).
 *
 * <p>Deterministic: a pure function of the parameters, gradients and state, on any thread count.
 * The moments and step count ({@link #stepCount()}, {@link #firstMoments()}, {@link #secondMoments()}) are
 * the state a checkpoint must keep; {@link #restoreState} puts them back. Not thread-safe.
 */
public class AdamW implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final String NAME = "AdamW";
    /** Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does. */
    private static final double CLIP_NORM_EPS = 1e-6;

    @Config(description = "Learning rate used by step(params, grads). Default 1e-3 (PyTorch Adam default); "
            + "verl's actor default 1e-6 is for billion-parameter models.")
    private double learningRate = 1e-3;

    @Config(description = "Decay rate of the first moment (beta1). Paper / PyTorch default: 0.9.")
    private double beta1 = 0.9;

    @Config(description = "Decay rate of the second moment (beta2). Paper / PyTorch default: 0.999.")
    private double beta2 = 0.999;

    @Config(description = "Epsilon added to the denominator. Paper / PyTorch default: 1e-8.")
    private double epsilon = 1e-8;

    @Config(description = "Decoupled weight decay lambda, applied as p *= 1 - lr * lambda to rank >= 2 parameters. "
            + "Default 0 (verl actor default: 0.01).")
    private double weightDecay = 0.0;

    @Config(description = "Clip the global L2 gradient norm to this value; 0 = off. verl default (grad_clip): 1.0.")
    private double gradClipNorm = 1.0;

    private long stepCount;
    private final Map<String, float[]> firstMoments = new LinkedHashMap<>();
    private final Map<String, float[]> secondMoments = new LinkedHashMap<>();
    private float[] gradScratch = new float[0];
    private float[] paramScratch = new float[0];

    /** For OLCUT; defaults. */
    public AdamW() {
    }

    /**
     * Creates an optimiser with the other settings at their defaults.
     *
     * @param learningRate the learning rate
     */
    public AdamW(double learningRate) {
        this.learningRate = learningRate;
        postConfig();
    }

    /**
     * Creates an optimiser.
     *
     * @param learningRate the learning rate
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param epsilon denominator epsilon
     * @param weightDecay decoupled weight decay
     * @param gradClipNorm global norm clip, 0 = off
     */
    public AdamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, double gradClipNorm) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.gradClipNorm = gradClipNorm;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new PropertyException(NAME, "learningRate", "learningRate = " + learningRate + " is invalid: must be finite and >= 0");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new PropertyException(NAME, "beta1", "beta1 = " + beta1 + " is invalid: must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new PropertyException(NAME, "beta2", "beta2 = " + beta2 + " is invalid: must be in [0, 1)");
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new PropertyException(NAME, "epsilon", "epsilon = " + epsilon + " is invalid: must be finite and > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new PropertyException(NAME, "weightDecay", "weightDecay = " + weightDecay + " is invalid: must be finite and >= 0");
        }
        if (!(gradClipNorm >= 0) || Double.isInfinite(gradClipNorm)) {
            throw new PropertyException(NAME, "gradClipNorm", "gradClipNorm = " + gradClipNorm
                    + " is invalid: must be finite and >= 0 (0 = off)");
        }
    }

    /**
     * One update at the configured learning rate.
     *
     * @param params parameter name to live FLOAT array (updated in place)
     * @param grads parameter name to gradient of the same shape
     * @return the global gradient L2 norm before clipping
     */
    public double step(Map<String, INDArray> params, Map<String, INDArray> grads) {
        return step(params, grads, learningRate);
    }

    /**
     * One update at learning rate {@code lr} (for schedules), in place.
     *
     * @param params parameter name to live FLOAT array (updated in place, iteration order = update order)
     * @param grads parameter name to gradient of the same shape
     * @param lr the learning rate of this step
     * @return the global gradient L2 norm before clipping
     * @throws IllegalArgumentException if a gradient is missing, has another shape, or is not finite
     */
    public double step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate " + lr + " is invalid: must be finite and >= 0");
        }
        // pass 1: check shapes and compute the global norm
        double sumSq = 0;
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray p = e.getValue();
            INDArray g = grads.get(e.getKey());
            if (g == null) {
                throw new IllegalArgumentException("no gradient for parameter " + e.getKey() + "; gradients given for "
                        + grads.keySet());
            }
            if (!Arrays.equals(p.shape(), g.shape())) {
                throw new IllegalArgumentException("gradient of " + e.getKey() + " has shape " + Arrays.toString(g.shape())
                        + " but the parameter has shape " + Arrays.toString(p.shape()));
            }
            if (p.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("AdamW updates FLOAT parameters; " + e.getKey() + " is " + p.dataType());
            }
            float[] gv = readGrad(g);
            int n = (int) g.length();
            for (int i = 0; i < n; i++) {
                sumSq += (double) gv[i] * gv[i];
            }
        }
        double norm = Math.sqrt(sumSq);
        if (Double.isNaN(norm) || Double.isInfinite(norm)) {
            throw new IllegalArgumentException("gradient norm is " + norm + ": the loss produced non-finite gradients; "
                    + "no parameter was changed");
        }
        float clip = 1f;
        if (gradClipNorm > 0) {
            clip = (float) Math.min(1.0, gradClipNorm / (norm + CLIP_NORM_EPS));
        }

        // pass 2: the AdamW update, parameter by parameter
        stepCount++;
        double bc1 = 1 - StrictMath.pow(beta1, stepCount);
        double bc2Sqrt = Math.sqrt(1 - StrictMath.pow(beta2, stepCount));
        float stepSize = (float) (lr / bc1);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float bc2 = (float) bc2Sqrt;
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            int n = (int) p.length();
            float[] g = readGrad(grads.get(name));
            float[] m = firstMoments.computeIfAbsent(name, k -> new float[n]);
            float[] v = secondMoments.computeIfAbsent(name, k -> new float[n]);
            if (m.length != n) {
                throw new IllegalArgumentException("parameter " + name + " has " + n + " elements but the optimiser state has "
                        + m.length);
            }
            float[] pv = paramScratch(n);
            HostArrays.readFloats(p, pv);
            float decay = p.rank() >= 2 ? (float) (1 - lr * weightDecay) : 1f;
            for (int i = 0; i < n; i++) {
                float gi = g[i] * clip;
                float pi = pv[i] * decay;
                m[i] += oneMinusB1 * (gi - m[i]);
                v[i] = b2 * v[i] + oneMinusB2 * gi * gi;
                float denom = (float) Math.sqrt(v[i]) / bc2 + eps;
                pv[i] = pi - stepSize * (m[i] / denom);
            }
            HostArrays.writeFloats(pv, p);
        }
        return norm;
    }

    private float[] readGrad(INDArray g) {
        int n = (int) g.length();
        if (gradScratch.length < n) {
            gradScratch = new float[n];
        }
        HostArrays.readFloats(g.dataType() == DataType.FLOAT ? g : g.castTo(DataType.FLOAT), gradScratch);
        return gradScratch;
    }

    private float[] paramScratch(int n) {
        if (paramScratch.length < n) {
            paramScratch = new float[n];
        }
        return paramScratch;
    }

    /** @return the configured learning rate */
    public double learningRate() {
        return learningRate;
    }

    /** @return beta1 */
    public double beta1() {
        return beta1;
    }

    /** @return beta2 */
    public double beta2() {
        return beta2;
    }

    /** @return epsilon */
    public double epsilon() {
        return epsilon;
    }

    /** @return decoupled weight decay */
    public double weightDecay() {
        return weightDecay;
    }

    /** @return the global-norm clip, 0 = off */
    public double gradClipNorm() {
        return gradClipNorm;
    }

    /** @return number of updates applied so far (t in the bias corrections) */
    public long stepCount() {
        return stepCount;
    }

    /** @return parameter name to first moment m (live arrays; read-only by contract), empty before the first step */
    public Map<String, float[]> firstMoments() {
        return Collections.unmodifiableMap(firstMoments);
    }

    /** @return parameter name to second moment v (live arrays; read-only by contract), empty before the first step */
    public Map<String, float[]> secondMoments() {
        return Collections.unmodifiableMap(secondMoments);
    }

    /**
     * Replaces the state (from a checkpoint); the arrays are copied.
     *
     * @param steps the step count
     * @param m parameter name to first moment
     * @param v parameter name to second moment (same names and lengths as {@code m})
     */
    public void restoreState(long steps, Map<String, float[]> m, Map<String, float[]> v) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count " + steps + " is invalid: must be >= 0");
        }
        if (!m.keySet().equals(v.keySet())) {
            throw new IllegalArgumentException("first and second moments name different parameters: " + m.keySet()
                    + " vs " + v.keySet());
        }
        firstMoments.clear();
        secondMoments.clear();
        for (Map.Entry<String, float[]> e : m.entrySet()) {
            float[] vv = v.get(e.getKey());
            if (vv.length != e.getValue().length) {
                throw new IllegalArgumentException("moments of " + e.getKey() + " have different lengths");
            }
            firstMoments.put(e.getKey(), e.getValue().clone());
            secondMoments.put(e.getKey(), vv.clone());
        }
        stepCount = steps;
    }

    /**
     * Every setting as text (used by checkpoints).
     *
     * @return field name to value
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("learningRate", Double.toString(learningRate));
        p.put("beta1", Double.toString(beta1));
        p.put("beta2", Double.toString(beta2));
        p.put("epsilon", Double.toString(epsilon));
        p.put("weightDecay", Double.toString(weightDecay));
        p.put("gradClipNorm", Double.toString(gradClipNorm));
        return p;
    }

    /**
     * Rebuilds the settings (not the state) from {@link #toProperties()}.
     *
     * @param p field name to value
     * @return the optimiser, with an empty state
     */
    public static AdamW fromProperties(Map<String, String> p) {
        AdamW a = new AdamW();
        a.learningRate = number(p, "learningRate", a.learningRate);
        a.beta1 = number(p, "beta1", a.beta1);
        a.beta2 = number(p, "beta2", a.beta2);
        a.epsilon = number(p, "epsilon", a.epsilon);
        a.weightDecay = number(p, "weightDecay", a.weightDecay);
        a.gradClipNorm = number(p, "gradClipNorm", a.gradClipNorm);
        a.postConfig();
        return a;
    }

    private static double number(Map<String, String> p, String field, double dflt) {
        if (!p.containsKey(field)) {
            return dflt;
        }
        try {
            return Double.parseDouble(p.get(field).trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, field, field + " = " + p.get(field) + " is invalid: must be a number");
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "AdamW");
    }

    @Override
    public String toString() {
        return "AdamW" + toProperties();
    }
}
