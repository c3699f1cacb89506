package org.ead4j.reward;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ead4j.data.Problem;
import org.ead4j.reward.RewardResult.Reason;

/**
 * Checks a Countdown answer written step by step: every intermediate equation, comma-separated,
 * e.g. {@code "9*3=27,27-5=22,22+8=30"} for the puzzle {@code "9 3 5 8>30"} ({@link CountdownPuzzle}
 * text form, the problem's {@code answer}).
 *
 * <p>Rules, checked equation by equation from the left:
 * <ul>
 *   <li>each equation is {@code a op b = c} with no spaces, {@code op} one of {@code + - * /}, and the
 *       numbers written without sign or leading zeros (at most 9 digits);</li>
 *   <li>each operand is <em>available</em>: a given number or the result of an earlier equation, each
 *       consumed when used (a number given twice may be used twice);</li>
 *   <li>each result is exact: a positive integer ({@code a - b > 0}; {@code a / b} only when
 *       {@code b} divides {@code a}), and the written {@code c} equals it;</li>
 *   <li>the last result equals the target, and, when {@code requireAllNumbers} (the default), nothing
 *       else is left: every given number and every earlier result was used. So a correct response to
 *       an n-number puzzle has exactly n - 1 equations, and its length is fixed by the numbers and the
 *       chosen intermediates (this is what makes the bundled task's responses 40-120 characters).</li>
 * </ul>
 * Leading and trailing whitespace of the whole response is ignored; anything else (a trailing comma,
 * text after the last equation) makes the response {@code UNPARSEABLE}.
 *
 * <p>Verdicts: a correct chain scores {@code correctScore} ({@code OK}); an empty response is
 * {@code NO_ANSWER}; a malformed equation is {@code UNPARSEABLE}; a well-formed chain that breaks a
 * rule is {@code WRONG}. The detail names the first failing equation (1-based) and why. Wrong and
 * unparseable responses score {@code partialCredit * v / (n - 1)}, where v is the number of leading
 * equations that are valid; with the default {@code partialCredit = 0} that is 0 (binary reward). The
 * extracted answer (for maj@k) is the last written result when the chain parses, else null.
 */
public class CountdownStepsVerifier implements Verifier {

    private static final String NAME = "CountdownStepsVerifier";

    /** One equation: two operands, an operator, a result; numbers without sign or leading zeros. */
    private static final Pattern EQUATION = Pattern.compile("(0|[1-9][0-9]{0,8})([-+*/])(0|[1-9][0-9]{0,8})=(0|[1-9][0-9]{0,8})");

    @Config(description = "Require every given number (and every intermediate result) to be used, so a correct chain "
            + "has exactly (numbers - 1) equations. Default: true.")
    private boolean requireAllNumbers = true;

    @Config(description = "Partial credit for a response that is not fully correct: partialCredit * (leading valid "
            + "equations) / (numbers - 1). Range [0, correctScore). Default: 0 (off: binary reward).")
    private double partialCredit = 0.0;

    @Config(description = "Score of a correct chain. Range (0, inf). Default: 1.0.")
    private double correctScore = 1.0;

    @Config(description = "Longest response accepted, in characters; longer is UNPARSEABLE. Range [1, inf). Default: 1000.")
    private int maxChars = 1000;

    /** For OLCUT; all numbers required, binary reward. */
    public CountdownStepsVerifier() {
    }

    /**
     * Creates a verifier with a score of 1 for a correct chain.
     *
     * @param requireAllNumbers whether every given number must be used
     * @param partialCredit partial-credit weight, 0 for a binary reward
     */
    public CountdownStepsVerifier(boolean requireAllNumbers, double partialCredit) {
        this.requireAllNumbers = requireAllNumbers;
        this.partialCredit = partialCredit;
        postConfig();
    }

    @Override
    public void postConfig() {
        VerifierChecks.finiteScore(NAME, "correctScore", correctScore);
        if (!(correctScore > 0)) {
            throw new PropertyException(NAME, "correctScore", "correctScore = " + correctScore
                    + " is invalid: must be > 0");
        }
        if (!(partialCredit >= 0 && partialCredit < correctScore)) {
            throw new PropertyException(NAME, "partialCredit", "partialCredit = " + partialCredit
                    + " is invalid: must be in [0, correctScore = " + correctScore + ") (0 = off)");
        }
        VerifierChecks.atLeast(NAME, "maxChars", maxChars, 1);
    }

