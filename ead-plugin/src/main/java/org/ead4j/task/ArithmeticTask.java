package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.SplittableRandom;
import org.ead4j.reward.NumericVerifier;
import org.ead4j.reward.Verifier;

/**
 * Multi-digit integer arithmetic: {@code a op b} with op in {@code operations}.
 * <pre>
 *   prompt "47+85="   solution "132"   answer "132"   (prompt + solution = "47+85=132")
 *   prompt "63-8="    solution "55"
 *   prompt "12*34="   solution "408"
 * </pre>
 * Each operand has a digit count drawn uniformly from [{@code minDigits}, {@code maxDigits}] and
 * is uniform among numbers of that many digits (0..9 for one digit). With {@code nonNegative}, the
 * operands of a subtraction are swapped when needed so the result is &gt;= 0. Prompts are at most
 * {@code 2 * maxDigits + 2} characters, solutions at most {@code 2 * maxDigits} (+1 for a minus sign).
 * The default verifier reads the last number of the response ({@link NumericVerifier} with only the
 * last-number step). The key is the prompt, so each expression appears once.
 */
public class ArithmeticTask extends SyntheticTask {

    @Config(description = "Fewest digits of an operand. Range [1, 9]. Default: 1.")
    private int minDigits = 1;

    @Config(description = "Most digits of an operand. Range [minDigits, 9]. Default: 2.")
    private int maxDigits = 2;

    @Config(description = "The operations to draw from, a non-empty string over '+', '-', '*'. Default: \"+-*\".")
    private String operations = "+-*";

    @Config(description = "Swap the operands of a subtraction when needed so no answer is negative. Default: true.")
    private boolean nonNegative = true;

    @Config(description = "Verifier of the responses. Default: NumericVerifier reading the last number.")
    private Verifier verifier = new NumericVerifier(false, false, true);

    /** For OLCUT; 1000 train / 200 eval problems with 1-2 digit operands and + - *. */
    public ArithmeticTask() {
        postConfig();
    }

    /**
     * Creates the task.
     *
     * @param seed generator seed
     * @param trainSize training problems
     * @param evalSize evaluation problems
     * @param minDigits fewest digits per operand
     * @param maxDigits most digits per operand
     * @param operations operations drawn from, e.g. "+-*"
     */
    public ArithmeticTask(long seed, int trainSize, int evalSize, int minDigits, int maxDigits, String operations) {
        this.seed = seed;
        this.trainSize = trainSize;
        this.evalSize = evalSize;
        this.minDigits = minDigits;
        this.maxDigits = maxDigits;
        this.operations = operations;
        postConfig();
    }

    @Override
    protected void validate() {
        String me = "ArithmeticTask";
        if (minDigits < 1 || minDigits > 9) {
            throw new PropertyException(me, "minDigits", "minDigits = " + minDigits + " is invalid: must be in [1, 9]");
        }
        if (maxDigits < minDigits || maxDigits > 9) {
            throw new PropertyException(me, "maxDigits", "maxDigits = " + maxDigits
                    + " is invalid: must be in [minDigits (" + minDigits + "), 9]");
        }
        if (operations == null || operations.isEmpty() || !operations.chars().allMatch(c -> c == '+' || c == '-' || c == '*')) {
            throw new PropertyException(me, "operations", "operations = \"" + operations
                    + "\" is invalid: must be a non-empty string over '+', '-', '*'");
        }
        if (verifier == null) {
            throw new PropertyException(me, "verifier", "verifier is missing");
        }
    }

    @Override
    protected Candidate draw(SplittableRandom rng) {
        long a = operand(rng);
        long b = operand(rng);
        char op = operations.charAt(rng.nextInt(operations.length()));
        if (op == '-' && nonNegative && a < b) {
            long t = a;
            a = b;
            b = t;
        }
        long result = switch (op) {
            case '+' -> a + b;
            case '-' -> a - b;
            default -> a * b;
        };
        String prompt = a + String.valueOf(op) + b + "=";
        String answer = Long.toString(result);
        return new Candidate(prompt, prompt, answer, answer);
    }

    private long operand(SplittableRandom rng) {
        int digits = minDigits + rng.nextInt(maxDigits - minDigits + 1);
        long lo = digits == 1 ? 0 : pow10(digits - 1);
        return lo + rng.nextLong(pow10(digits) - lo);
    }

    private static long pow10(int e) {
        long p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }

    @Override
    public String name() {
        return "arithmetic";
    }

    @Override
    public Verifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "ArithmeticTask(seed=" + seed + ", train=" + trainSize + ", eval=" + evalSize + ", digits=" + minDigits
                + ".." + maxDigits + ", operations=\"" + operations + "\")";
    }
}
