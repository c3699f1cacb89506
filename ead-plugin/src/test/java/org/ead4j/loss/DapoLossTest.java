package org.ead4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;

class DapoLossTest {

    @Test
    void defaultsAreDapos() {
        PolicyLossSpec s = new DapoLoss().spec();
        assertEquals(0.2, s.clipRatioLow());
        assertEquals(0.28, s.clipRatioHigh());
        assertEquals(LossAggregation.TOKEN_MEAN, s.aggregation());
        assertEquals(3.0, s.clipRatioC());
        assertEquals(0, s.klCoef());
    }

    @Test
    void valueAndGradientWithTokenTis() {
        LossTestSupport d = new LossTestSupport(3);
        DapoLoss loss = new DapoLoss(0.2, 0.28, true, 3, 0, null, new TruncatedImportanceSampling());
        SameDiff sd = d.graph(loss);
        double expected = d.tokenMean(LossTestSupport.times(d.ppoClip(0.2, 0.28, 3), d.tokenWeights(2)));
        assertEquals(expected, LossTestSupport.lossOf(sd), 1e-10);
        LossTestSupport.checkGradient(sd);
    }

    @Test
    void defaultsSurviveTheProvenanceRoundTrip() {
        DapoLoss loss = new DapoLoss();
        loss.postConfig();
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(loss.getProvenance()));
        DapoLoss back = (DapoLoss) cm.lookupAll(DapoLoss.class).get(0);
        assertEquals(loss.spec().toString(), back.spec().toString());
    }
}
