package org.ead4j.task;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ead4j.reward.CountdownPuzzle;
import org.ead4j.reward.CountdownStepsVerifier;
import org.ead4j.reward.Verifier;

/**
 * Countdown written step by step: reach a target from 4-6 given numbers, writing every intermediate
 * equation, comma-separated, each number (given or an earlier result) used once and every number
 * used. A task with a plan and an execution: the first equations choose which numbers to combine
 * (several choices lead to the target, most do not), the rest must carry that plan out with exact
 * arithmetic.
 * <pre>
 *   prompt "17 21 1 13 22 19>504:"   answer "17 21 1 13 22 19>504"
 *   one correct response             "1+13=14,22-21=1,17+19=36,14*1=14,36*14=504"
 * </pre>
 * The problem's {@code answer} is the puzzle in {@link CountdownPuzzle} text form and the prompt is
 * that plus {@code ":"}, as for {@link CountdownTask}; responses are scored by
 * {@link CountdownStepsVerifier} (by default: every number used, binary reward).
 *
 * <p><b>Solvable by construction.</b> Draw the count in [{@code minNumbers}, {@code maxNumbers}] once,
 * then repeat until a construction is kept: draw each number uniformly in [{@code minValue},
 * {@code maxValue}]; while more than one number is left, combine two random ones with a random
 * operation whose result is a positive integer no larger than {@code maxResult} (subtraction only
 * when positive, division only when exact) and write the equation. The construction is kept when
 * the final value is in [{@code minTarget}, {@code maxTarget}], is not one of the given numbers, and
 * the written chain (the reference solution) has [{@code minSolutionChars}, {@code maxSolutionChars}]
 * characters. The key is the sorted numbers and the target, so reordered duplicates are dropped.
 *
 * <p><b>Lengths.</b> A correct chain for n numbers has n - 1 equations, each number written once and
 * each intermediate result twice, so its length is fixed by the digits of the numbers and of the
 * intermediates. With the defaults (5-6 numbers in 1..30, targets 100..999, intermediates at most
 * 999, reference chains of 40-120 characters) the reference solutions are 40-53 characters (mean
 * about 43) and prompts 14-22, so BOS + prompt + response + EOS fits in 80 tokens of
 * {@link org.ead4j.tokenizer.CharTokenizer}. Four numbers can be configured, but a 4-number chain of
 * numbers below 1000 is shorter than 40 characters, so it needs {@code minSolutionChars} lowered.
 * Puzzles have several distinct solutions (for most, dozens); the tests measure both.
 */
public class CountdownStepsTask extends SyntheticTask {

    /** Constructions tried per draw before the draw is skipped. */
    private static final int CONSTRUCTION_ATTEMPTS = 1000;

    @Config(description = "Fewest numbers per puzzle. Range [2, 8]. Default: 5.")
    private int minNumbers = 5;

    @Config(description = "Most numbers per puzzle. Range [minNumbers, 8]. Default: 6.")
    private int maxNumbers = 6;

    @Config(description = "Smallest given number. Range [1, maxValue]. Default: 1.")
    private int minValue = 1;

    @Config(description = "Largest given number. Range [minValue, 1000]. Default: 30.")
    private int maxValue = 30;

    @Config(description = "Smallest target. Range [1, maxTarget]. Default: 100.")
    private int minTarget = 100;

    @Config(description = "Largest target. Range [minTarget, maxResult]. Default: 999.")
    private int maxTarget = 999;

    @Config(description = "Largest intermediate result of a construction (keeps the arithmetic small). "
            + "Range [maxValue, 1000000]. Default: 999.")
    private int maxResult = 999;

    @Config(description = "Shortest reference solution kept, in characters. Range [1, maxSolutionChars]. Default: 40.")
    private int minSolutionChars = 40;

    @Config(description = "Longest reference solution kept, in characters. Range [minSolutionChars, 1000]. "
            + "Default: 120.")
    private int maxSolutionChars = 120;

    @Config(description = "Verifier of the responses. Default: CountdownStepsVerifier (every number used, binary).")
    private Verifier verifier = new CountdownStepsVerifier();

    /** For OLCUT; 1000 train / 200 eval puzzles with the default ranges. */
    public CountdownStepsTask() {
        postConfig();
    }

