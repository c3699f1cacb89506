package org.ead4j.it.reliability;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult;
import org.ead4j.reward.Verifier;

/**
 * Test-only graded reward: the share of digits among the response's characters. A tiny untrained policy
 * almost never solves a task, so with a pass/fail verifier every group has equal rewards, zero
 * advantages and no update; this reward differs within groups from the first step, so every RL step
 * really changes the weights and a kill-and-resume comparison of final weights means something.
 */
public class DigitShareVerifier implements Verifier {

    /** For OLCUT. */
    public DigitShareVerifier() {
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        if (response.isEmpty()) {
            return RewardResult.of(0.0, RewardResult.Reason.NO_ANSWER, null, "empty response");
        }
        int digits = 0;
        for (int i = 0; i < response.length(); i++) {
            digits += Character.isDigit(response.charAt(i)) ? 1 : 0;
        }
        return RewardResult.of(digits / (double) response.length(), RewardResult.Reason.WRONG, null, "digit share");
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }
}