    /** @return whether every given number must be used */
    public boolean requireAllNumbers() {
        return requireAllNumbers;
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
        String[] parts = text.split(",", -1);
        long[][] eqs = new long[parts.length][];
        char[] ops = new char[parts.length];
        int steps = Math.max(1, puzzle.numbers().size() - 1);
        for (int i = 0; i < parts.length; i++) {
            Matcher m = EQUATION.matcher(parts[i]);
            if (!m.matches()) {
                // the chain is judged up to here, so partial credit still counts the valid prefix
                int valid = validPrefix(puzzle, eqs, ops, i);
                String why = parts[i].isEmpty() ? "is empty" : "'" + NumberParser.shorten(parts[i])
                        + "' is not of the form a+b=c (operators + - * /, no spaces, no leading zeros)";
                return RewardResult.of(partial(valid, steps), Reason.UNPARSEABLE, null,
                        "equation " + (i + 1) + " " + why);
            }
            eqs[i] = new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))};
            ops[i] = m.group(2).charAt(0);
        }
        String extracted = Long.toString(eqs[parts.length - 1][2]);
        Map<Long, Integer> available = given(puzzle);
        for (int i = 0; i < parts.length; i++) {
            String fail = step(available, eqs[i], ops[i]);
            if (fail != null) {
                return RewardResult.of(partial(i, steps), Reason.WRONG, extracted, "equation " + (i + 1) + " "
                        + parts[i] + ": " + fail);
            }
        }
        long last = eqs[parts.length - 1][2];
        if (last != puzzle.target()) {
            return RewardResult.of(partial(parts.length, steps), Reason.WRONG, extracted,
                    "the last result is " + last + ", not the target " + puzzle.target());
        }
        available.merge(last, -1, Integer::sum);
        if (requireAllNumbers) {
            for (Map.Entry<Long, Integer> e : available.entrySet()) {
                if (e.getValue() > 0) {
                    return RewardResult.of(partial(parts.length, steps), Reason.WRONG, extracted, "reaches "
                            + puzzle.target() + " but leaves " + e.getKey() + " unused (every number must be used)");
                }
            }
        }
        return RewardResult.ok(correctScore, extracted);
    }

    /** @return the multiset of given numbers */
    private static Map<Long, Integer> given(CountdownPuzzle puzzle) {
        Map<Long, Integer> available = new HashMap<>();
        for (int n : puzzle.numbers()) {
            available.merge((long) n, 1, Integer::sum);
        }
        return available;
    }

    /** @return how many of the first {@code count} parsed equations are valid in a row */
    private static int validPrefix(CountdownPuzzle puzzle, long[][] eqs, char[] ops, int count) {
        Map<Long, Integer> available = given(puzzle);
        for (int i = 0; i < count; i++) {
            if (step(available, eqs[i], ops[i]) != null) {
                return i;
            }
        }
        return count;
    }

    /**
     * Applies one equation to the available numbers.
     *
     * @return why it is invalid, or null when valid (then its operands are consumed and its result added)
     */
    private static String step(Map<Long, Integer> available, long[] eq, char op) {
        long a = eq[0];
        long b = eq[1];
        long c = eq[2];
        if (available.getOrDefault(a, 0) < 1) {
            return a + " is not available (" + describe(available) + ")";
        }
        available.merge(a, -1, Integer::sum);
        if (available.getOrDefault(b, 0) < 1) {
            available.merge(a, 1, Integer::sum);
            return b + " is not available" + (a == b ? " twice" : "") + " (" + describe(available) + ")";
        }
        available.merge(b, -1, Integer::sum);
        long v;
        switch (op) {
            case '+' -> v = a + b; // at most 2 * 999999999: no overflow
            case '-' -> v = a - b;
            case '*' -> v = a * b; // at most (10^9)^2 < 2^63
            default -> {
                if (b == 0 || a % b != 0) {
                    return a + "/" + b + (b == 0 ? " divides by zero" : " is not an integer");
                }
                v = a / b;
            }
        }
        if (v <= 0) {
            return a + "" + op + b + " = " + v + " is not a positive integer";
        }
        if (v != c) {
            return a + "" + op + b + " = " + v + ", not " + c;
        }
        available.merge(c, 1, Integer::sum);
        return null;
    }

    /** @return the available numbers, e.g. "available: 5 8 27" */
    private static String describe(Map<Long, Integer> available) {
        StringBuilder sb = new StringBuilder("available:");
        available.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    for (int k = 0; k < e.getValue(); k++) {
                        sb.append(' ').append(e.getKey());
                    }
                });
        return sb.toString();
    }

    private double partial(int valid, int steps) {
        return partialCredit * Math.min(valid, steps) / steps;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "Verifier");
    }

    @Override
    public String toString() {
        return "CountdownStepsVerifier(requireAllNumbers=" + requireAllNumbers + ", partialCredit=" + partialCredit + ")";
    }
}
