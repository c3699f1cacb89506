package org.ead4j.samediff.ops;

import org.nd4j.linalg.env.EnvironmentalAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers ead4j's custom ops while ND4J starts, so that a graph holding them can be loaded
 * ({@code SameDiff.load}) or built in a JVM that never called {@link CustomOps#ensureRegistered()}.
 *
 * <p>DL4J 1.0.0-M2.1 has no extension point for user ops; the one service ND4J loads at start-up
 * is {@link EnvironmentalAction} ({@code META-INF/services/org.nd4j.linalg.env.EnvironmentalAction}):
 * after creating its executioner, {@code Nd4j} loads every implementation and asks each for
 * {@link #targetVariable()}. That call registers the ops; the environment variable it names is never
 * acted on. A failure is logged, never thrown: ND4J's start-up must not fail because of ead4j, and
 * the ops' own constructors register them again (with the error) when used.
 */
public final class CustomOpsBootstrap implements EnvironmentalAction {

    /** The variable named to ND4J; its value is ignored. */
    public static final String VARIABLE = "EAD4J_CUSTOM_OPS";

    private static final Logger LOG = LoggerFactory.getLogger(CustomOpsBootstrap.class);

    /** Instantiated by ND4J's service loader. */
    public CustomOpsBootstrap() {
    }

    @Override
    public String targetVariable() {
        try {
            CustomOps.ensureRegistered();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("ead4j custom ops not registered at ND4J start-up: {}", e.toString());
        }
        return VARIABLE;
    }

    @Override
    public void process(String value) {
        // nothing to configure: the registration happened in targetVariable()
    }
}
