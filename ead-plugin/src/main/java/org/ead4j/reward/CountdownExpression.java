package org.ead4j.reward;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written recursive-descent parser and exact evaluator for Countdown expressions; it never
 * evaluates code. Grammar (whitespace allowed between tokens):
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := integer | '(' expr ')'
 * </pre>
 * There is no unary minus. Recursion happens only at {@code '('}, and the nesting depth is limited,
 * so 10,000 nested parentheses give an error instead of a {@link StackOverflowError}; chains such as
 * {@code 1+1+...+1} are loops. Values are exact {@link Rational}s; a division by zero makes the value
 * undefined (reported after parsing, so syntax errors take precedence).
 */
final class CountdownExpression {

    /** The parse: value (null after a division by zero) and the integer literals in order of appearance. */
    record Result(Rational value, boolean divisionByZero, List<String> literals) {
    }

    private final String s;
    private final int maxDepth;
    private int pos;
    private int depth;
    private boolean divisionByZero;
    private final List<String> literals = new ArrayList<>();

    private CountdownExpression(String s, int maxDepth) {
        this.s = s;
        this.maxDepth = maxDepth;
    }

    /**
     * Parses and evaluates an expression.
     *
     * @param s the expression
     * @param maxDepth the deepest parenthesis nesting allowed
     * @return the value and literals
     * @throws AnswerFormatException on a syntax error or nesting deeper than {@code maxDepth}
     */
    static Result evaluate(String s, int maxDepth) throws AnswerFormatException {
        CountdownExpression p = new CountdownExpression(s, maxDepth);
        p.skipSpaces();
        if (p.pos == s.length()) {
            throw new AnswerFormatException("empty expression");
        }
        Rational v = p.expr();
        p.skipSpaces();
        if (p.pos != s.length()) {
            throw p.error("unexpected '" + s.charAt(p.pos) + "'");
        }
        return new Result(p.divisionByZero ? null : v, p.divisionByZero, List.copyOf(p.literals));
    }

    private Rational expr() throws AnswerFormatException {
        Rational v = term();
        while (true) {
            skipSpaces();
            if (pos >= s.length()) {
                return v;
            }
            char op = s.charAt(pos);
            if (op != '+' && op != '-') {
                return v;
            }
            pos++;
            Rational r = term();
            if (v != null && r != null) {
                v = op == '+' ? v.add(r) : v.subtract(r);
            } else {
                v = null;
            }
        }
    }

    private Rational term() throws AnswerFormatException {
        Rational v = factor();
        while (true) {
            skipSpaces();
            if (pos >= s.length()) {
                return v;
            }
            char op = s.charAt(pos);
            if (op != '*' && op != '/') {
                return v;
            }
            pos++;
            Rational r = factor();
            if (v == null || r == null) {
                v = null;
            } else if (op == '*') {
                v = v.multiply(r);
            } else if (r.compareTo(Rational.ZERO) == 0) {
                divisionByZero = true;
                v = null;
            } else {
                v = v.divide(r);
            }
        }
    }

    private Rational factor() throws AnswerFormatException {
        skipSpaces();
        if (pos >= s.length()) {
            throw error("expression ends where a number or '(' was expected");
        }
        char c = s.charAt(pos);
        if (c == '(') {
            if (++depth > maxDepth) {
                throw error("parentheses nested deeper than " + maxDepth);
            }
            pos++;
            Rational v = expr();
            skipSpaces();
            if (pos >= s.length() || s.charAt(pos) != ')') {
                throw error("missing ')'");
            }
            pos++;
            depth--;
            return v;
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            String lit = s.substring(start, pos);
            literals.add(lit);
            // literals longer than 9 digits cannot be given numbers; the caller rejects them by text
            return lit.length() <= 9 ? Rational.of(Long.parseLong(lit)) : Rational.of(BigInteger.ZERO);
        }
        if (c == '-' || c == '+') {
            throw error("unary '" + c + "' is not allowed");
        }
        throw error("unexpected '" + c + "'");
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private AnswerFormatException error(String what) {
        return new AnswerFormatException(what + " at index " + pos);
    }
}
