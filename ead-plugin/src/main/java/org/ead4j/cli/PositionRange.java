package org.ead4j.cli;

import picocli.CommandLine;

/**
 * An inclusive range of response positions written {@code A..B} (0-based), e.g. {@code 0..400}.
 *
 * @param from first position, &gt;= 0
 * @param to last position, &gt;= from
 */
public record PositionRange(int from, int to) {

    /** The largest number of positions one range may hold. */
    public static final int MAX_SIZE = 1_000_000;

    /** @return the number of positions in the range */
    public int size() {
        return to - from + 1;
    }

    /** Parses {@code A..B} for picocli, with messages naming the value and the rule. */
    public static final class Converter implements CommandLine.ITypeConverter<PositionRange> {
        @Override
        public PositionRange convert(String value) {
            String[] parts = value.split("\\.\\.", -1);
            if (parts.length != 2) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a range: write A..B, e.g. 0..400");
            }
            int a;
            int b;
            try {
                a = Integer.parseInt(parts[0].trim());
                b = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': A and B in A..B must be integers");
            }
            if (a < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "': positions start at 0, got " + a);
            }
            if (b < a) {
                throw new CommandLine.TypeConversionException("'" + value + "': the end " + b
                        + " is before the start " + a + "; write A..B with A <= B");
            }
            if ((long) b - a + 1 > MAX_SIZE) {
                throw new CommandLine.TypeConversionException("'" + value + "': at most " + MAX_SIZE + " positions");
            }
            return new PositionRange(a, b);
        }
    }
}
