package org.ead4j.reward;

import java.util.ArrayList;
import java.util.List;

/**
 * A Countdown instance: reach {@code target} from {@code numbers} with + - * / and parentheses,
 * using each number at most once. Its text form, the {@code answer} of a Countdown
 * {@link org.ead4j.data.Problem}, is the numbers separated by spaces, {@code >}, and the target:
 * {@code "3 8 4>20"}.
 *
 * @param numbers the given numbers, each &gt;= 0, in prompt order, at least one
 * @param target the value to reach
 */
public record CountdownPuzzle(List<Integer> numbers, int target) {

    /**
     * Copies and validates the numbers.
     *
     * @param numbers the given numbers
     * @param target the value to reach
     */
    public CountdownPuzzle {
        numbers = List.copyOf(numbers);
        if (numbers.isEmpty()) {
            throw new IllegalArgumentException("a Countdown puzzle needs at least one number");
        }
        for (int n : numbers) {
            if (n < 0) {
                throw new IllegalArgumentException("Countdown numbers must be >= 0, got " + n);
            }
        }
    }

    /**
     * Reads the text form {@code "3 8 4>20"} (spaces or commas between numbers).
     *
     * @param text the puzzle text
     * @return the puzzle
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static CountdownPuzzle parse(String text) {
        int gt = text.indexOf('>');
        if (gt < 0 || text.indexOf('>', gt + 1) >= 0) {
            throw new IllegalArgumentException("Countdown answer '" + NumberParser.shorten(text)
                    + "' is not of the form 'n1 n2 n3>target', e.g. '3 8 4>20'");
        }
        List<Integer> nums = new ArrayList<>();
        for (String part : text.substring(0, gt).trim().split("[\\s,]+")) {
            nums.add(parseInt(part, text));
        }
        return new CountdownPuzzle(nums, parseInt(text.substring(gt + 1).trim(), text));
    }

    private static int parseInt(String s, String text) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("Countdown answer '" + NumberParser.shorten(text) + "': '"
                    + NumberParser.shorten(s) + "' is not a non-negative integer of at most 9 digits; "
                    + "expected 'n1 n2 n3>target', e.g. '3 8 4>20'");
        }
        return Integer.parseInt(s);
    }

    /** @return the text form, e.g. {@code "3 8 4>20"} */
    public String toAnswer() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(numbers.get(i));
        }
        return sb.append('>').append(target).toString();
    }
}
