package org.ead4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ead4j.advantage.GrpoAdvantage;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

class GrpoLossFunctionTest {

    private static final int N = 8;
    private static final int V = 6;   // differs from RlvrLabels.WIDTH so swapped arrays are caught

    /** Random logits and labels whose ratios fall on both sides of the clip range, with TIS truncation. */
    static INDArray[] randomCase(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] z = new double[N][V];
        int[] actions = new int[N];
        double[] adv = new double[N];
        double[] old = new double[N];
        double[] beh = new double[N];
        double[] mask = new double[N];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < V; k++) {
                z[i][k] = rnd.nextGaussian();
            }
            actions[i] = rnd.nextInt(V);
            adv[i] = rnd.nextGaussian();
            old[i] = logSoftmax(z[i])[actions[i]] + 0.4 * rnd.nextGaussian();
            beh[i] = old[i] + 0.6 * rnd.nextGaussian();
            mask[i] = i == 3 ? 0 : 1;
        }
        return new INDArray[]{Nd4j.createFromArray(z), RlvrLabels.pack(actions, adv, old, beh, mask, DataType.DOUBLE)};
    }

    static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : z) {
            max = Math.max(max, x);
        }
        double s = 0;
        for (double x : z) {
            s += Math.exp(x - max);
        }
        double[] out = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            out[k] = z[k] - max - Math.log(s);
        }
        return out;
    }

    @Test
    void scoreMatchesTheFormula() {
        INDArray[] c = randomCase(1);
        GrpoLossFunction f = new GrpoLossFunction(0.2, 0.28, true, 3, ImportanceSamplingLevel.TOKEN, 1.5);
        double[][] z = c[0].toDoubleMatrix();
        double[][] lab = c[1].toDoubleMatrix();
        double sum = 0;
        double[] perRow = new double[N];
        for (int i = 0; i < N; i++) {
            double logp = logSoftmax(z[i])[(int) lab[i][0]];
            double a = lab[i][1];
            double r = Math.exp(logp - lab[i][2]);
            double pg = Math.max(-a * r, -a * Math.max(0.8, Math.min(1.28, r)));
            if (a < 0) {
                pg = Math.min(pg, -a * 3);
            }
            double w = Math.min(Math.exp(lab[i][2] - lab[i][3]), 1.5);
            perRow[i] = lab[i][4] * w * pg;
            sum += perRow[i];
        }
        ActivationSoftmax softmax = new ActivationSoftmax();
        assertEquals(sum, f.computeScore(c[1], c[0], softmax, null, false), 1e-12);
        assertEquals(sum / N, f.computeScore(c[1], c[0], softmax, null, true), 1e-12);
        double[] arr = f.computeScoreArray(c[1], c[0], softmax, null).reshape(N).toDoubleVector();
        for (int i = 0; i < N; i++) {
            assertEquals(perRow[i], arr[i], 1e-12, "row " + i);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        INDArray[] c = randomCase(2);
        GrpoLossFunction f = new GrpoLossFunction(0.2, 0.2, true, 3, ImportanceSamplingLevel.TOKEN, 2);
        ActivationSoftmax softmax = new ActivationSoftmax();
        INDArray g = f.computeGradient(c[1], c[0], softmax, null);
        assertEquals(g, f.computeGradientAndScore(c[1], c[0], softmax, null, false).getSecond());
        INDArray z = c[0];
        double h = 1e-6;
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < V; k++) {
                double z0 = z.getDouble(i, k);
                z.putScalar(new long[]{i, k}, z0 + h);
                double up = f.computeScore(c[1], z, softmax, null, false);
                z.putScalar(new long[]{i, k}, z0 - h);
                double down = f.computeScore(c[1], z, softmax, null, false);
                z.putScalar(new long[]{i, k}, z0);
                assertEquals((up - down) / (2 * h), g.getDouble(i, k), 1e-8, "dL/dz[" + i + ", " + k + "]");
            }
        }
    }

    @Test
    void networkGradientMatchesFiniteDifferencesOfItsScore() {
        INDArray[] c = randomCase(3);
        SplittableRandom rnd = new SplittableRandom(4);
        double[][] x = new double[N][4];
        for (double[] row : x) {
            for (int j = 0; j < 4; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(1)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(new GrpoLossFunction(0.2, 0.28, true, 3, ImportanceSamplingLevel.TOKEN, 2))
                        .nIn(6).nOut(V).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // old log-probs near the network's own, so some rows are clipped and some are not
        INDArray logits = net.feedForward(Nd4j.createFromArray(x), false).get(2);   // softmax output
        double[][] lab = c[1].toDoubleMatrix();
        for (int i = 0; i < N; i++) {
            lab[i][2] = Math.log(logits.getDouble(i, (int) lab[i][0])) + 0.3 * rnd.nextGaussian();
        }
        INDArray labels = Nd4j.createFromArray(lab);
        net.setInput(Nd4j.createFromArray(x));
        net.setLabels(labels);
        net.computeGradientAndScore();
        INDArray grad = net.gradient().gradient().dup();
        INDArray params = net.params();
        double h = 1e-6;
        for (int j = 0; j < params.length(); j++) {
            double p0 = params.getDouble(j);
            params.putScalar(j, p0 + h);
            net.computeGradientAndScore();
            double up = net.score();
            params.putScalar(j, p0 - h);
            net.computeGradientAndScore();
            double down = net.score();
            params.putScalar(j, p0);
            // DL4J's score is the minibatch mean; its raw gradient is the sum over the minibatch
            assertEquals(N * (up - down) / (2 * h), grad.getDouble(j), 1e-7, "parameter " + j);
        }
    }

    @Test
    void configurationSurvivesJson() {
        GrpoLossFunction f = new GrpoLossFunction(0.1, 0.28, false, 5, ImportanceSamplingLevel.TOKEN, 1.7);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(f).nIn(3).nOut(V).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        OutputLayer layer = (OutputLayer) back.getConf(0).getLayer();
        assertEquals(f, layer.getLossFn());
    }

    @Test
    void misuseFailsWithActionableMessages() {
        INDArray[] c = randomCase(5);
        GrpoLossFunction f = new GrpoLossFunction();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.computeScore(c[1], c[0], new ActivationReLU(), null, true));
        assertTrue(e.getMessage().contains("Activation.SOFTMAX or Activation.IDENTITY"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> f.computeScore(c[0], c[0], new ActivationSoftmax(), null, true));
        assertTrue(e.getMessage().contains("labels [N, 5]"), e.getMessage());
        INDArray bad = c[1].dup();
        bad.putScalar(new long[]{2, RlvrLabels.ACTION}, 7);
        e = assertThrows(IllegalArgumentException.class,
                () -> f.computeScore(bad, c[0], new ActivationSoftmax(), null, true));
        assertTrue(e.getMessage().contains("label row 2: action 7.0 is not an integer in [0, 6)"), e.getMessage());
        assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class,
                () -> new GrpoLossFunction(0.2, 0.2, true, 3, ImportanceSamplingLevel.SEQUENCE, 2));
    }

    /** Contextual bandit: input one-hot digit d, reward 1 for action (d + 1) mod 10; GRPO must learn it. */
    @Test
    void grpoLearnsASuccessorBandit() {
        int digits = 10;
        int prompts = 10;
        int group = 8;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.03)).list()
                .layer(new DenseLayer.Builder().nIn(digits).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(new GrpoLossFunction()).nIn(16).nOut(digits)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.zeros(DataType.FLOAT, prompts * group, digits);
        for (int p = 0; p < prompts; p++) {
            for (int g = 0; g < group; g++) {
                x.putScalar(new long[]{p * group + g, p}, 1);
            }
        }
        SplittableRandom rnd = new SplittableRandom(11);
        GrpoAdvantage grpo = new GrpoAdvantage();
        double first = -1;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            double[][] z = net.output(x).toDoubleMatrix();
            int[] actions = new int[prompts * group];
            double[] logp = new double[prompts * group];
            double[][] rewards = new double[prompts][group];
            for (int i = 0; i < actions.length; i++) {
                double[] lp = logSoftmax(z[i]);
                double u = rnd.nextDouble();
                int a = 0;
                for (double cum = Math.exp(lp[0]); cum < u && a < digits - 1; cum += Math.exp(lp[++a])) {
                    // inverse-CDF sampling
                }
                actions[i] = a;
                logp[i] = lp[a];
                rewards[i / group][i % group] = a == (i / group + 1) % digits ? 1 : 0;
            }
            double[][] adv = grpo.advantages(rewards, null);
            double[] flatAdv = new double[actions.length];
            double success = 0;
            for (int i = 0; i < actions.length; i++) {
                flatAdv[i] = adv[i / group][i % group];
                success += rewards[i / group][i % group];
            }
            success /= actions.length;
            if (first < 0) {
                first = success;
            }
            last = success;
            INDArray labels = RlvrLabels.pack(actions, flatAdv, logp, logp, null, DataType.FLOAT);
            net.fit(x, labels);
        }
        assertTrue(first < 0.3, "starts near chance, got " + first);
        assertTrue(last > 0.9, "success rate after 60 GRPO steps " + last);
    }
}
