package org.ead4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A random batch, a graph built through {@link PolicyLoss#build}, finite differences, and reference formulas. */
final class LossTestSupport {

    static final int B = 3;
    static final int T = 5;
    static final int[] LENGTHS = {5, 2, 4};

    final double[][] logp = new double[B][T];
    final double[][] old = new double[B][T];
    final double[][] beh = new double[B][T];
    final double[][] ref = new double[B][T];
    final double[][] ent = new double[B][T];
    final double[][] adv = new double[B][T];
    final double[][] mask = new double[B][T];

    LossTestSupport(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int b = 0; b < B; b++) {
            double a = rnd.nextGaussian() * 1.5;
            for (int t = 0; t < T; t++) {
                mask[b][t] = t < LENGTHS[b] ? 1 : 0;
                logp[b][t] = -0.05 - 3 * rnd.nextDouble();
                old[b][t] = logp[b][t] + 0.5 * rnd.nextGaussian();
                beh[b][t] = old[b][t] + 0.5 * rnd.nextGaussian();
                ref[b][t] = logp[b][t] + 0.5 * rnd.nextGaussian();
                ent[b][t] = 3 * rnd.nextDouble();
                adv[b][t] = a;
            }
        }
    }

    /** Builds the loss with logp and entropy as variables, everything else constants; outputs "loss", "diag". */
    SameDiff graph(PolicyLoss loss) {
        SameDiff sd = SameDiff.create();
        SDVariable lp = sd.var("logp", Nd4j.createFromArray(logp));
        SDVariable en = sd.var("entropy", Nd4j.createFromArray(ent));
        LossInputs in = LossInputs.builder(lp, sd.constant(Nd4j.createFromArray(old)),
                        sd.constant(Nd4j.createFromArray(adv)), sd.constant(Nd4j.createFromArray(mask)))
                .behaviourLogProbs(sd.constant(Nd4j.createFromArray(beh)))
                .referenceLogProbs(sd.constant(Nd4j.createFromArray(ref)))
                .entropy(en)
                .selectionKey(sd.constant(Nd4j.scalar(ClipCovLoss.selectionKey(42, 3, 0))))
                .build();
        LossOutputs out = loss.build(sd, in);
        out.loss().rename("loss");
        out.diagnostics().rename("diag");
        sd.setLossVariables("loss");
        return sd;
    }

    static double lossOf(SameDiff sd) {
        return sd.output(Map.of(), "loss").get("loss").getDouble(0);
    }

    /** Central differences vs calculateGradients for logp and entropy. */
    static void checkGradient(SameDiff sd) {
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), "logp", "entropy");
        double h = 1e-6;
        for (String name : new String[]{"logp", "entropy"}) {
            INDArray x = sd.getVariable(name).getArr();
            assertEquals(DataType.DOUBLE, x.dataType());
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    double x0 = x.getDouble(b, t);
                    x.putScalar(new long[]{b, t}, x0 + h);
                    double up = lossOf(sd);
                    x.putScalar(new long[]{b, t}, x0 - h);
                    double down = lossOf(sd);
                    x.putScalar(new long[]{b, t}, x0);
                    assertEquals((up - down) / (2 * h), grads.get(name).getDouble(b, t), 1e-7,
                            "d loss / d " + name + "[" + b + ", " + t + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------- reference formulas

    double ratio(int b, int t) {
        return Math.exp(logp[b][t] - old[b][t]);
    }

    /** verl token-mean. */
    double tokenMean(double[][] x) {
        double s = 0;
        double n = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                s += x[b][t] * mask[b][t];
                n += mask[b][t];
            }
        }
        return s / n;
    }

    /** verl seq-mean-token-mean. */
    double seqMeanTokenMean(double[][] x) {
        double s = 0;
        for (int b = 0; b < B; b++) {
            double sb = 0;
            double n = 0;
            for (int t = 0; t < T; t++) {
                sb += x[b][t] * mask[b][t];
                n += mask[b][t];
            }
            s += sb / n;
        }
        return s / B;
    }

    /** PPO-clip per token, optional dual clip. */
    double[][] ppoClip(double epsLow, double epsHigh, double c) {
        double[][] pg = new double[B][T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                double r = ratio(b, t);
                double a = adv[b][t];
                double v = Math.max(-a * r, -a * Math.max(1 - epsLow, Math.min(1 + epsHigh, r)));
                pg[b][t] = (a < 0 && c > 0) ? Math.min(v, -a * c) : v;
            }
        }
        return pg;
    }

    /** Token-level TIS weights min(exp(old - behaviour), cap). */
    double[][] tokenWeights(double cap) {
        double[][] w = new double[B][T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                w[b][t] = Math.min(Math.exp(old[b][t] - beh[b][t]), cap);
            }
        }
        return w;
    }

    static double[][] times(double[][] x, double[][] y) {
        double[][] z = new double[x.length][x[0].length];
        for (int b = 0; b < x.length; b++) {
            for (int t = 0; t < x[0].length; t++) {
                z[b][t] = x[b][t] * y[b][t];
            }
        }
        return z;
    }

    /** Schulman's k3 = exp(ref - logp) - (ref - logp) - 1. */
    double[][] k3() {
        double[][] k = new double[B][T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                double x = ref[b][t] - logp[b][t];
                k[b][t] = Math.exp(x) - x - 1;
            }
        }
        return k;
    }
}
