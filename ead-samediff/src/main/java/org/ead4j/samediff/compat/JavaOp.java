package org.ead4j.samediff.compat;

import org.nd4j.linalg.api.ops.OpContext;

/**
 * An op whose forward pass is Java code rather than a libnd4j kernel.
 *
 * <p>DL4J 1.0.0-M2.1 has no user-defined-op API (it arrived with deeplearning4j PR #9901, after
 * M2.1). The {@link JavaOpExecutioners} route any {@code JavaOp} to {@link #execJava(OpContext)}
 * instead of handing it to libnd4j, which would crash the JVM on an unknown op hash.
 * Delete this workaround when the project moves to a DL4J release with user-defined ops.
 */
public interface JavaOp {

    /**
     * Runs the op: reads the inputs of {@code ctx} and writes its pre-allocated outputs.
     *
     * @param ctx the op context holding input and output arrays
     */
    void execJava(OpContext ctx);
}
