package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;

/**
 * Checks a numeric final answer, MATH/GSM8K style (verl {@code math_reward.py} and {@code gsm8k.py},
 * rlvr-peers.md Sec. 7).
 *
 * <p><b>Extraction</b>, first that applies: (1) the last {@code \boxed{...}} with brace matching
 * ({@code boxed}); (2) the last {@code #### answer} within the last {@code tailChars} characters
 * ({@code gsm8k}, verl "strict"); (3) the last number within the last {@code tailChars} characters
 * ({@code lastNumberFallback}, verl "flexible"; off by default). Nothing found: {@code NO_ANSWER}.
 *
 * <p><b>Comparison.</b> The extracted text and the problem's answer are normalised (a subset of
 * verl's {@code strip_string}: dollars, percent, units, spaces, {@code \dfrac}) and read as exact
 * rationals: integers, decimals, {@code a/b}, {@code \frac{a}{b}}, negatives, thousands separators
 * and exponents, so {@code 0.5}, {@code 1/2} and {@code \frac{1}{2}} are equal (verl compares strings;
 * we compare values). When the ground truth is not a number the normalised strings are compared.
 * A number with more than {@code maxDigits} digits in a row is {@code UNPARSEABLE}.
 *
 * <p><b>Differences from verl</b>, all deliberate: values, not strings, are compared (verl scores
 * {@code #### 72.0} against {@code 72} as wrong); {@code \boxed 5} (no braces) is used only when it is
 * the last box (verl prefers it whenever present); {@code \fbox{...}} is unwrapped (verl's
 * {@code remove_boxed} fails on it); the extracted answer is reported for maj@k in canonical form.
 */
public class NumericVerifier implements Verifier {

    private static final String NAME = "NumericVerifier";

    @Config(description = "Look for the last \\boxed{...} (or \\fbox{...}) first, with brace matching "
            + "(verl math_reward last_boxed_only_string). Default: true.")
    private boolean boxed = true;

    @Config(description = "Then look for the last '#### answer' (GSM8K, verl gsm8k.py strict). Default: true.")
    private boolean gsm8k = true;

    @Config(description = "Finally take the last number in the response (verl gsm8k.py flexible). Default: false.")
    private boolean lastNumberFallback = false;

    @Config(description = "Characters at the end of the response searched for '####' and the last number. "
            + "Range [1, inf). verl gsm8k.py: 300.")
    private int tailChars = 300;

    @Config(description = "Most digits in one run of digits, and the largest exponent, before an answer is "
            + "UNPARSEABLE (bounds BigInteger sizes on hostile input). Range [1, 100000]. Default: 1000.")
    private int maxDigits = 1000;

    @Config(description = "Score of a correct answer. verl: 1.0.")
    private double correctScore = 1.0;

    @Config(description = "Score of an answer that was extracted but is wrong or unparseable (verl format_score). "
            + "verl gsm8k: 0.0.")
    private double formatScore = 0.0;

    private NumberParser parser;

    /** For OLCUT; MATH + GSM8K extraction without the last-number fallback. */
    public NumericVerifier() {
        postConfig();
    }

    /**
     * Creates a verifier with the given extraction steps and default limits and scores.
     *
     * @param boxed look for the last \boxed{...}
     * @param gsm8k look for '#### answer'
     * @param lastNumberFallback fall back to the last number
     */
    public NumericVerifier(boolean boxed, boolean gsm8k, boolean lastNumberFallback) {
        this.boxed = boxed;
        this.gsm8k = gsm8k;
        this.lastNumberFallback = lastNumberFallback;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!boxed && !gsm8k && !lastNumberFallback) {
            throw new PropertyException(NAME, "boxed",
                    "boxed, gsm8k and lastNumberFallback are all false: enable at least one extraction step");
        }
        if (tailChars < 1) {
            throw new PropertyException(NAME, "tailChars", "tailChars = " + tailChars + " is invalid: must be >= 1");
        }
        if (maxDigits < 1 || maxDigits > 100_000) {
            throw new PropertyException(NAME, "maxDigits", "maxDigits = " + maxDigits
                    + " is invalid: must be in [1, 100000]");
        }
        VerifierChecks.finiteScore(NAME, "correctScore", correctScore);
        VerifierChecks.finiteScore(NAME, "formatScore", formatScore);
        parser = new NumberParser(maxDigits);
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        AnswerExtractor.Found found = null;
        if (boxed) {
            found = AnswerExtractor.lastBoxed(response);
        }
        if (found == null && gsm8k) {
            found = AnswerExtractor.gsm8k(response, tailChars);
        }
        if (found == null && lastNumberFallback) {
            found = AnswerExtractor.lastNumber(response, tailChars);
        }
        if (found == null) {
            return RewardResult.of(0.0, Reason.NO_ANSWER, null, "no answer found");
        }
        if (found.text() == null) {
            return RewardResult.of(formatScore, Reason.UNPARSEABLE, null, found.problem());
        }
        String predicted = AnswerNormalizer.normalize(found.text());
        String gold = AnswerNormalizer.normalize(problem.answer());
        Rational goldValue;
        try {
            goldValue = parser.parse(gold);
        } catch (AnswerFormatException e) {
            goldValue = null; // a non-numeric ground truth: compare normalised strings
        }
        Rational value;
        try {
            value = parser.parse(predicted);
        } catch (AnswerFormatException e) {
            if (goldValue == null && predicted.equals(gold)) {
                return RewardResult.ok(correctScore, predicted);
            }
            String shown = predicted.length() <= 200 ? predicted : null; // don't keep megabytes for voting
            return RewardResult.of(formatScore, goldValue == null ? Reason.WRONG : Reason.UNPARSEABLE, shown,
                    e.getMessage());
        }
        String canonical = value.toString();
        if (goldValue == null) {
            return RewardResult.of(formatScore, Reason.WRONG, canonical,
                    "expected '" + NumberParser.shorten(gold) + "', got " + canonical);
        }
        if (value.equals(goldValue)) {
            return RewardResult.ok(correctScore, canonical);
        }
        return RewardResult.of(formatScore, Reason.WRONG, canonical, "expected " + goldValue + ", got " + canonical);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "NumericVerifier(boxed=" + boxed + ", gsm8k=" + gsm8k + ", lastNumberFallback=" + lastNumberFallback + ")";
    }
}
