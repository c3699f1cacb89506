package org.ead4j.reward;

import java.math.BigInteger;

/**
 * An exact rational number num/den in lowest terms with den &gt; 0, so answers such as 0.5, 1/2 and
 * \frac{2}{4} compare equal and Countdown expressions evaluate without rounding. Sizes are bounded
 * by the callers (digit limits on parsed numbers; Countdown uses each given number at most once).
 */
final class Rational implements Comparable<Rational> {

    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);

    private final BigInteger num;
    private final BigInteger den;

    private Rational(BigInteger num, BigInteger den) {
        this.num = num;
        this.den = den;
    }

    /** @return the integer n */
    static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    /** @return the integer n */
    static Rational of(BigInteger n) {
        return new Rational(n, BigInteger.ONE);
    }

    /**
     * @return num/den in lowest terms
     * @throws ArithmeticException if den is zero
     */
    static Rational of(BigInteger num, BigInteger den) {
        if (den.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        return new Rational(num, den);
    }

    Rational add(Rational o) {
        return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational subtract(Rational o) {
        return of(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
    }

    Rational multiply(Rational o) {
        return of(num.multiply(o.num), den.multiply(o.den));
    }

    /** @throws ArithmeticException on division by zero */
    Rational divide(Rational o) {
        if (o.num.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return of(num.multiply(o.den), den.multiply(o.num));
    }

    Rational negate() {
        return new Rational(num.negate(), den);
    }

    boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    BigInteger numerator() {
        return num;
    }

    BigInteger denominator() {
        return den;
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rational r && num.equals(r.num) && den.equals(r.den);
    }

    @Override
    public int hashCode() {
        return 31 * num.hashCode() + den.hashCode();
    }

    /** @return {@code "n"} for integers, else {@code "num/den"} in lowest terms (the canonical answer form) */
    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }
}
