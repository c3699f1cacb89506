package org.ead4j.samediff.ops.loss;

import java.util.Arrays;
import org.ead4j.samediff.sampling.RandomStreams;

/**
 * The policy loss, its gradient and its diagnostics in plain Java double precision, for a batch of
 * B responses padded to T tokens (row-major {@code [B, T]} arrays). {@link PolicyLossOp} and
 * {@link PolicyLossBpOp} run it inside SameDiff; the DL4J loss function runs it directly.
 *
 * <p>Per valid token (mask 1), with d = logp - old and r = exp(clamp(d, -20, 20)):
 * <pre>
 *   vanilla   pg = max(-A r, -A clip(r, 1 - eps_low, 1 + eps_high));  if A &lt; 0 and dual clip: pg = min(pg, -A c)
 *   clip_cov  pg = max(-A r, -A clip(r, 1 - eps_low, 1 + eps_high)) * corr,  corr = 0 on the selected tokens
 *   kl_cov    pg = -A r + beta |d| on the selected tokens, -A r elsewhere (no clipping)
 *   pg       *= w   (truncated importance weight, no gradient)
 *   loss      = agg(pg) + kl_coef * agg(kl(logp, ref)) - entropy_coeff * agg(entropy)
 * </pre>
 * Covariance selection (Cui et al. 2025, arXiv 2505.22617; verl {@code compute_policy_loss_clip_cov}
 * and {@code _kl_cov}): Cov_i = (A_i - mean A)(logp_i - mean logp) over all N valid tokens of the batch.
 * <ul>
 *   <li>Clip-Cov: candidates are the valid tokens not already PPO-clipped with lb &lt; Cov &lt; ub;
 *       min(max(floor(r N), 1), #candidates) of them are drawn uniformly without replacement
 *       and masked out (value and gradient 0, as verl's {@code * corr}). The draw is a partial
 *       Fisher-Yates shuffle of the candidates in row-major order whose j-th swap uses
 *       {@code RandomStreams.uniform(selectionKey, j)}: the same key gives the same tokens.</li>
 *   <li>KL-Cov: the max(floor(k N), 1) valid tokens with the largest Cov (ties: lower row-major
 *       index first) get the penalty.</li>
 * </ul>
 * The max(..., 1) is verl's: at least one token is selected whenever there are candidates.
 *
 * <p>Deviations from verl, all outside realistic inputs: the ratio's log is clamped to [-20, 20] in
 * every mode (verl clamps only in vanilla); the seq-mean aggregations count only rows with a valid
 * token (see {@link LossAggregation}); masked means divide by N exactly (verl adds 1e-8).
 * The importance weight multiplies the whole per-token surrogate in every mode (the EAD authors'
 * code applied it to vanilla only).
 */
public final class PolicyLossKernel {

    /** Bound on |logp - old| before exponentiation, as verl's vanilla loss. */
    public static final double LOG_RATIO_CLAMP = 20.0;
    /** Bound on the k3 estimator, as verl's {@code low_var_kl}. */
    public static final double K3_CLAMP = 10.0;

    private PolicyLossKernel() {
    }

    /**
     * One batch of per-token inputs, each row-major {@code [rows, cols]}.
     *
     * @param rows B, the number of responses
     * @param cols T, the padded response length
     * @param logp log pi_theta(y_t), current policy
     * @param oldLogp log pi_theta_old(y_t), the policy that the ratio is taken against
     * @param behaviourLogp log-prob under the sampler that produced y_t (EAD: at tau_t)
     * @param refLogp log pi_ref(y_t) for the KL term
     * @param entropy per-token entropy of pi_theta
     * @param advantages per-token advantage (the response's advantage broadcast)
     * @param mask 1 for response tokens, 0 for padding
     * @param selectionKey random key for Clip-Cov's draw
     */
    public record Inputs(int rows, int cols, double[] logp, double[] oldLogp, double[] behaviourLogp,
                         double[] refLogp, double[] entropy, double[] advantages, double[] mask,
                         long selectionKey) {
    }

