package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ead4j.reward.CountdownPuzzle;
import org.ead4j.reward.CountdownVerifier;
import org.ead4j.reward.Verifier;

/**
 * Countdown: reach a target from 3-4 given numbers with + - * / and parentheses, each number used at
 * most once. Many expressions are correct, so exploration matters (TinyZero's Countdown task, sized
 * for a character-level policy with a sequence length of about 64).
 * <pre>
 *   prompt "3 8 4>20:"         answer "3 8 4>20"          solution "(8-3)*4=20"
 *   prompt "16 8 14 16>22:"    answer "16 8 14 16>22"     solution "8+16-(16-14)=22" (one of many)
 * </pre>
 * <b>Solvable by construction.</b> Draw the count in [{@code minNumbers}, {@code maxNumbers}], then
 * each number uniformly in [{@code minValue}, {@code maxValue}]; repeatedly combine two random
 * sub-expressions with a random operation whose result is a positive integer (subtraction only when
 * positive, division only when exact), until one expression uses all numbers. Its value is the target;
 * the construction is kept when the target is in [{@code minTarget}, {@code maxTarget}] and is not
 * itself one of the numbers (that would be a one-number answer), else retried with the same count. The reference solution is that expression,
 * printed with the fewest parentheses, then {@code "=target"}. Numbers appear in the prompt in draw
 * order; the key is the sorted numbers and the target, so reordered duplicates are dropped.
 *
 * <p>With the defaults (3-4 numbers in 1..20, targets 1..100) prompts are 8-16 characters (mean
 * about 11) and solutions 7-19 characters (mean about 11), so BOS + prompt + solution + EOS is at
 * most 37 tokens with {@link org.ead4j.tokenizer.CharTokenizer}.
 */
public class CountdownTask extends SyntheticTask {

    /** Constructions tried per draw for one count of numbers before the draw is skipped. */
    private static final int CONSTRUCTION_ATTEMPTS = 1000;

    @Config(description = "Fewest numbers per puzzle. Range [2, 6]. Default: 3.")
    private int minNumbers = 3;

    @Config(description = "Most numbers per puzzle. Range [minNumbers, 6]. Default: 4.")
    private int maxNumbers = 4;

    @Config(description = "Smallest given number. Range [1, maxValue]. Default: 1.")
    private int minValue = 1;

    @Config(description = "Largest given number. Range [minValue, 1000]. Default: 20.")
    private int maxValue = 20;

    @Config(description = "Smallest target. Range [1, maxTarget]. Default: 1.")
    private int minTarget = 1;

    @Config(description = "Largest target. Range [minTarget, 1000000]. Default: 100.")
    private int maxTarget = 100;

    @Config(description = "Verifier of the responses. Default: CountdownVerifier, each number at most once.")
    private Verifier verifier = new CountdownVerifier(false);

    /** For OLCUT; 1000 train / 200 eval puzzles with 3-4 numbers in 1..20 and targets in 1..100. */
    public CountdownTask() {
        postConfig();
    }

    /**
     * Creates the task with the default number and target ranges.
     *
     * @param seed generator seed
     * @param trainSize training puzzles
     * @param evalSize evaluation puzzles
     */
    public CountdownTask(long seed, int trainSize, int evalSize) {
        this.seed = seed;
        this.trainSize = trainSize;
        this.evalSize = evalSize;
        postConfig();
    }

    /**
     * Creates the task.
     *
     * @param seed generator seed
     * @param trainSize training puzzles
     * @param evalSize evaluation puzzles
     * @param minNumbers fewest numbers per puzzle
     * @param maxNumbers most numbers per puzzle
     * @param maxValue largest given number (the smallest is 1)
     * @param maxTarget largest target (the smallest is 1)
     */
    public CountdownTask(long seed, int trainSize, int evalSize, int minNumbers, int maxNumbers, int maxValue,
                         int maxTarget) {
        this.seed = seed;
        this.trainSize = trainSize;
        this.evalSize = evalSize;
        this.minNumbers = minNumbers;
        this.maxNumbers = maxNumbers;
        this.maxValue = maxValue;
        this.maxTarget = maxTarget;
        postConfig();
    }

