package org.ead4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.Map;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class ClipCovLossTest {

    @Test
    void defaultsAreVerls() {
        PolicyLossSpec s = new ClipCovLoss().spec();
        assertEquals(PolicyLossMode.CLIP_COV, s.mode());
        assertEquals(2e-4, s.clipCovRatio());
        assertEquals(1.0, s.clipCovLb());
        assertEquals(5.0, s.clipCovUb());
        assertEquals(0.2, s.clipRatioLow());
        assertEquals(0.2, s.clipRatioHigh());
    }

    @Test
    void masksEveryCandidateWhenTheRatioAllowsIt() {
        LossTestSupport d = new LossTestSupport(4);
        double lb = 0.05;
        double ub = 3;
        // reference: Cov over valid tokens; candidates = not PPO-clipped and lb < Cov < ub; r = 1 masks all of them
        double n = 0;
        double ma = 0;
        double ml = 0;
        for (int b = 0; b < LossTestSupport.B; b++) {
            for (int t = 0; t < LossTestSupport.T; t++) {
                if (d.mask[b][t] > 0) {
                    n++;
                    ma += d.adv[b][t];
                    ml += d.logp[b][t];
                }
            }
        }
        ma /= n;
        ml /= n;
        double[][] pg = new double[LossTestSupport.B][LossTestSupport.T];
        int masked = 0;
        for (int b = 0; b < LossTestSupport.B; b++) {
            for (int t = 0; t < LossTestSupport.T; t++) {
                double r = d.ratio(b, t);
                double a = d.adv[b][t];
                double pg1 = -a * r;
                double pg2 = -a * Math.max(0.8, Math.min(1.2, r));
                double cov = (a - ma) * (d.logp[b][t] - ml);
                boolean candidate = d.mask[b][t] > 0 && !(pg2 > pg1) && cov > lb && cov < ub;
                pg[b][t] = candidate ? 0 : Math.max(pg1, pg2);
                masked += candidate ? 1 : 0;
            }
        }
        assertTrue(masked >= 2, "fixture should have several candidates, has " + masked);
        ClipCovLoss loss = new ClipCovLoss(0.2, 0.2, 1.0, lb, ub, LossAggregation.TOKEN_MEAN, 0, 0, null, null);
        SameDiff sd = d.graph(loss);
        assertEquals(d.tokenMean(pg), LossTestSupport.lossOf(sd), 1e-10);
        assertEquals(masked / n, LossDiagnostic.COV_SELECTED_FRAC.get(sd.output(Map.of(), "diag").get("diag")), 1e-12);
        LossTestSupport.checkGradient(sd);
    }

    @Test
    void needsAKeyAndTheKeyDependsOnSeedAndStep() {
        LossTestSupport d = new LossTestSupport(5);
        SameDiff sd = SameDiff.create();
        LossInputs noKey = LossInputs.builder(sd.var("logp", Nd4j.createFromArray(d.logp)),
                sd.constant(Nd4j.createFromArray(d.old)), sd.constant(Nd4j.createFromArray(d.adv)),
                sd.constant(Nd4j.createFromArray(d.mask))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClipCovLoss().build(sd, noKey));
        assertTrue(e.getMessage().contains("selectionKey"), e.getMessage());
        assertEquals(ClipCovLoss.selectionKey(1, 2, 3), ClipCovLoss.selectionKey(1, 2, 3));
        assertNotEquals(ClipCovLoss.selectionKey(1, 2, 3), ClipCovLoss.selectionKey(1, 3, 3));
        assertNotEquals(ClipCovLoss.selectionKey(1, 2, 3), ClipCovLoss.selectionKey(2, 2, 3));
        PropertyException p = assertThrows(PropertyException.class, () -> new ClipCovLoss(0.2, 0.2, 2e-4, 5, 1));
        assertTrue(p.getMessage().contains("clipCovLb = 5.0"), p.getMessage());
    }
}
