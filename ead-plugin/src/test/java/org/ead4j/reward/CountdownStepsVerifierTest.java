package org.ead4j.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;
import org.junit.jupiter.api.Test;

/** Accept and reject cases of the step-by-step Countdown verifier, with the reason it gives. */
class CountdownStepsVerifierTest {

    private static final Problem P = new Problem("p", "9 3 5 8>30:", "9 3 5 8>30", "countdown-steps",
            "9*3=27,27-5=22,22+8=30");
    private static final CountdownStepsVerifier V = new CountdownStepsVerifier();

    private static RewardResult check(String response) {
        return V.verify(P, response);
    }

    private static void rejects(String response, Reason reason, String detailPart) {
        RewardResult r = check(response);
        assertEquals(reason, r.reason(), response + " -> " + r);
        assertEquals(0.0, r.score(), 0.0, response);
        assertTrue(r.detail().contains(detailPart), response + " -> " + r.detail());
    }

    @Test
    void acceptsEveryValidChain() {
        // four different plans for 30 from 9 3 5 8, every number once; a given 3 and a computed 3 are both usable
        for (String ok : new String[]{"9*3=27,27-5=22,22+8=30", "8-5=3,9*3=27,27+3=30", "9*3=27,27+8=35,35-5=30",
                "8+5=13,3*13=39,39-9=30", "  9*3=27,27-5=22,22+8=30\n"}) {
            RewardResult r = check(ok);
            assertEquals(Reason.OK, r.reason(), ok + " -> " + r);
            assertEquals(1.0, r.score(), 0.0);
            assertEquals("30", r.extracted());
            assertEquals("correct", r.detail());
        }
    }

    @Test
    void rejectsWithTheFailingEquationAndWhy() {
        rejects("", Reason.NO_ANSWER, "empty");
        rejects("   ", Reason.NO_ANSWER, "empty");
        rejects("9*3=28,28-5=23,23+7=30", Reason.WRONG, "equation 1 9*3=28: 9*3 = 27, not 28");
        rejects("9*3=27,27-5=22,22+9=31", Reason.WRONG, "equation 3 22+9=31: 9 is not available (available: 8 22)");
        rejects("9*3=27,27-9=18,18+8=26", Reason.WRONG, "equation 2 27-9=18: 9 is not available");
        rejects("9*3=27,27-4=23,23+8=31", Reason.WRONG, "equation 2 27-4=23: 4 is not available");
        rejects("9*3=27,27/5=5,5+8=13", Reason.WRONG, "equation 2 27/5=5: 27/5 is not an integer");
        rejects("5-8=3,9*3=27,27+3=30", Reason.WRONG, "equation 1 5-8=3: 5-8 = -3 is not a positive integer");
        rejects("9*3=27,27-5=22,22+8=30,", Reason.UNPARSEABLE, "equation 4 is empty");
        rejects("9*3=27,27-5=22,22+8=30x", Reason.UNPARSEABLE, "equation 3 '22+8=30x' is not of the form");
        rejects("9*3=27,27-5=22,22+8=30 done", Reason.UNPARSEABLE, "equation 3");
        rejects("9 * 3=27", Reason.UNPARSEABLE, "equation 1");
        rejects("09*3=27,27-5=22,22+8=30", Reason.UNPARSEABLE, "no leading zeros");
        rejects("(9*3)-5=22", Reason.UNPARSEABLE, "equation 1");
        rejects("9*3=27,27+5=32,32-8=24", Reason.WRONG, "the last result is 24, not the target 30");
        rejects("9*3=27,27+3=30", Reason.WRONG, "equation 2 27+3=30: 3 is not available");
        rejects("3*8=24,24+9=33,33-5=28", Reason.WRONG, "the last result is 28");
        rejects("9*3=27,27+8=35,35-5=30,30*1=30", Reason.WRONG, "equation 4 30*1=30: 1 is not available");
        rejects("9*3=27,27-5=22,22+8=30,30-30=0", Reason.WRONG, "equation 4 30-30=0: 30 is not available twice");
        rejects("8/0=1", Reason.WRONG, "0 is not available");
        rejects("9*3=27,27+8=35", Reason.WRONG, "the last result is 35");
        Problem p = new Problem("q", "6 5 4 2>30:", "6 5 4 2>30", "countdown-steps", "6*5=30,4/2=2,30-2=28");
        RewardResult unused = V.verify(p, "6*5=30");
        assertEquals(Reason.WRONG, unused.reason());
        assertTrue(unused.detail().contains("leaves 2 unused") || unused.detail().contains("leaves 4 unused"),
                unused.detail());
        assertEquals(Reason.OK, new CountdownStepsVerifier(false, 0.0).verify(p, "6*5=30").reason(),
                "without requireAllNumbers a subset may be used");
        String huge = "9".repeat(10) + "*3=1";
        rejects(huge, Reason.UNPARSEABLE, "equation 1");
        rejects("1,".repeat(600), Reason.UNPARSEABLE, "maxChars");
    }

