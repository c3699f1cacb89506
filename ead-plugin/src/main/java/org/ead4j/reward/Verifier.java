package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import java.util.List;
import org.ead4j.data.Problem;

/**
 * A rule-based reward: checks a response against a problem's answer. Implementations are pure
 * functions of (problem, response), thread-safe, and must never evaluate code from the response.
 * Run untrusted responses through a {@link BoundedVerifier}, which adds a hard time limit.
 */
public interface Verifier extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Scores one response.
     *
     * @param problem the problem (its {@code answer} is the ground truth)
     * @param response the decoded response text (special tokens removed)
     * @return the verdict; never null, never throws for any response text
     */
    RewardResult verify(Problem problem, String response);

    /**
     * Scores a batch, one response per problem, results in input order.
     *
     * @param problems the problems
     * @param responses the responses, {@code responses.get(i)} answering {@code problems.get(i)}
     * @return one verdict per response, in input order
     */
    default RewardResult[] verifyAll(List<Problem> problems, List<String> responses) {
        BatchChecks.sameSize(problems, responses);
        RewardResult[] out = new RewardResult[responses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = verify(problems.get(i), responses.get(i));
        }
        return out;
    }
}
