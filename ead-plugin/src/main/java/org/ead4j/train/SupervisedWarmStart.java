package org.ead4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.data.Problem;
import org.ead4j.metrics.MetricKeys;
import org.ead4j.rollout.PromptCodec;
import org.ead4j.run.FaultPoint;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.sampling.RandomStreams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Supervised warm start: teacher forcing on the task's reference solutions (prompt, then solution
 * and EOS; loss = mean negative log-likelihood of the solution tokens). RLVR assumes a pretrained
 * policy with a non-zero success rate; this gives the tiny bundled policies one.
 */
public class SupervisedWarmStart implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** Placeholder name of the per-token loss weights (mask / number of solution tokens). */
    public static final String WEIGHTS = "sftWeights";

    private static final long PURPOSE_BATCHES = 0x5346_5442L; // "SFTB"

    @Config(description = "Number of supervised steps. Range [0, inf). Default 300.")
    private int steps = 300;

    @Config(description = "Sequences per supervised step. Range [1, inf). Default 32.")
    private int batchSize = 32;

    @Config(description = "Adam learning rate for the warm start. Range (0, inf). Default 3e-3.")
    private double learningRate = 3e-3;

    @Config(description = "Global gradient-norm clip for the warm start; 0 = off. Default 1.0.")
    private double gradClipNorm = 1.0;

    /** For OLCUT. */
    public SupervisedWarmStart() {
    }

    /**
     * Creates a warm start.
     *
     * @param steps supervised steps
     * @param batchSize sequences per step
     * @param learningRate Adam learning rate
     */
    public SupervisedWarmStart(int steps, int batchSize, double learningRate) {
        this.steps = steps;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (steps < 0) {
            throw new PropertyException("SupervisedWarmStart", "steps", "steps = " + steps + " is invalid: must be >= 0");
        }
        if (batchSize < 1) {
            throw new PropertyException("SupervisedWarmStart", "batchSize", "batchSize = " + batchSize
                    + " is invalid: must be >= 1");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new PropertyException("SupervisedWarmStart", "learningRate", "learningRate = " + learningRate
                    + " is invalid: must be finite and > 0");
        }
    }

    /** @return the number of supervised steps */
    public int steps() {
        return steps;
    }

    /**
     * Trains {@code policy} in place on reference solutions. The policy must have no loss set yet
     * (this adds its own to the graph).
     *
     * @param policy the policy, trained in place
     * @param problems training problems with reference solutions
     * @param codec prompt/solution encoding
     * @param seed the run seed (the batches are a function of it)
     * @param listener progress
     * @return the mean loss over the last 10% of the steps (NaN for 0 steps)
     */
    public double run(PolicyTransformer policy, List<Problem> problems, PromptCodec codec, long seed,
                      TrainingListener listener) {
        if (steps == 0) {
            return Double.NaN;
        }
        List<int[]> sequences = new ArrayList<>();
        List<Integer> promptLengths = new ArrayList<>();
        for (Problem p : problems) {
            int[] prompt = codec.prompt(p);
            int[] solution = codec.solution(p);
            int[] seq = new int[prompt.length + solution.length];
            System.arraycopy(prompt, 0, seq, 0, prompt.length);
            System.arraycopy(solution, 0, seq, prompt.length, solution.length);
            if (seq.length > policy.config().maxSeqLen()) {
                throw new IllegalArgumentException("problem " + p.id() + ": prompt + solution is " + seq.length
                        + " tokens, more than the policy's maxSeqLen " + policy.config().maxSeqLen());
            }
            sequences.add(seq);
            promptLengths.add(prompt.length);
        }
        var sd = policy.graph();
        SDVariable w = sd.placeHolder(WEIGHTS, policy.floatType(), -1, -1);
        policy.setLoss(policy.logProbs().mul(w).sum().neg().rename("sftLoss"));
        AdamW adam = new AdamW(learningRate, 0.9, 0.999, 1e-8, 0.0, gradClipNorm);
        int pad = codec.tokenizer().pad();
        listener.onPhase("warm start", steps);
        SplittableRandom rnd = new SplittableRandom(RandomStreams.derive(seed, PURPOSE_BATCHES));
        double tail = 0;
        int tailCount = 0;
        for (int step = 1; step <= steps; step++) {
            int b = Math.min(batchSize, sequences.size());
            int width = 1;
            int[] pick = new int[b];
            for (int i = 0; i < b; i++) {
                pick[i] = rnd.nextInt(sequences.size());
                width = Math.max(width, sequences.get(pick[i]).length - 1);
            }
            int[] tokens = new int[b * width];
            int[] targets = new int[b * width];
            float[] weights = new float[b * width];
            java.util.Arrays.fill(tokens, pad);
            java.util.Arrays.fill(targets, pad);
            int count = 0;
            for (int i = 0; i < b; i++) {
                int[] seq = sequences.get(pick[i]);
                int p = promptLengths.get(pick[i]);
                for (int j = 0; j < seq.length - 1; j++) {
                    tokens[i * width + j] = seq[j];
                    targets[i * width + j] = seq[j + 1];
                    if (j >= p - 1) {
                        weights[i * width + j] = 1f;
                        count++;
                    }
                }
            }
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= count;
            }
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(tokens).reshape(b, width));
            ph.put(PolicyTransformer.TARGETS, Nd4j.createFromArray(targets).reshape(b, width));
            ph.put(WEIGHTS, Nd4j.createFromArray(weights).reshape(b, width).castTo(policy.floatType()));
            GradientResult g = policy.gradients(ph);
            double gradNorm = adam.step(policy.parameters(), g.gradients(), learningRate);
            FaultPoint.reached("warm-start", step);
            if (step > steps - Math.max(1, steps / 10)) {
                tail += g.loss();
                tailCount++;
            }
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put(MetricKeys.STEP, step);
            rec.put(MetricKeys.SFT_LOSS, g.loss());
            rec.put(MetricKeys.SFT_GRAD_NORM, gradNorm);
            listener.onStep("warm start", step, rec);
            if (!Double.isFinite(g.loss())) {
                throw new IllegalStateException("warm start diverged at step " + step + ": loss " + g.loss()
                        + "; lower learningRate (" + learningRate + ")");
            }
        }
        return tail / tailCount;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "SupervisedWarmStart");
    }

}