    @Test
    void duplicateGivenNumbersCanEachBeUsedOnce() {
        Problem p = new Problem("d", "7 7 2>98:", "7 7 2>98", "countdown-steps", "7*7=49,49*2=98");
        assertEquals(Reason.OK, V.verify(p, "7*7=49,49*2=98").reason());
        assertEquals(Reason.OK, V.verify(p, "7*2=14,14*7=98").reason());
        RewardResult thrice = V.verify(p, "7*7=49,49+7=56");
        assertTrue(thrice.detail().contains("7 is not available"), thrice.detail());
    }

    @Test
    void partialCreditCountsTheValidLeadingEquations() {
        CountdownStepsVerifier partial = new CountdownStepsVerifier(true, 0.5);
        assertEquals(1.0, partial.verify(P, "9*3=27,27-5=22,22+8=30").score(), 0.0);
        assertEquals(0.5 * 2 / 3, partial.verify(P, "9*3=27,27-5=22,22+9=31").score(), 1e-12);
        assertEquals(0.0, partial.verify(P, "9*3=28,28-5=23,23+7=30").score(), 0.0);
        assertEquals(0.5, partial.verify(P, "9*3=27,27+5=32,32-8=24").score(), 1e-12); // all valid, wrong value
        assertEquals(0.5 * 2 / 3, partial.verify(P, "9*3=27,27-5=22,x").score(), 1e-12);
        assertEquals(0.5 / 3, partial.verify(P, "9*3=27,27-9=18,x").score(), 1e-12);
        assertEquals(0.0, partial.verify(P, "").score(), 0.0);
        // off by default: every wrong answer scores 0
        assertEquals(0.0, V.verify(P, "9*3=27,27-5=22,22+9=31").score(), 0.0);
    }

    @Test
    void configValidationNamesFieldAndRange() {
        PropertyException e = assertThrows(PropertyException.class, () -> new CountdownStepsVerifier(true, 1.0));
        assertTrue(e.getMessage().contains("partialCredit = 1.0 is invalid: must be in [0, correctScore = 1.0)"),
                e.getMessage());
        e = assertThrows(PropertyException.class, () -> new CountdownStepsVerifier(true, -0.1));
        assertTrue(e.getMessage().contains("partialCredit = -0.1"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> new CountdownStepsVerifier(true, Double.NaN));
        assertTrue(e.getMessage().contains("partialCredit = NaN"), e.getMessage());
    }

    @Test
    void provenanceRoundTrip() {
        CountdownStepsVerifier v = new CountdownStepsVerifier(false, 0.25);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(ProvenanceUtil.extractConfiguration(v.getProvenance()));
        CountdownStepsVerifier back = cm.lookupAll(CountdownStepsVerifier.class).get(0);
        assertEquals(v.getProvenance(), back.getProvenance());
        assertEquals(0.25 * 2 / 3, back.verify(P, "9*3=27,27-5=22,22+9=31").score(), 1e-12);
        assertNull(back.verify(P, "abc").extracted());
    }
}