    @Override
    protected void validate() {
        range("minNumbers", minNumbers, 2, 6, "2");
        range("maxNumbers", maxNumbers, minNumbers, 6, "minNumbers (" + minNumbers + ")");
        range("minValue", minValue, 1, 1000, "1");
        range("maxValue", maxValue, minValue, 1000, "minValue (" + minValue + ")");
        range("minTarget", minTarget, 1, 1_000_000, "1");
        range("maxTarget", maxTarget, minTarget, 1_000_000, "minTarget (" + minTarget + ")");
        if (verifier == null) {
            throw new PropertyException("CountdownTask", "verifier", "verifier is missing");
        }
    }


    /** A sub-expression: its value, text, and precedence (3 atom, 2 for * and /, 1 for + and -). */
    private record Expr(long value, String text, int precedence) {
    }

    @Override
    protected Candidate draw(SplittableRandom rng) {
        // the count is drawn once and kept while construction retries, so 3- and 4-number puzzles
        // are equally likely even though 4 numbers miss the target range more often
        int count = minNumbers + rng.nextInt(maxNumbers - minNumbers + 1);
        for (int attempt = 0; attempt < CONSTRUCTION_ATTEMPTS; attempt++) {
            Candidate c = construct(count, rng);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** One random construction with {@code count} numbers, or null when a step or the target is out of range. */
    private Candidate construct(int count, SplittableRandom rng) {
        int[] numbers = new int[count];
        List<Expr> pool = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            numbers[i] = minValue + rng.nextInt(maxValue - minValue + 1);
            pool.add(new Expr(numbers[i], Integer.toString(numbers[i]), 3));
        }
        while (pool.size() > 1) {
            int i = rng.nextInt(pool.size());
            int j = rng.nextInt(pool.size() - 1);
            if (j >= i) {
                j++;
            }
            Expr combined = combine(pool.get(i), pool.get(j), "+-*/".charAt(rng.nextInt(4)));
            if (combined == null) {
                return null; // an invalid step (negative, zero or inexact)
            }
            pool.remove(Math.max(i, j));
            pool.remove(Math.min(i, j));
            pool.add(combined);
        }
        long target = pool.get(0).value();
        if (target < minTarget || target > maxTarget) {
            return null;
        }
        for (int n : numbers) {
            if (n == target) {
                return null;
            }
        }
        List<Integer> given = Arrays.stream(numbers).boxed().toList();
        String answer = new CountdownPuzzle(given, (int) target).toAnswer();
        int[] sorted = numbers.clone();
        Arrays.sort(sorted);
        String key = Arrays.toString(sorted) + ">" + target;
        return new Candidate(key, answer + ":", answer, pool.get(0).text() + "=" + target);
    }

    /** a op b when the result is a positive integer, printed with the fewest parentheses; else null. */
    private static Expr combine(Expr a, Expr b, char op) {
        long v;
        switch (op) {
            case '+' -> v = a.value() + b.value();
            case '-' -> v = a.value() - b.value();
            case '*' -> v = a.value() * b.value();
            default -> {
                if (b.value() == 0 || a.value() % b.value() != 0) {
                    return null;
                }
                v = a.value() / b.value();
            }
        }
        if (v <= 0 || v > 1_000_000_000L) {
            return null;
        }
        int prec = op == '+' || op == '-' ? 1 : 2;
        String left = a.precedence() < prec ? "(" + a.text() + ")" : a.text();
        // the right operand of - and / needs parentheses at equal precedence: a-(b+c), a/(b*c)
        boolean wrapRight = b.precedence() < prec || b.precedence() == prec && (op == '-' || op == '/');
        String right = wrapRight ? "(" + b.text() + ")" : b.text();
        return new Expr(v, left + op + right, prec);
    }

    @Override
    public String name() {
        return "countdown";
    }

    @Override
    public Verifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "CountdownTask(seed=" + seed + ", train=" + trainSize + ", eval=" + evalSize + ", numbers="
                + minNumbers + ".." + maxNumbers + " in " + minValue + ".." + maxValue + ", targets " + minTarget
                + ".." + maxTarget + ")";
    }
}