    /**
     * Creates the task with the default ranges.
     *
     * @param seed generator seed
     * @param trainSize training puzzles
     * @param evalSize evaluation puzzles
     */
    public CountdownStepsTask(long seed, int trainSize, int evalSize) {
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
     * @param minTarget smallest target
     * @param maxTarget largest target
     */
    public CountdownStepsTask(long seed, int trainSize, int evalSize, int minNumbers, int maxNumbers, int maxValue,
                              int minTarget, int maxTarget) {
        this.seed = seed;
        this.trainSize = trainSize;
        this.evalSize = evalSize;
        this.minNumbers = minNumbers;
        this.maxNumbers = maxNumbers;
        this.maxValue = maxValue;
        this.minTarget = minTarget;
        this.maxTarget = maxTarget;
        postConfig();
    }

    @Override
    protected void validate() {
        range("minNumbers", minNumbers, 2, 8, "2");
        range("maxNumbers", maxNumbers, minNumbers, 8, "minNumbers (" + minNumbers + ")");
        range("minValue", minValue, 1, 1000, "1");
        range("maxValue", maxValue, minValue, 1000, "minValue (" + minValue + ")");
        range("maxResult", maxResult, maxValue, 1_000_000, "maxValue (" + maxValue + ")");
        range("minTarget", minTarget, 1, maxResult, "1");
        range("maxTarget", maxTarget, minTarget, maxResult, "minTarget (" + minTarget + ")");
        range("minSolutionChars", minSolutionChars, 1, 1000, "1");
        range("maxSolutionChars", maxSolutionChars, minSolutionChars, 1000, "minSolutionChars (" + minSolutionChars + ")");
        if (maxTarget > maxResult) {
            throw new PropertyException("CountdownStepsTask", "maxTarget", "maxTarget = " + maxTarget
                    + " is invalid: must be <= maxResult (" + maxResult + ")");
        }
        if (verifier == null) {
            throw new PropertyException("CountdownStepsTask", "verifier", "verifier is missing");
        }
    }


    @Override
    protected Candidate draw(SplittableRandom rng) {
        // the count is drawn once and kept while construction retries, so every count is equally likely
        int count = minNumbers + rng.nextInt(maxNumbers - minNumbers + 1);
        for (int attempt = 0; attempt < CONSTRUCTION_ATTEMPTS; attempt++) {
            Candidate c = construct(count, rng);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** One random construction with {@code count} numbers, or null when a step, the target or the length is out of range. */
    private Candidate construct(int count, SplittableRandom rng) {
        int[] numbers = new int[count];
        List<Long> pool = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            numbers[i] = minValue + rng.nextInt(maxValue - minValue + 1);
            pool.add((long) numbers[i]);
        }
        StringBuilder chain = new StringBuilder();
        while (pool.size() > 1) {
            int i = rng.nextInt(pool.size());
            int j = rng.nextInt(pool.size() - 1);
            if (j >= i) {
                j++;
            }
            long a = pool.get(i);
            long b = pool.get(j);
            char op = "+-*/".charAt(rng.nextInt(4));
            long v = apply(a, b, op);
            if (v <= 0 || v > maxResult) {
                return null; // an invalid step (zero, negative, inexact or too large)
            }
            if (chain.length() > 0) {
                chain.append(',');
            }
            chain.append(a).append(op).append(b).append('=').append(v);
            pool.remove(Math.max(i, j));
            pool.remove(Math.min(i, j));
            pool.add(v);
        }
        long target = pool.get(0);
        if (target < minTarget || target > maxTarget || chain.length() < minSolutionChars
                || chain.length() > maxSolutionChars) {
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
        return new Candidate(key, answer + ":", answer, chain.toString());
    }

    /** @return a op b, or -1 for an inexact division */
    private static long apply(long a, long b, char op) {
        return switch (op) {
            case '+' -> a + b;
            case '-' -> a - b;
            case '*' -> a * b;
            default -> a % b == 0 ? a / b : -1;
        };
    }

    @Override
    public String name() {
        return "countdown-steps";
    }

    @Override
    public Verifier verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return "CountdownStepsTask(seed=" + seed + ", train=" + trainSize + ", eval=" + evalSize + ", numbers="
                + minNumbers + ".." + maxNumbers + " in " + minValue + ".." + maxValue + ", targets " + minTarget
                + ".." + maxTarget + ", results <= " + maxResult + ", solutions " + minSolutionChars + ".."
                + maxSolutionChars + " chars)";
    }
}
