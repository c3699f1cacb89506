package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Locale;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;

/**
 * The whole response must equal the answer, after optional trimming and case folding. An empty
 * (normalised) response is {@code NO_ANSWER}.
 */
public class ExactMatchVerifier implements Verifier {

    @Config(description = "Strip leading and trailing whitespace from response and answer before comparing. Default: true.")
    private boolean trim = true;

    @Config(description = "Compare case-insensitively (Locale.ROOT lower case). Default: false.")
    private boolean ignoreCase = false;

    @Config(description = "Score of a match. Default: 1.0.")
    private double correctScore = 1.0;

    /** For OLCUT; trims, case-sensitive. */
    public ExactMatchVerifier() {
    }

    /**
     * Creates a verifier.
     *
     * @param trim strip surrounding whitespace
     * @param ignoreCase compare case-insensitively
     */
    public ExactMatchVerifier(boolean trim, boolean ignoreCase) {
        this.trim = trim;
        this.ignoreCase = ignoreCase;
        postConfig();
    }

    @Override
    public void postConfig() {
        VerifierChecks.finiteScore("ExactMatchVerifier", "correctScore", correctScore);
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        String r = normalize(response);
        if (r.isEmpty()) {
            return RewardResult.of(0.0, Reason.NO_ANSWER, null, "empty response");
        }
        String extracted = r.length() <= 200 ? r : null; // don't keep megabytes for voting
        if (r.equals(normalize(problem.answer()))) {
            return RewardResult.ok(correctScore, extracted);
        }
        return RewardResult.of(0.0, Reason.WRONG, extracted, "response differs from the answer");
    }

    private String normalize(String s) {
        String t = trim ? s.strip() : s;
        return ignoreCase ? t.toLowerCase(Locale.ROOT) : t;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "ExactMatchVerifier(trim=" + trim + ", ignoreCase=" + ignoreCase + ")";
    }
}
