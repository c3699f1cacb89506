package org.ead4j.reward;

import java.math.BigInteger;

/**
 * Reads a normalised answer ({@link AnswerNormalizer}) as an exact rational. Accepted forms,
 * each with an optional leading sign:
 * <pre>
 *   42   -7   +3   1,234,567 (thousands separators, groups of three)   3.14   .5   2.   1.5e3   2E-4
 *   3/4   -1.5/2   \frac{3}{4}   \frac{-3}{4}   -\frac{1}{2}   \frac12
 * </pre>
 * Every digit run is limited to {@code maxDigits} digits and every exponent to {@code |e| <= maxDigits},
 * so hostile inputs (a million digits, 1e999999999) fail fast instead of building huge numbers.
 */
final class NumberParser {

    private final int maxDigits;

    /**
     * @param maxDigits the most digits in one run of digits, and the largest exponent magnitude
     */
    NumberParser(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    /**
     * @param s a normalised answer (no spaces)
     * @return its value
     * @throws AnswerFormatException if it is not a number or exceeds the digit limit
     */
    Rational parse(String s) throws AnswerFormatException {
        if (s.isEmpty()) {
            throw new AnswerFormatException("empty answer");
        }
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        Rational value;
        if (body.startsWith("\\frac")) {
            value = parseFrac(body);
        } else {
            int slash = body.indexOf('/');
            if (slash >= 0) {
                Rational a = parseDecimal(body.substring(0, slash), s);
                Rational b = parseSigned(body.substring(slash + 1), s);
                if (b.compareTo(Rational.ZERO) == 0) {
                    throw new AnswerFormatException("'" + shorten(s) + "' divides by zero");
                }
                value = a.divide(b);
            } else {
                value = parseDecimal(body, s);
            }
        }
        return negative ? value.negate() : value;
    }

    /** {@code \frac{a}{b}} or {@code \fracab} (single digits, as in lm-eval's fix_fracs). */
    private Rational parseFrac(String body) throws AnswerFormatException {
        String rest = body.substring("\\frac".length());
        String a;
        String b;
        if (rest.length() == 2 && Character.isDigit(rest.charAt(0)) && Character.isDigit(rest.charAt(1))) {
            a = rest.substring(0, 1);
            b = rest.substring(1);
        } else {
            int endA = closingBrace(rest, 0);
            if (endA < 0 || endA + 1 >= rest.length() || rest.charAt(endA + 1) != '{') {
                throw new AnswerFormatException("'" + shorten(body) + "' is not \\frac{a}{b}");
            }
            int endB = closingBrace(rest, endA + 1);
            if (endB != rest.length() - 1) {
                throw new AnswerFormatException("'" + shorten(body) + "' is not \\frac{a}{b}");
            }
            a = rest.substring(1, endA);
            b = rest.substring(endA + 2, endB);
        }
        Rational num = parseSigned(a, body);
        Rational den = parseSigned(b, body);
        if (den.compareTo(Rational.ZERO) == 0) {
            throw new AnswerFormatException("'" + shorten(body) + "' divides by zero");
        }
        return num.divide(den);
    }

    /** Index of the '}' closing the '{' at {@code open} when nothing in between nests, else -1. */
    private static int closingBrace(String s, int open) {
        if (open >= s.length() || s.charAt(open) != '{') {
            return -1;
        }
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '}') {
                return i;
            }
            if (c == '{') {
                return -1;
            }
        }
        return -1;
    }

    private Rational parseSigned(String s, String whole) throws AnswerFormatException {
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            Rational v = parseDecimal(s.substring(1), whole);
            return s.charAt(0) == '-' ? v.negate() : v;
        }
        return parseDecimal(s, whole);
    }

    /** digits (with thousands commas) [. digits] [e [sign] digits], no sign. */
    private Rational parseDecimal(String s, String whole) throws AnswerFormatException {
        int n = s.length();
        int i = 0;
        StringBuilder digits = new StringBuilder();
        int intDigits = 0;
        int groupLen = 0;
        boolean sawComma = false;
        while (i < n && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == ',')) {
            char c = s.charAt(i);
            if (c == ',') {
                // a thousands separator: after 1-3 leading digits or a full group, followed by exactly 3 digits
                if (intDigits == 0 || (sawComma ? groupLen != 3 : groupLen > 3)) {
                    throw notNumber(whole);
                }
                sawComma = true;
                groupLen = 0;
            } else {
                digits.append(c);
                intDigits++;
                groupLen++;
                checkDigits(intDigits, whole);
            }
            i++;
        }
        if (sawComma && groupLen != 3) {
            throw notNumber(whole);
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                digits.append(s.charAt(i));
                fracDigits++;
                checkDigits(fracDigits, whole);
                i++;
            }
        }
        if (intDigits + fracDigits == 0) {
            throw notNumber(whole);
        }
        long exponent = 0;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            boolean negExp = false;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                negExp = s.charAt(i) == '-';
                i++;
            }
            int start = i;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                if (i - start >= 10) {
                    throw new AnswerFormatException("'" + shorten(whole) + "' has an exponent over " + maxDigits);
                }
                exponent = exponent * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                throw notNumber(whole);
            }
            if (exponent > maxDigits) {
                throw new AnswerFormatException("'" + shorten(whole) + "' has an exponent over " + maxDigits);
            }
            exponent = negExp ? -exponent : exponent;
        }
        if (i != n) {
            throw notNumber(whole);
        }
        BigInteger unscaled = new BigInteger(digits.toString());
        long scale = fracDigits - exponent; // value = unscaled * 10^-scale
        if (scale >= 0) {
            return Rational.of(unscaled, BigInteger.TEN.pow((int) scale));
        }
        return Rational.of(unscaled.multiply(BigInteger.TEN.pow((int) -scale)));
    }

    private void checkDigits(int count, String whole) throws AnswerFormatException {
        if (count > maxDigits) {
            throw new AnswerFormatException("'" + shorten(whole) + "' has more than " + maxDigits + " digits in a row");
        }
    }

    private static AnswerFormatException notNumber(String whole) {
        return new AnswerFormatException("'" + shorten(whole) + "' is not a number");
    }

    /** The first 40 characters of a value, for messages. */
    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
