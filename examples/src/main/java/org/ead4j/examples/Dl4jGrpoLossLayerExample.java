package org.ead4j.examples;

import java.io.PrintStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ead4j.advantage.GrpoAdvantage;
import org.ead4j.dl4j.GrpoLossFunction;
import org.ead4j.dl4j.RlvrLabels;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.sampling.RandomStreams;
import org.ead4j.samediff.sampling.TokenSampler;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * GRPO on a plain DL4J {@link MultiLayerNetwork} (no SameDiff, no transformer) through ead4j's
 * {@link GrpoLossFunction}, on a verifiable toy task: a contextual bandit whose prompt is a digit d
 * (one-hot) and whose answer is correct, reward 1, when it names (d + 1) mod 10.
 *
 * <p>Each step draws 16 prompts and 8 answers per prompt at an exploratory temperature tau = 1.3
 * (the behaviour policy), scores them, turns the rewards into group-relative advantages with
 * {@link GrpoAdvantage}, and takes two PPO epochs of the clipped loss with token-level truncated
 * importance sampling (old log-probs at tau = 1, behaviour log-probs at tau = 1.3, cap 2), the way
 * EAD corrects its annealed sampling. All randomness comes from {@link RandomStreams} keyed by
 * (seed, step, prompt, sample), so a run is reproducible.
 *
 * <p>Run (from the repository root):
 * <pre>
 *   mvn -B -o -q -pl ead-samediff,ead-plugin,examples package -DskipTests
 *   java -cp examples/target/examples-0.1.0-SNAPSHOT-cli.jar org.ead4j.examples.Dl4jGrpoLossLayerExample [steps]
 * </pre>
 */
public final class Dl4jGrpoLossLayerExample {

    private static final int DIGITS = 10;
    private static final int PROMPTS = 16;
    private static final int GROUP = 8;
    private static final float BEHAVIOUR_TAU = 1.3f;
    private static final int PPO_EPOCHS = 2;

    private Dl4jGrpoLossLayerExample() {
    }

    /**
     * Trains and prints the success rate as it rises.
     *
     * @param args optional: number of RL steps (default 80)
     */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        long t0 = System.nanoTime();
        double accuracy = run(steps, 42, System.out);
        System.out.printf("final greedy accuracy %.2f after %d steps in %.1f s%n", accuracy, steps,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs GRPO on the successor bandit.
     *
     * @param steps number of RL steps
     * @param seed run seed
     * @param out where progress lines go
     * @return the final greedy accuracy over the ten digits
     */
    public static double run(int steps, long seed, PrintStream out) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.005)).list()
                .layer(new DenseLayer.Builder().nIn(DIGITS).nOut(32).activation(Activation.TANH).build())
                // IDENTITY: the network outputs logits; the loss computes log-softmax itself
                .layer(new OutputLayer.Builder(new GrpoLossFunction(0.2, 0.28, true, 3.0,
                        ImportanceSamplingLevel.TOKEN, 2.0))
                        .nIn(32).nOut(DIGITS).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        GrpoAdvantage grpo = new GrpoAdvantage();
        TokenSampler sampler = new TokenSampler();
        int rows = PROMPTS * GROUP;
        float[] tau = new float[rows];
        java.util.Arrays.fill(tau, BEHAVIOUR_TAU);
        out.println(" step  reward@tau=1.3  greedy accuracy");
        for (int step = 0; step < steps; step++) {
            // 1. prompts: a digit per prompt, repeated for its group
            int[] prompt = new int[rows];
            INDArray x = Nd4j.zeros(DataType.FLOAT, rows, DIGITS);
            double[] uniforms = new double[rows];
            for (int p = 0; p < PROMPTS; p++) {
                int d = (int) (RandomStreams.uniform(RandomStreams.key(seed, step, p, 0), 0) * DIGITS);
                for (int g = 0; g < GROUP; g++) {
                    int i = p * GROUP + g;
                    prompt[i] = d;
                    x.putScalar(new long[]{i, d}, 1);
                    uniforms[i] = RandomStreams.uniform(RandomStreams.key(seed, step, p, g), 1);
                }
            }
            // 2. rollouts at the behaviour temperature; the kernel reports both log-probs
            float[] logits = HostArrays.toFloats(net.output(x));                       // [rows, DIGITS]
            int[] actions = new int[rows];
            float[] behaviour = new float[rows];
            float[] target = new float[rows];
            sampler.sample(logits, rows, DIGITS, tau, uniforms, actions, behaviour, target);
            // 3. verifiable reward and group-relative advantages
            double[][] rewards = new double[PROMPTS][GROUP];
            double meanReward = 0;
            for (int i = 0; i < rows; i++) {
                rewards[i / GROUP][i % GROUP] = actions[i] == (prompt[i] + 1) % DIGITS ? 1 : 0;
                meanReward += rewards[i / GROUP][i % GROUP] / rows;
            }
            double[][] adv = grpo.advantages(rewards, null);
            double[] flatAdv = new double[rows];
            double[] old = new double[rows];
            double[] beh = new double[rows];
            for (int i = 0; i < rows; i++) {
                flatAdv[i] = adv[i / GROUP][i % GROUP];
                old[i] = target[i];        // pi_theta_old at tau = 1, from the same logits
                beh[i] = behaviour[i];     // the sampler's, at tau = 1.3
            }
            INDArray labels = RlvrLabels.pack(actions, flatAdv, old, beh, null, DataType.FLOAT);
            if (step % 5 == 0 || step == steps - 1) {
                out.printf("%5d  %14.3f  %15.2f%n", step, meanReward, greedyAccuracy(net));   // before this update
            }
            // 4. PPO epochs: the second one sees ratios != 1 and is clipped where they leave [0.8, 1.28]
            for (int epoch = 0; epoch < PPO_EPOCHS; epoch++) {
                net.fit(x, labels);
            }
        }
        return greedyAccuracy(net);
    }

    /** Share of the ten digits whose most likely answer is the successor. */
    private static double greedyAccuracy(MultiLayerNetwork net) {
        INDArray predicted = net.output(Nd4j.eye(DIGITS).castTo(DataType.FLOAT)).argMax(1);
        int right = 0;
        for (int d = 0; d < DIGITS; d++) {
            right += predicted.getInt(d) == (d + 1) % DIGITS ? 1 : 0;
        }
        return right / (double) DIGITS;
    }
}
