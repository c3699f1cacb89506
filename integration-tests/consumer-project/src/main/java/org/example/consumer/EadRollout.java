package org.example.consumer;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.ead4j.samediff.ops.EadSampleOp;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.SamplerConfig;
import org.ead4j.samediff.sampling.TokenSampler;
import org.ead4j.samediff.schedule.ExploratoryAnnealing;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * An EAD rollout in a plain DL4J project: a small DL4J network is the policy (logits of the next
 * token from the previous one), tokens are sampled at the EAD temperature tau_t both with ead4j's
 * Java kernel ({@link TokenSampler}) and with its SameDiff op ({@link EadSampleOp}); the two must
 * agree token for token. Prints {@code EAD4J_CONSUMER_OK ...} and exits 0 on success, 1 otherwise.
 */
public final class EadRollout {

    private static final int PROMPTS = 4;
    private static final int VOCAB = 16;
    private static final int HIDDEN = 32;
    private static final int LENGTH = 48;
    private static final long SEED = 2025;
    private static final long STEP = 3;

    private EadRollout() {
    }

    public static void main(String[] args) {
        // the released-code preset's numbers: tau_max 1.2, tau_min 0.1, d0 25, alpha 5, d_max 40000, c 10, k 20
        ExploratoryAnnealing schedule = new ExploratoryAnnealing(1.2, 0.1, 25, 5, 40000, 10, 20);
        SamplerConfig truncation = new SamplerConfig(0, 0.95, 0.0);
        MultiLayerNetwork policy = policy();
        SameDiff graph = samplingGraph(schedule, truncation);
        TokenSampler sampler = new TokenSampler(truncation);

        long[] keys = new long[PROMPTS];
        int[] previous = new int[PROMPTS];
        for (int r = 0; r < PROMPTS; r++) {
            keys[r] = RandomStreams.key(SEED, STEP, r, 0);
            previous[r] = r; // the "prompt": one start token per row
        }
        int[][] responses = new int[PROMPTS][LENGTH];
        double behaviourLogProb = 0;
        int mismatches = 0;
        for (int t = 0; t < LENGTH; t++) {
            INDArray logits = policy.output(oneHot(previous)); // [B, V]
            float[] z = logits.reshape(PROMPTS * VOCAB).toFloatVector(); // row-major [B * V]

            // 1. the Java kernel, as ead4j's decoder uses it
            float[] tau = new float[PROMPTS];
            double[] u = new double[PROMPTS];
            int[] tokens = new int[PROMPTS];
            float[] behaviour = new float[PROMPTS];
            float[] target = new float[PROMPTS];
            for (int r = 0; r < PROMPTS; r++) {
                tau[r] = (float) schedule.temperature(t, STEP);
                u[r] = RandomStreams.uniform(keys[r], t);
            }
            sampler.sample(z, PROMPTS, VOCAB, tau, u, tokens, behaviour, target);

            // 2. the same draw as a SameDiff op inside a graph
            int[] positions = new int[PROMPTS];
            Arrays.fill(positions, t);
            Map<String, INDArray> out = graph.output(Map.of(
                    "logits", logits.castTo(DataType.FLOAT),
                    "positions", Nd4j.createFromArray(positions),
                    "step", Nd4j.scalar(STEP),
                    "keys", Nd4j.createFromArray(keys)), "tokens", "behaviour", "tau");
            int[] graphTokens = out.get("tokens").toIntVector();
            float[] graphBehaviour = out.get("behaviour").toFloatVector();
            float[] graphTau = out.get("tau").toFloatVector();

            for (int r = 0; r < PROMPTS; r++) {
                if (graphTokens[r] != tokens[r] || graphBehaviour[r] != behaviour[r] || graphTau[r] != tau[r]) {
                    mismatches++;
                    System.err.printf("mismatch at t=%d row=%d: kernel (%d, %f, %f) vs graph (%d, %f, %f)%n", t, r,
                            tokens[r], behaviour[r], tau[r], graphTokens[r], graphBehaviour[r], graphTau[r]);
                }
                responses[r][t] = tokens[r];
                behaviourLogProb += behaviour[r];
            }
            previous = tokens;
        }
        for (int r = 0; r < PROMPTS; r++) {
            System.out.println("response " + r + ": " + Arrays.toString(responses[r]));
        }
        System.out.printf("tau_t: t=0 %.3f, t=10 %.3f, t=47 %.3f; sum of behaviour log-probs %.4f%n",
                schedule.temperature(0, STEP), schedule.temperature(10, STEP), schedule.temperature(47, STEP),
                behaviourLogProb);
        if (mismatches > 0) {
            System.out.println("EAD4J_CONSUMER_FAILED mismatches=" + mismatches);
            System.exit(1);
        }
        System.out.printf("EAD4J_CONSUMER_OK prompts=%d tokens=%d kernel==graph%n", PROMPTS, PROMPTS * LENGTH);
    }

    /** A tiny seeded DL4J MLP: one-hot previous token [B, V] -> next-token logits [B, V]. */
    private static MultiLayerNetwork policy() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(VOCAB).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(HIDDEN).nOut(VOCAB)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.params().muli(4); // sharper logits, so the temperature visibly matters
        return net;
    }

    /** logits [B, V], positions [B], step (scalar), keys [B] -> tokens, behaviour log-prob, tau. */
    private static SameDiff samplingGraph(ExploratoryAnnealing schedule, SamplerConfig truncation) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.placeHolder("logits", DataType.FLOAT, -1, VOCAB);
        SDVariable positions = sd.placeHolder("positions", DataType.INT32, -1);
        SDVariable step = sd.placeHolder("step", DataType.INT64);
        SDVariable keys = sd.placeHolder("keys", DataType.INT64, -1);
        SDVariable[] out = new EadSampleOp(sd, logits, positions, step, keys, schedule, truncation).outputVariables();
        out[0].rename("tokens");
        out[1].rename("behaviour");
        out[3].rename("tau");
        return sd;
    }

    private static INDArray oneHot(int[] tokens) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, tokens.length, VOCAB);
        for (int r = 0; r < tokens.length; r++) {
            x.putScalar(r, tokens[r], 1f);
        }
        return x;
    }
}
