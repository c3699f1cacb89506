package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.HashMap;
import java.util.Map;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;

/**
 * Checks a Countdown answer: an arithmetic expression over the given numbers that equals the target.
 * The problem's {@code answer} is the puzzle ({@link CountdownPuzzle}, e.g. {@code "3 8 4>20"}); the
 * response is an expression, optionally followed by {@code =value} (e.g. {@code "(8-3)*4=20"}).
 *
 * <p>Rules: each given number at most once (all of them when {@code requireAllNumbers}), no other
 * numbers, + - * / and parentheses only, no unary minus; exact rational arithmetic, so intermediate
 * fractions are fine ({@code 8/(3-8/3) = 24}). A claimed {@code =value} must be the target.
 *
 * <p>Verdicts: syntax errors, nesting deeper than {@code maxDepth} and responses longer than
 * {@code maxChars} are {@code UNPARSEABLE} (score 0); a number not given or used too often, a missing
 * number, a division by zero, a wrong value or a wrong claim are {@code WRONG} ({@code formatScore});
 * the extracted answer for maj@k voting is the expression's value (e.g. {@code "20"}), null if undefined.
 * Like TinyZero's countdown reward, but "at most once" by default as in the classic game.
 */
public class CountdownVerifier implements Verifier {

    private static final String NAME = "CountdownVerifier";

    @Config(description = "Require every given number to be used exactly once (TinyZero's rule). "
            + "Default: false (each at most once, the classic game).")
    private boolean requireAllNumbers = false;

    @Config(description = "Deepest parenthesis nesting accepted; deeper is UNPARSEABLE (no stack overflow). "
            + "Range [1, 1000]. Default: 32.")
    private int maxDepth = 32;

    @Config(description = "Longest response accepted, in characters; longer is UNPARSEABLE. Range [1, inf). Default: 1000.")
    private int maxChars = 1000;

    @Config(description = "Score of a correct expression. Default: 1.0.")
    private double correctScore = 1.0;

    @Config(description = "Score of a well-formed but wrong expression (TinyZero format_score: 0.1). Default: 0.0.")
    private double formatScore = 0.0;

    /** For OLCUT; each number at most once. */
    public CountdownVerifier() {
    }

    /**
     * Creates a verifier.
     *
     * @param requireAllNumbers whether every number must be used
     */
    public CountdownVerifier(boolean requireAllNumbers) {
        this.requireAllNumbers = requireAllNumbers;
        postConfig();
    }

    /**
     * Creates a verifier with explicit limits.
     *
     * @param requireAllNumbers whether every number must be used
     * @param maxDepth deepest parenthesis nesting accepted
     * @param maxChars longest response accepted
     */
    public CountdownVerifier(boolean requireAllNumbers, int maxDepth, int maxChars) {
        this.requireAllNumbers = requireAllNumbers;
        this.maxDepth = maxDepth;
        this.maxChars = maxChars;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (maxDepth < 1 || maxDepth > 1000) {
            throw new PropertyException(NAME, "maxDepth", "maxDepth = " + maxDepth + " is invalid: must be in [1, 1000]");
        }
        VerifierChecks.atLeast(NAME, "maxChars", maxChars, 1);
        VerifierChecks.finiteScore(NAME, "correctScore", correctScore);
        VerifierChecks.finiteScore(NAME, "formatScore", formatScore);
    }

    @Override
    public RewardResult verify(Problem problem, String response) {
        CountdownPuzzle puzzle = CountdownPuzzle.parse(problem.answer());
        String text = response.strip();
        if (text.isEmpty()) {
            return RewardResult.of(0.0, Reason.NO_ANSWER, null, "empty response");
        }
        if (text.length() > maxChars) {
            return RewardResult.of(0.0, Reason.UNPARSEABLE, null,
                    "response has " + text.length() + " characters, more than maxChars " + maxChars);
        }
        String expression = text;
        Rational claimed = null;
        int eq = text.lastIndexOf('=');
        if (eq >= 0) {
            expression = text.substring(0, eq);
            String rhs = text.substring(eq + 1).strip();
            try {
                claimed = new NumberParser(10).parse(rhs);
            } catch (AnswerFormatException e) {
                return RewardResult.of(0.0, Reason.UNPARSEABLE, null, "after '=': " + e.getMessage());
            }
        }
        CountdownExpression.Result r;
        try {
            r = CountdownExpression.evaluate(expression, maxDepth);
        } catch (AnswerFormatException e) {
            return RewardResult.of(0.0, Reason.UNPARSEABLE, null, e.getMessage());
        }
        String extracted = r.value() == null ? null : r.value().toString();
        String misuse = checkNumbers(puzzle, r);
        if (misuse != null) {
            return RewardResult.of(formatScore, Reason.WRONG, extracted, misuse);
        }
        if (r.divisionByZero()) {
            return RewardResult.of(formatScore, Reason.WRONG, null, "division by zero");
        }
        Rational target = Rational.of(puzzle.target());
        if (claimed != null && !claimed.equals(target)) {
            return RewardResult.of(formatScore, Reason.WRONG, extracted,
                    "claims " + claimed + " but the target is " + puzzle.target());
        }
        if (!r.value().equals(target)) {
            return RewardResult.of(formatScore, Reason.WRONG, extracted,
                    "the expression equals " + r.value() + ", not " + puzzle.target());
        }
        return RewardResult.ok(correctScore, extracted);
    }

    /** @return what breaks the number rules, or null when the literals are a sub-multiset of the given numbers */
    private String checkNumbers(CountdownPuzzle puzzle, CountdownExpression.Result r) {
        Map<String, Integer> left = new HashMap<>();
        for (int n : puzzle.numbers()) {
            left.merge(Integer.toString(n), 1, Integer::sum);
        }
        for (String lit : r.literals()) {
            String key = stripLeadingZeros(lit);
            Integer count = left.get(key);
            if (count == null) {
                return "uses " + NumberParser.shorten(lit) + ", which is not one of the given numbers " + puzzle.numbers();
            }
            if (count == 0) {
                return "uses " + key + " more often than given " + puzzle.numbers();
            }
            left.put(key, count - 1);
        }
        if (requireAllNumbers) {
            for (Map.Entry<String, Integer> e : left.entrySet()) {
                if (e.getValue() > 0) {
                    return "does not use " + e.getKey() + " (every number must be used)";
                }
            }
        }
        return null;
    }

    private static String stripLeadingZeros(String lit) {
        int i = 0;
        while (i < lit.length() - 1 && lit.charAt(i) == '0') {
            i++;
        }
        return lit.substring(i);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "CountdownVerifier(requireAllNumbers=" + requireAllNumbers + ", maxDepth=" + maxDepth + ")";
    }
}
