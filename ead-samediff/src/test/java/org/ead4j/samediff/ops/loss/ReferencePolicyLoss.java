package org.ead4j.samediff.ops.loss;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * Plain double-precision reference for the policy losses, written from the formulas (verl
 * {@code core_algos.py}: {@code compute_policy_loss_vanilla}, {@code _clip_cov}, {@code _kl_cov},
 * {@code kl_penalty}, {@code agg_loss}; EAD-TIS) with 2-D arrays and no shared code with the kernel.
 */
final class ReferencePolicyLoss {

    double[][] logp;
    double[][] old;
    double[][] beh;
    double[][] ref;
    double[][] ent;
    double[][] adv;
    double[][] mask;
    long key;

    ReferencePolicyLoss(int rows, int cols) {
        logp = new double[rows][cols];
        old = new double[rows][cols];
        beh = new double[rows][cols];
        ref = new double[rows][cols];
        ent = new double[rows][cols];
        adv = new double[rows][cols];
        mask = new double[rows][cols];
    }

    int rows() {
        return logp.length;
    }

    int cols() {
        return logp[0].length;
    }

    /** verl agg_loss, counting only rows with a response token as sequences. */
    double agg(double[][] x, PolicyLossSpec spec) {
        int rows = rows();
        int cols = cols();
        double total = 0;
        double n = 0;
        double seqSum = 0;
        double seqMeanSum = 0;
        int seqs = 0;
        for (int b = 0; b < rows; b++) {
            double s = 0;
            double len = 0;
            for (int t = 0; t < cols; t++) {
                s += x[b][t] * mask[b][t];
                len += mask[b][t];
            }
            total += s;
            n += len;
            if (len > 0) {
                seqs++;
                seqSum += s;
                seqMeanSum += s / len;
            }
        }
        switch (spec.aggregation()) {
            case TOKEN_MEAN:
                return n == 0 ? 0 : total / n;
            case SEQ_MEAN_TOKEN_SUM:
                return seqs == 0 ? 0 : seqSum / seqs;
            case SEQ_MEAN_TOKEN_MEAN:
                return seqs == 0 ? 0 : seqMeanSum / seqs;
            case SEQ_MEAN_TOKEN_SUM_NORM:
                return total / (spec.lossScaleFactor() > 0 ? spec.lossScaleFactor() : cols);
            default:
                throw new AssertionError();
        }
    }

    double[][] covariance() {
        double sa = 0;
        double sl = 0;
        double n = 0;
        for (int b = 0; b < rows(); b++) {
            for (int t = 0; t < cols(); t++) {
                if (mask[b][t] > 0) {
                    sa += adv[b][t];
                    sl += logp[b][t];
                    n++;
                }
            }
        }
        double[][] cov = new double[rows()][cols()];
        for (int b = 0; b < rows(); b++) {
            for (int t = 0; t < cols(); t++) {
                cov[b][t] = mask[b][t] > 0 ? (adv[b][t] - sa / n) * (logp[b][t] - sl / n) : Double.NEGATIVE_INFINITY;
            }
        }
        return cov;
    }

    int validCount() {
        int n = 0;
        for (double[] row : mask) {
            for (double m : row) {
                n += m > 0 ? 1 : 0;
            }
        }
        return n;
    }

    /** Tokens Clip-Cov masks, following the documented keyed partial Fisher-Yates draw. */
    boolean[][] clipCovSelection(PolicyLossSpec spec, boolean[][] clippedByPpo) {
        double[][] cov = covariance();
        List<int[]> cand = new ArrayList<>();
        for (int b = 0; b < rows(); b++) {
            for (int t = 0; t < cols(); t++) {
                if (mask[b][t] > 0 && !clippedByPpo[b][t] && cov[b][t] > spec.clipCovLb() && cov[b][t] < spec.clipCovUb()) {
                    cand.add(new int[]{b, t});
                }
            }
        }
        int k = Math.min(cand.size(), Math.max((int) (spec.clipCovRatio() * validCount()), 1));
        boolean[][] sel = new boolean[rows()][cols()];
        for (int j = 0; j < k; j++) {
            int pick = j + (int) (RandomStreams.uniform(key, j) * (cand.size() - j));
            int[] tmp = cand.get(j);
            cand.set(j, cand.get(pick));
            cand.set(pick, tmp);
            sel[cand.get(j)[0]][cand.get(j)[1]] = true;
        }
        return sel;
    }

