package org.ead4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.Map;
import org.ead4j.offpolicy.TruncatedImportanceSampling;
import org.ead4j.samediff.ops.loss.ImportanceSamplingLevel;
import org.ead4j.samediff.ops.loss.KlEstimator;
import org.ead4j.samediff.ops.loss.LossAggregation;
import org.ead4j.samediff.ops.loss.LossDiagnostic;
import org.ead4j.samediff.ops.loss.PolicyLossMode;
import org.ead4j.samediff.ops.loss.PolicyLossSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PpoClipLossTest {

    @Test
    void defaultsAreVerls() {
        PolicyLossSpec s = new PpoClipLoss().spec();
        assertEquals(PolicyLossMode.VANILLA, s.mode());
        assertEquals(0.2, s.clipRatioLow());
        assertEquals(0.2, s.clipRatioHigh());
        assertTrue(s.dualClip());
        assertEquals(3.0, s.clipRatioC());
        assertEquals(LossAggregation.TOKEN_MEAN, s.aggregation());
        assertEquals(0, s.klCoef());
        assertEquals(0, s.entropyCoeff());
        assertEquals(ImportanceSamplingLevel.OFF, s.isLevel());
    }

    @Test
    void valueAndGradientMatchTheFormula() {
        LossTestSupport d = new LossTestSupport(1);
        // GRPO as in DeepSeekMath: per-sequence mean, k3 KL 0.04; plus an entropy bonus and token TIS
        PpoClipLoss loss = new PpoClipLoss(0.2, 0.2, true, 3.0, LossAggregation.SEQ_MEAN_TOKEN_MEAN, 0, 0.01,
                new KlPenalty(KlEstimator.K3, 0.04), new TruncatedImportanceSampling(ImportanceSamplingLevel.TOKEN, 2));
        SameDiff sd = d.graph(loss);
        double expected = d.seqMeanTokenMean(LossTestSupport.times(d.ppoClip(0.2, 0.2, 3), d.tokenWeights(2)))
                + 0.04 * d.seqMeanTokenMean(d.k3()) - 0.01 * d.seqMeanTokenMean(d.ent);
        assertEquals(expected, LossTestSupport.lossOf(sd), 1e-10);
        LossTestSupport.checkGradient(sd);

        INDArray diag = sd.output(Map.of(), "diag").get("diag");
        Map<String, Double> named = LossOutputs.diagnosticsMap(diag);
        assertEquals(LossDiagnostic.COUNT, named.size());
        assertEquals(d.tokenMean(d.ent), named.get("loss/entropy"), 1e-12);
        assertEquals(d.tokenMean(d.k3()), named.get("loss/kl_ref_mean"), 1e-12);
        assertEquals(11, named.get("loss/valid_tokens"), 0);
    }

    @Test
    void missingInputsAreNamed() {
        LossTestSupport d = new LossTestSupport(2);
        SameDiff sd = SameDiff.create();
        LossInputs bare = LossInputs.builder(sd.var("logp", Nd4j.createFromArray(d.logp)),
                sd.constant(Nd4j.createFromArray(d.old)), sd.constant(Nd4j.createFromArray(d.adv)),
                sd.constant(Nd4j.createFromArray(d.mask))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PpoClipLoss(0.2, 0.2,
                true, 3, LossAggregation.TOKEN_MEAN, 0, 0, new KlPenalty(KlEstimator.K1, 0.1), null).build(sd, bare));
        assertTrue(e.getMessage().contains("referenceLogProbs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PpoClipLoss(0.2, 0.2, true, 3,
                LossAggregation.TOKEN_MEAN, 0, 0, null, new TruncatedImportanceSampling()).build(sd, bare));
        assertTrue(e.getMessage().contains("behaviourLogProbs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PpoClipLoss(0.2, 0.2, true, 3,
                LossAggregation.TOKEN_MEAN, 0, 0.01, null, null).build(sd, bare));
        assertTrue(e.getMessage().contains("entropy"), e.getMessage());
        // with none of the optional knobs, the bare inputs suffice: -A r clipped, token mean
        LossOutputs out = new PpoClipLoss().build(sd, bare);
        out.loss().rename("loss");
        assertEquals(d.tokenMean(d.ppoClip(0.2, 0.2, 3)), LossTestSupport.lossOf(sd), 1e-10);
    }

    @Test
    void invalidConfigurationNamesTheField() {
        PropertyException e = assertThrows(PropertyException.class, () -> new PpoClipLoss(0.2, 0.2, true, 1.0));
        assertTrue(e.getMessage().contains("clipRatioC = 1.0 is invalid"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new PpoClipLoss(1.5, 0.2, true, 3));
        assertTrue(e.getMessage().contains("clipRatioLow = 1.5 is invalid"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new KlPenalty(KlEstimator.K3, -1));
        assertTrue(e.getMessage().contains("coef = -1.0 is invalid"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new TruncatedImportanceSampling(ImportanceSamplingLevel.TOKEN, 0));
        assertTrue(e.getMessage().contains("cap = 0.0 is invalid"), e.getMessage());
        // dual clip off accepts any c
        assertEquals(false, new PpoClipLoss(0.2, 0.2, false, 0).spec().dualClip());
    }

    @Test
    void provenanceRecreatesTheLoss() {
        PpoClipLoss loss = new PpoClipLoss(0.1, 0.3, true, 5, LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM, 512, 0.02,
                new KlPenalty(KlEstimator.K2, 0.05), new TruncatedImportanceSampling(ImportanceSamplingLevel.SEQUENCE, 1.5));
        String text = ProvenanceUtil.formattedProvenanceString(loss.getProvenance());
        assertTrue(text.contains("clipRatioHigh") && text.contains("SEQ_MEAN_TOKEN_SUM_NORM") && text.contains("K2"), text);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(loss.getProvenance()));
        PpoClipLoss back = (PpoClipLoss) cm.lookupAll(PpoClipLoss.class).get(0);
        assertEquals(loss.spec().toString(), back.spec().toString());
    }
}