    /**
     * The result for one batch.
     *
     * @param loss the scalar loss
     * @param diagnostics the diagnostics vector, indexed by {@link LossDiagnostic#ordinal()}
     * @param tokenPg per-token weighted surrogate w * pg (0 on padding), before aggregation
     * @param tokenPgGrad per-token d(w * pg)/d logp (0 on padding), before aggregation
     * @param gradLogp d loss / d logp, {@code [B * T]}
     * @param gradEntropy d loss / d entropy, {@code [B * T]}
     * @param selected per-token flag: chosen by the Clip-Cov or KL-Cov selection
     */
    public record Result(double loss, double[] diagnostics, double[] tokenPg, double[] tokenPgGrad,
                         double[] gradLogp, double[] gradEntropy, boolean[] selected) {
    }

    /**
     * Computes loss, gradient and diagnostics.
     *
     * @param spec the loss configuration
     * @param in the batch
     * @return the result
     * @throws IllegalArgumentException for arrays of the wrong length, a mask entry other than 0 or
     *         1, or a non-finite input at a valid token (the message names the input and position)
     */
    public static Result compute(PolicyLossSpec spec, Inputs in) {
        final int rows = in.rows();
        final int cols = in.cols();
        final int n = checkShapes(in);
        final double[] logp = in.logp();
        final double[] old = in.oldLogp();
        final double[] adv = in.advantages();
        final double[] mask = in.mask();
        checkValues(in);

        // valid tokens per row, N and S
        int[] rowLen = new int[rows];
        int validTokens = 0;
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < cols; t++) {
                if (mask[b * cols + t] != 0) {
                    rowLen[b]++;
                }
            }
            validTokens += rowLen[b];
        }
        double[] agg = aggregationWeights(spec, rows, cols, rowLen, validTokens);
        double[] diag = new double[LossDiagnostic.COUNT];
        diag[LossDiagnostic.VALID_TOKENS.ordinal()] = validTokens;
        double invN = validTokens == 0 ? 0 : 1.0 / validTokens;

        double[] w = importanceWeights(spec, in, rowLen, diag, invN);

        // surrogate per token (before the importance weight) and its derivative w.r.t. logp
        double[] pg = new double[n];
        double[] dpg = new double[n];
        boolean[] clipped = new boolean[n];
        double ratioSum = 0;
        double ratioMax = 0;
        double ppoKl = 0;
        int clipLow = 0;
        int clipHigh = 0;
        int dual = 0;
        PolicyLossMode mode = spec.mode();
        double lo = 1 - spec.clipRatioLow();
        double hi = 1 + spec.clipRatioHigh();
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) {
                continue;
            }
            double d = logp[i] - old[i];
            double dc = Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, d));
            double r = Math.exp(dc);
            double dr = (d >= -LOG_RATIO_CLAMP && d <= LOG_RATIO_CLAMP) ? r : 0; // clamp passes no gradient outside
            ratioSum += r;
            ratioMax = Math.max(ratioMax, r);
            ppoKl -= dc;
            double a = adv[i];
            double pg1 = -a * r;
            if (mode == PolicyLossMode.KL_COV) {
                pg[i] = pg1;
                dpg[i] = -a * dr;
                continue;
            }
            double rc = Math.max(lo, Math.min(hi, r));
            double pg2 = -a * rc;
            if (pg2 > pg1) {            // the clipped branch is active: constant in logp
                clipped[i] = true;
                pg[i] = pg2;
                dpg[i] = 0;
                if (rc > r) {
                    clipLow++;
                } else {
                    clipHigh++;
                }
            } else {
                pg[i] = pg1;
                dpg[i] = -a * dr;
            }
            if (mode == PolicyLossMode.VANILLA && spec.dualClip() && a < 0) {
                double pg3 = -a * spec.clipRatioC(); // Ye et al. 2019: bound the loss of negative-advantage tokens
                if (pg[i] > pg3) {
                    pg[i] = pg3;
                    dpg[i] = 0;
                    dual++;
                }
            }
        }
        diag[LossDiagnostic.RATIO_MEAN.ordinal()] = ratioSum * invN;
        diag[LossDiagnostic.RATIO_MAX.ordinal()] = ratioMax;
        diag[LossDiagnostic.PPO_KL.ordinal()] = ppoKl * invN;
        diag[LossDiagnostic.CLIP_FRAC.ordinal()] = (clipLow + clipHigh) * invN;
        diag[LossDiagnostic.CLIP_FRAC_LOW.ordinal()] = clipLow * invN;
        diag[LossDiagnostic.CLIP_FRAC_HIGH.ordinal()] = clipHigh * invN;
        diag[LossDiagnostic.DUAL_CLIP_FRAC.ordinal()] = dual * invN;

        boolean[] selected = new boolean[n];
        if (validTokens > 0 && mode != PolicyLossMode.VANILLA) {
            double[] cov = covariance(logp, adv, mask, invN);
            int count;
            if (mode == PolicyLossMode.CLIP_COV) {
                count = selectClipCov(spec, cov, mask, clipped, validTokens, in.selectionKey(), selected);
                for (int i = 0; i < n; i++) {
                    if (selected[i]) {
                        pg[i] = 0;
                        dpg[i] = 0;
                    }
                }
            } else {
                count = selectKlCov(spec, cov, mask, validTokens, selected);
                double beta = spec.ppoKlCoef();
                for (int i = 0; i < n; i++) {
                    if (selected[i]) {
                        double d = logp[i] - old[i];
                        pg[i] += beta * Math.abs(d);
                        dpg[i] += beta * Math.signum(d);
                    }
                }
            }
            diag[LossDiagnostic.COV_SELECTED_FRAC.ordinal()] = count * invN;
        }

        // combine: weighted surrogate, KL to the reference, entropy bonus
        double[] tokenPg = new double[n];
        double[] tokenPgGrad = new double[n];
        double[] gradLogp = new double[n];
        double[] gradEntropy = new double[n];
        double pgLoss = 0;
        double klLoss = 0;
        double entLoss = 0;
        double klMean = 0;
        double entMean = 0;
        double klCoef = spec.klCoef();
        double entCoef = spec.entropyCoeff();
        double[] klGrad = new double[1];
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) {
                continue;
            }
            tokenPg[i] = w[i] * pg[i];
            tokenPgGrad[i] = w[i] * dpg[i];
            double kl = klEstimate(spec.klEstimator(), logp[i], in.refLogp()[i], klGrad);
            double ent = in.entropy()[i];
            pgLoss += agg[i] * tokenPg[i];
            klLoss += agg[i] * kl;
            entLoss += agg[i] * ent;
            klMean += kl;
            entMean += ent;
            gradLogp[i] = agg[i] * (tokenPgGrad[i] + klCoef * klGrad[0]);
            gradEntropy[i] = -entCoef * agg[i];
        }
        diag[LossDiagnostic.PG_LOSS.ordinal()] = pgLoss;
        diag[LossDiagnostic.KL_LOSS.ordinal()] = klLoss;
        diag[LossDiagnostic.ENTROPY_LOSS.ordinal()] = entLoss;
        diag[LossDiagnostic.ENTROPY_MEAN.ordinal()] = entMean * invN;
        diag[LossDiagnostic.KL_REF_MEAN.ordinal()] = klMean * invN;
        double loss = pgLoss + klCoef * klLoss - entCoef * entLoss;
        return new Result(loss, diag, tokenPg, tokenPgGrad, gradLogp, gradEntropy, selected);
    }

    /** d loss / d (per-token loss) for each valid token; the loss is linear in the per-token terms. */
    private static double[] aggregationWeights(PolicyLossSpec spec, int rows, int cols, int[] rowLen, int validTokens) {
        double[] a = new double[rows * cols];
        if (validTokens == 0) {
            return a;
        }
        int sequences = 0;
        for (int len : rowLen) {
            if (len > 0) {
                sequences++;
            }
        }
        for (int b = 0; b < rows; b++) {
            if (rowLen[b] == 0) {
                continue;
            }
            double wb;
            switch (spec.aggregation()) {
                case TOKEN_MEAN:
                    wb = 1.0 / validTokens;
                    break;
                case SEQ_MEAN_TOKEN_SUM:
                    wb = 1.0 / sequences;
                    break;
                case SEQ_MEAN_TOKEN_MEAN:
                    wb = 1.0 / ((double) sequences * rowLen[b]);
                    break;
                case SEQ_MEAN_TOKEN_SUM_NORM:
                    wb = 1.0 / (spec.lossScaleFactor() > 0 ? spec.lossScaleFactor() : cols);
                    break;
                default:
                    throw new IllegalStateException("unhandled aggregation " + spec.aggregation());
            }
            Arrays.fill(a, b * cols, (b + 1) * cols, wb);
        }
        return a;
    }

    /**
     * Truncated importance weights (Yao et al. 2025; EAD paper App. B) and their diagnostics.
     * The raw log-weight is clamped at {@link #LOG_RATIO_CLAMP} for the "before truncation" statistics
     * only, so a wildly off-policy sequence reports e^20 rather than infinity.
     */
    private static double[] importanceWeights(PolicyLossSpec spec, Inputs in, int[] rowLen, double[] diag,
                                              double invN) {
        int rows = in.rows();
        int cols = in.cols();
        double[] mask = in.mask();
        double[] old = in.oldLogp();
        double[] beh = in.behaviourLogp();
        double cap = spec.isCap();
        double logCap = Math.log(cap);
        ImportanceSamplingLevel level = spec.isLevel();
        double[] w = new double[rows * cols];
        Arrays.fill(w, 1.0);
        double rawSum = 0;
        double rawMax = 0;
        double wSum = 0;
        double wMax = 0;
        int truncated = 0;
        int units = 0;
        if (level == ImportanceSamplingLevel.SEQUENCE) {
            for (int b = 0; b < rows; b++) {
                if (rowLen[b] == 0) {
                    continue;
                }
                double s = 0;
                for (int t = 0; t < cols; t++) {
                    int i = b * cols + t;
                    if (mask[i] != 0) {
                        s += old[i] - beh[i];
                    }
                }
                double raw = Math.exp(Math.min(s, LOG_RATIO_CLAMP));
                double wb = s > logCap ? cap : Math.exp(s);
                if (s > logCap) {
                    truncated++;
                }
                Arrays.fill(w, b * cols, (b + 1) * cols, wb);
                rawSum += raw;
                rawMax = Math.max(rawMax, raw);
                wSum += wb;
                wMax = Math.max(wMax, wb);
                units++;
            }
        } else {
            for (int i = 0; i < rows * cols; i++) {
                if (mask[i] == 0) {
                    continue;
                }
                double d = old[i] - beh[i];
                double raw = Math.exp(Math.min(d, LOG_RATIO_CLAMP));
                if (level == ImportanceSamplingLevel.TOKEN) {
                    w[i] = d > logCap ? cap : Math.exp(d);
                    if (d > logCap) {
                        truncated++;
                    }
                }
                rawSum += raw;
                rawMax = Math.max(rawMax, raw);
                wSum += w[i];
                wMax = Math.max(wMax, w[i]);
                units++;
            }
        }
        double invUnits = units == 0 ? 0 : 1.0 / units;
        diag[LossDiagnostic.IS_WEIGHT_MEAN_RAW.ordinal()] = rawSum * invUnits;
        diag[LossDiagnostic.IS_WEIGHT_MAX_RAW.ordinal()] = rawMax;
        diag[LossDiagnostic.IS_WEIGHT_MEAN.ordinal()] = wSum * invUnits;
        diag[LossDiagnostic.IS_WEIGHT_MAX.ordinal()] = wMax;
        diag[LossDiagnostic.IS_TRUNCATED_FRAC.ordinal()] = truncated * invUnits;
        return w;
    }

    /** Cov_i = (A_i - mean A)(logp_i - mean logp) over valid tokens (0 elsewhere). */
    private static double[] covariance(double[] logp, double[] adv, double[] mask, double invN) {
        double meanA = 0;
        double meanLp = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                meanA += adv[i];
                meanLp += logp[i];
            }
        }
        meanA *= invN;
        meanLp *= invN;
        double[] cov = new double[mask.length];
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                cov[i] = (adv[i] - meanA) * (logp[i] - meanLp);
            }
        }
        return cov;
    }

    private static int selectClipCov(PolicyLossSpec spec, double[] cov, double[] mask, boolean[] clipped,
                                     int validTokens, long key, boolean[] selected) {
        int m = 0;
        int[] cand = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0 && !clipped[i] && cov[i] > spec.clipCovLb() && cov[i] < spec.clipCovUb()) {
                cand[m++] = i;
            }
        }
        int k = (int) Math.min(m, Math.max((long) Math.floor(spec.clipCovRatio() * validTokens), 1L));
        // partial Fisher-Yates: positions [0, k) end up a uniform random k-subset of the candidates
        for (int j = 0; j < k; j++) {
            int span = m - j;
            int pick = j + Math.min((int) (RandomStreams.uniform(key, j) * span), span - 1);
            int tmp = cand[j];
            cand[j] = cand[pick];
            cand[pick] = tmp;
            selected[cand[j]] = true;
        }
        return k;
    }

    private static int selectKlCov(PolicyLossSpec spec, double[] cov, double[] mask, int validTokens,
                                   boolean[] selected) {
        int k = (int) Math.min(validTokens, Math.max((long) Math.floor(validTokens * spec.klCovRatio()), 1L));
        double[] sorted = new double[validTokens];
        int m = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                sorted[m++] = cov[i];
            }
        }
        Arrays.sort(sorted);
        double threshold = sorted[validTokens - k];   // the k-th largest covariance
        int above = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0 && cov[i] > threshold) {
                selected[i] = true;
                above++;
            }
        }
        int ties = k - above;                          // fill with tokens equal to the threshold, lowest index first
        for (int i = 0; i < mask.length && ties > 0; i++) {
            if (mask[i] != 0 && cov[i] == threshold) {
                selected[i] = true;
                ties--;
            }
        }
        return k;
    }

    /**
     * One token's KL estimate and its derivative with respect to logp (written to {@code grad[0]}).
     */
    private static double klEstimate(KlEstimator estimator, double logp, double ref, double[] grad) {
        double d = logp - ref;
        switch (estimator) {
            case K1:
                grad[0] = 1;
                return d;
            case ABS:
                grad[0] = Math.signum(d);
                return Math.abs(d);
            case K2:
                grad[0] = d;
                return 0.5 * d * d;
            case K3: {
                double x = -d;                                   // log(pi_ref / pi_theta)
                double xc = Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, x));
                double dxc = (x >= -LOG_RATIO_CLAMP && x <= LOG_RATIO_CLAMP) ? -1 : 0; // d xc / d logp
                double e = Math.exp(xc);
                double k3 = e - xc - 1;
                if (k3 > K3_CLAMP || k3 < -K3_CLAMP) {
                    grad[0] = 0;
                    return Math.max(-K3_CLAMP, Math.min(K3_CLAMP, k3));
                }
                grad[0] = (e - 1) * dxc;
                return k3;
            }
            default:
                throw new IllegalStateException("unhandled KL estimator " + estimator);
        }
    }

    private static int checkShapes(Inputs in) {
        if (in.rows() < 0 || in.cols() < 0) {
            throw new IllegalArgumentException("batch shape [" + in.rows() + ", " + in.cols() + "] is invalid");
        }
        int n = in.rows() * in.cols();
        String[] names = {"logp", "oldLogp", "behaviourLogp", "refLogp", "entropy", "advantages", "mask"};
        double[][] arrays = {in.logp(), in.oldLogp(), in.behaviourLogp(), in.refLogp(), in.entropy(),
                in.advantages(), in.mask()};
        for (int k = 0; k < names.length; k++) {
            if (arrays[k] == null || arrays[k].length != n) {
                throw new IllegalArgumentException(names[k] + " has " + (arrays[k] == null ? "no" : arrays[k].length)
                        + " entries, expected B * T = " + in.rows() + " * " + in.cols() + " = " + n);
            }
        }
        return n;
    }

    private static void checkValues(Inputs in) {
        int cols = in.cols();
        double[] mask = in.mask();
        String[] names = {"logp", "oldLogp", "behaviourLogp", "refLogp", "entropy", "advantages"};
        double[][] arrays = {in.logp(), in.oldLogp(), in.behaviourLogp(), in.refLogp(), in.entropy(), in.advantages()};
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0 && mask[i] != 1) {
                throw new IllegalArgumentException("response mask must be 0 or 1; got " + mask[i] + " at ["
                        + i / cols + ", " + i % cols + "]");
            }
            if (mask[i] == 0) {
                continue;
            }
            for (int k = 0; k < names.length; k++) {
                if (!Double.isFinite(arrays[k][i])) {
                    throw new IllegalArgumentException(names[k] + " is " + arrays[k][i] + " at [" + i / cols + ", "
                            + i % cols + "], a response token (mask 1); losses need finite values there");
                }
            }
        }
    }
}
