package org.ead4j.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.util.List;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.api.Test;

/** ExactMatchVerifier, FormatReward and WeightedReward. */
class CompositeRewardTest {

    private static final Problem P = new Problem("p", "3 8 4>20:", "3 8 4>20", "countdown");

    @Test
    void exactMatchTrimsAndOptionallyFoldsCase() {
        Problem p = new Problem("e", "capital?", "Paris", "geo");
        assertEquals(Reason.OK, new ExactMatchVerifier(true, false).verify(p, "  Paris\n").reason());
        assertEquals(Reason.WRONG, new ExactMatchVerifier(false, false).verify(p, "  Paris\n").reason());
        assertEquals(Reason.WRONG, new ExactMatchVerifier(true, false).verify(p, "paris").reason());
        RewardResult r = new ExactMatchVerifier(true, true).verify(p, "PARIS");
        assertEquals(Reason.OK, r.reason());
        assertEquals("paris", r.extracted());
        assertEquals(Reason.NO_ANSWER, new ExactMatchVerifier().verify(p, "   ").reason());
    }

    @Test
    void formatRewardMatchesWholeResponse() {
        FormatReward f = new FormatReward("[0-9+*/() -]+=-?[0-9]+");
        assertEquals(1.0, f.verify(P, "(8-3)*4=20").score());
        assertEquals(0.0, f.verify(P, "(8-3)*4").score());
        assertEquals(Reason.WRONG, f.verify(P, "x=20").reason());
        PropertyException e = assertThrows(PropertyException.class, () -> new FormatReward("(unclosed"));
        assertTrue(e.getMessage().contains("not a valid regular expression"), e.getMessage());
    }

    @Test
    void weightedSumFollowsThePrimaryVerifier() {
        WeightedReward w = new WeightedReward(
                List.of(new CountdownVerifier(false), new FormatReward("[0-9+*/() -]+=-?[0-9]+")),
                new double[]{1.0, 0.1});
        RewardResult ok = w.verify(P, "(8-3)*4=20");
        assertEquals(1.1, ok.score(), 1e-12);
        assertEquals(Reason.OK, ok.reason());
        assertEquals("20", ok.extracted());
        RewardResult formatOnly = w.verify(P, "8+3+4=15");
        assertEquals(0.1, formatOnly.score(), 1e-12);
        assertEquals(Reason.WRONG, formatOnly.reason());
        assertEquals("15", formatOnly.extracted());
        assertTrue(formatOnly.detail().contains("FormatReward: correct"), formatOnly.detail());
        assertEquals(0.0, w.verify(P, "nonsense").score());
        assertThrows(PropertyException.class, () -> new WeightedReward(List.of(new ExactMatchVerifier()), new double[]{1, 2}));
        assertThrows(PropertyException.class,
                () -> new WeightedReward(List.of(new ExactMatchVerifier()), new double[]{Double.NaN}));
    }

    @Test
    void weightedRewardProvenanceRebuildsTheComposition() {
        WeightedReward w = new WeightedReward(
                List.of(new CountdownVerifier(true), new FormatReward("[0-9+*/() -]+=-?[0-9]+")),
                new double[]{1.0, 0.25});
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(w.getProvenance()));
        Verifier back = cm.lookupAll(WeightedReward.class).get(0);
        assertEquals(w.getProvenance(), back.getProvenance());
        assertEquals(1.25, back.verify(P, "(8-3)*4=20").score(), 1e-12);
        assertEquals(Reason.WRONG, back.verify(new Problem("q", "3 8 4>24:", "3 8 4>24", "c"), "8*3=24").reason(),
                "requireAllNumbers survived the round trip");
    }
}
