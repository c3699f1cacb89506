package org.ead4j.samediff.compat;

import java.io.OutputStream;
import java.io.PrintStream;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Builds a graph's gradient function without its console noise.
 *
 * <p>DL4J 1.0.0-M2.1 {@code SameDiff.createGradFunction} prints "Added differentiated op X" through
 * {@code System.out.println} once per op, which no log level silences (docs/dl4j-m2.1-workarounds.md, entry 2).
 * This swaps {@code System.out} for a null stream while the gradient graph is built, then restores it.
 * Output printed by other threads in that window is lost, so it is done once per graph (the built
 * function is cached until the loss changes). Delete when DL4J logs instead of printing.
 */
public final class QuietGradientBuild {

    private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

    private QuietGradientBuild() {
    }

    /**
     * Creates the gradient function of {@code sd} for its current loss variables if it does not exist yet.
     *
     * @param sd the graph (its loss variables must be set)
     */
    public static synchronized void ensureGradFunction(SameDiff sd) {
        if (sd.getFunction("grad") != null) {
            return;
        }
        PrintStream out = System.out;
        System.setOut(NULL);
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(out);
        }
    }
}
