package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;

/**
 * A format reward: {@code score} when the response matches a regular expression, else 0 (as TRL's
 * {@code think_format_reward} or TinyZero's format score). Combine it with an accuracy verifier in a
 * {@link WeightedReward}. Whether a response ended with EOS or was truncated is known to the rollout
 * engine, not to the text: handle truncation there (overlong shaping, {@code response_length/clip_ratio}).
 *
 * <p>The match reads the response through a character sequence that checks the thread's interrupt
 * flag, so a pathological pattern (catastrophic backtracking) stops when a {@link BoundedVerifier}
 * times it out instead of burning a thread.
 */
public class FormatReward implements Verifier {

    private static final String NAME = "FormatReward";

    @Config(mandatory = true, description = "java.util.regex pattern the response must match, e.g. "
            + "'[0-9+*/() -]+=-?[0-9]+' for a Countdown answer.")
    private String pattern;

    @Config(description = "true: the whole response must match (Matcher.matches); false: some part (Matcher.find). Default: true.")
    private boolean fullMatch = true;

    @Config(description = "Score of a matching response. Default: 1.0.")
    private double score = 1.0;

    @Config(description = "Longest response checked, in characters; longer scores 0 (UNPARSEABLE). Default: 100000.")
    private int maxChars = 100_000;

    private Pattern compiled;

    /** For OLCUT. */
    public FormatReward() {
    }

    /**
     * Creates a format reward scoring 1 on a full match.
     *
     * @param pattern the regular expression
     */
    public FormatReward(String pattern) {
        this.pattern = pattern;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (pattern == null) {
            throw new PropertyException(NAME, "pattern", "pattern is missing: give a java.util.regex pattern");
        }
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new PropertyException(NAME, "pattern", "pattern = '" + pattern + "' is not a valid regular expression: "
                    + e.getDescription());
        }
        VerifierChecks.finiteScore(NAME, "score", score);
        VerifierChecks.atLeast(NAME, "maxChars", maxChars, 1);
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        if (response.length() > maxChars) {
            return RewardResult.of(0.0, Reason.UNPARSEABLE, null,
                    "response has " + response.length() + " characters, more than maxChars " + maxChars);
        }
        try {
            var m = compiled.matcher(new InterruptibleCharSequence(response));
            boolean ok = fullMatch ? m.matches() : m.find();
            return ok ? RewardResult.ok(score, null)
                    : RewardResult.of(0.0, Reason.WRONG, null, "response does not match /" + pattern + "/");
        } catch (InterruptibleCharSequence.Interrupted e) {
            Thread.currentThread().interrupt();
            return RewardResult.of(0.0, Reason.TIMEOUT, null, "format check interrupted");
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "FormatReward(/" + pattern + "/)";
    }
}
