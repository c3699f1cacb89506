package org.ead4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;

class KlCovLossTest {

    @Test
    void defaultsAreVerls() {
        PolicyLossSpec s = new KlCovLoss().spec();
        assertEquals(PolicyLossMode.KL_COV, s.mode());
        assertEquals(2e-4, s.klCovRatio());
        assertEquals(1.0, s.ppoKlCoef());
    }

    @Test
    void penalisesTheTopCovarianceTokens() {
        LossTestSupport d = new LossTestSupport(6);
        int rows = LossTestSupport.B;
        int cols = LossTestSupport.T;
        // reference: Cov over valid tokens, top floor(0.3 * 11) = 3 by Cov get 0.7 |logp - old|
        double n = 0;
        double ma = 0;
        double ml = 0;
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < cols; t++) {
                if (d.mask[b][t] > 0) {
                    n++;
                    ma += d.adv[b][t];
                    ml += d.logp[b][t];
                }
            }
        }
        ma /= n;
        ml /= n;
        double[][] cov = new double[rows][cols];
        double[][] pg = new double[rows][cols];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < cols; t++) {
                cov[b][t] = d.mask[b][t] > 0 ? (d.adv[b][t] - ma) * (d.logp[b][t] - ml) : Double.NEGATIVE_INFINITY;
                pg[b][t] = -d.adv[b][t] * d.ratio(b, t);            // no clipping
            }
        }
        for (int k = 0; k < 3; k++) {
            int bb = 0;
            int tt = 0;
            for (int b = 0; b < rows; b++) {
                for (int t = 0; t < cols; t++) {
                    if (cov[b][t] > cov[bb][tt]) {
                        bb = b;
                        tt = t;
                    }
                }
            }
            pg[bb][tt] += 0.7 * Math.abs(d.logp[bb][tt] - d.old[bb][tt]);
            cov[bb][tt] = Double.NEGATIVE_INFINITY;
        }
        KlCovLoss loss = new KlCovLoss(0.3, 0.7, LossAggregation.SEQ_MEAN_TOKEN_MEAN, 0, 0, null, null);
        SameDiff sd = d.graph(loss);
        assertEquals(d.seqMeanTokenMean(pg), LossTestSupport.lossOf(sd), 1e-10);
        LossTestSupport.checkGradient(sd);
    }

    @Test
    void invalidRatioIsNamed() {
        PropertyException e = assertThrows(PropertyException.class, () -> new KlCovLoss(0, 1));
        assertTrue(e.getMessage().contains("klCovRatio = 0.0 is invalid"), e.getMessage());
    }
}