    /** Tokens KL-Cov penalises: the top max(floor(k N), 1) by covariance. */
    boolean[][] klCovSelection(PolicyLossSpec spec) {
        double[][] cov = covariance();
        int k = Math.max(1, (int) (validCount() * spec.klCovRatio()));
        boolean[][] sel = new boolean[rows()][cols()];
        for (int j = 0; j < k; j++) {
            int bb = -1;
            int tt = -1;
            for (int b = 0; b < rows(); b++) {
                for (int t = 0; t < cols(); t++) {
                    if (mask[b][t] > 0 && !sel[b][t] && (bb < 0 || cov[b][t] > cov[bb][tt])) {
                        bb = b;
                        tt = t;
                    }
                }
            }
            sel[bb][tt] = true;
        }
        return sel;
    }

    double loss(PolicyLossSpec spec) {
        int rows = rows();
        int cols = cols();
        double[][] pg = new double[rows][cols];
        boolean[][] clippedByPpo = new boolean[rows][cols];
        double lo = 1 - spec.clipRatioLow();
        double hi = 1 + spec.clipRatioHigh();
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < cols; t++) {
                double negKl = Math.max(-20, Math.min(20, logp[b][t] - old[b][t]));
                double ratio = Math.exp(negKl);
                double a = adv[b][t];
                double pg1 = -a * ratio;
                double pg2 = -a * Math.max(lo, Math.min(hi, ratio));
                clippedByPpo[b][t] = pg2 > pg1 && mask[b][t] > 0;
                switch (spec.mode()) {
                    case VANILLA: {
                        double c1 = Math.max(pg1, pg2);
                        if (spec.dualClip() && a < 0) {
                            pg[b][t] = Math.min(-a * spec.clipRatioC(), c1);
                        } else {
                            pg[b][t] = c1;
                        }
                        break;
                    }
                    case CLIP_COV:
                        pg[b][t] = Math.max(pg1, pg2);
                        break;
                    case KL_COV:
                        pg[b][t] = pg1;
                        break;
                    default:
                        throw new AssertionError();
                }
            }
        }
        if (spec.mode() == PolicyLossMode.CLIP_COV) {
            boolean[][] sel = clipCovSelection(spec, clippedByPpo);
            for (int b = 0; b < rows; b++) {
                for (int t = 0; t < cols; t++) {
                    pg[b][t] *= sel[b][t] ? 0 : 1;
                }
            }
        } else if (spec.mode() == PolicyLossMode.KL_COV) {
            boolean[][] sel = klCovSelection(spec);
            for (int b = 0; b < rows; b++) {
                for (int t = 0; t < cols; t++) {
                    if (sel[b][t]) {
                        pg[b][t] += spec.ppoKlCoef() * Math.abs(logp[b][t] - old[b][t]);
                    }
                }
            }
        }
        for (int b = 0; b < rows; b++) {
            double seqLogRatio = 0;
            for (int t = 0; t < cols; t++) {
                seqLogRatio += mask[b][t] * (old[b][t] - beh[b][t]);
            }
            for (int t = 0; t < cols; t++) {
                double w;
                switch (spec.isLevel()) {
                    case OFF:
                        w = 1;
                        break;
                    case TOKEN:
                        w = Math.min(Math.exp(old[b][t] - beh[b][t]), spec.isCap());
                        break;
                    case SEQUENCE:
                        w = Math.min(Math.exp(seqLogRatio), spec.isCap());
                        break;
                    default:
                        throw new AssertionError();
                }
                pg[b][t] *= w;
            }
        }
        double[][] kl = new double[rows][cols];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < cols; t++) {
                kl[b][t] = kl(spec.klEstimator(), logp[b][t], ref[b][t]);
            }
        }
        return agg(pg, spec) + spec.klCoef() * agg(kl, spec) - spec.entropyCoeff() * agg(ent, spec);
    }

    /** verl kl_penalty. */
    static double kl(KlEstimator e, double logprob, double refLogprob) {
        switch (e) {
            case K1:
                return logprob - refLogprob;
            case ABS:
                return Math.abs(logprob - refLogprob);
            case K2:
                return 0.5 * (logprob - refLogprob) * (logprob - refLogprob);
            case K3: {
                double kl = Math.max(-20, Math.min(20, refLogprob - logprob));
                double kld = Math.exp(kl) - kl - 1;
                return Math.max(-10, Math.min(10, kld));
            }
            default:
                throw new AssertionError();
        }
    }
}
