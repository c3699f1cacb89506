package org.ead4j.samediff.compat;

import java.lang.reflect.Field;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Installs an op executioner that runs {@link JavaOp}s in Java and everything else natively.
 *
 * <p>Workaround for DL4J 1.0.0-M2.1, which has no user-defined-op API (deeplearning4j PR #9901
 * came later): without it a Java op reaches libnd4j as "Unknown D operation requested by hash" and
 * the JVM dies with SIGSEGV. There is one subclass per backend executioner
 * ({@link CpuJavaOpExecutioner}, {@code CudaJavaOpExecutioner}), both in this jar; {@link #install()}
 * picks one by the class name of the executioner ND4J started with and loads only that one, so a CPU
 * application never loads a CUDA class and needs no CUDA jar (ead4j compiles the CUDA subclass
 * against {@code nd4j-cuda-11.6} as a provided dependency). Delete this class and those subclasses
 * when DL4J ships user-defined ops.
 */
public final class JavaOpExecutioners {

    private static final String CPU_EXECUTIONER = "org.ead4j.samediff.compat.CpuJavaOpExecutioner";
    private static final String CUDA_EXECUTIONER = "org.ead4j.samediff.compat.CudaJavaOpExecutioner";

    private static volatile boolean installed;

    private JavaOpExecutioners() {
    }

    /**
     * Routes a custom op: Java ops run their Java body, others return null (run natively).
     *
     * @param op the op
     * @param ctx its context
     * @return the outputs, or null when the op is not a Java op
     */
    public static INDArray[] execIfJava(CustomOp op, OpContext ctx) {
        if (op instanceof JavaOp) {
            ((JavaOp) op).execJava(ctx);
            return ctx.getOutputArrays().toArray(new INDArray[0]);
        }
        return null;
    }

    /**
     * Runs a Java op called eagerly ({@code Nd4j.exec(op)}, no graph context): its own input and
     * output arrays go into a fresh context.
     *
     * @param op the Java op
     * @param ctx an empty context from the executioner
     * @return the outputs
     */
    public static INDArray[] execEager(CustomOp op, OpContext ctx) {
        ctx.setInputArrays(op.inputArguments());
        ctx.setOutputArrays(op.outputArguments());
        return execIfJava(op, ctx);
    }

    /**
     * Replaces ND4J's executioner by the Java-op-aware subclass for the active backend. Idempotent.
     *
     * @throws IllegalStateException if the backend is unknown or the executioner cannot be replaced
     */
    public static void install() {
        if (installed) {
            return;
        }
        // start ND4J before taking the lock: its start-up runs ead4j's bootstrap, which installs too
        // (on this thread, re-entrantly, or on another one that must not wait for this lock)
        Nd4j.getExecutioner();
        synchronized (JavaOpExecutioners.class) {
            installLocked();
        }
    }

    private static void installLocked() {
        if (installed) {
            return;
        }
        OpExecutioner current = Nd4j.getExecutioner();
        String backendExec = current.getClass().getName();
        String replacement;
        if (backendExec.equals(CPU_EXECUTIONER) || backendExec.equals(CUDA_EXECUTIONER)) {
            installed = true;
            return;
        } else if (backendExec.equals("org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner")) {
            replacement = CPU_EXECUTIONER;
        } else if (backendExec.equals("org.nd4j.linalg.jcublas.ops.executioner.CudaExecutioner")) {
            replacement = CUDA_EXECUTIONER;
        } else {
            throw new IllegalStateException("ead4j custom ops support the nd4j-native and nd4j-cuda backends; "
                    + "found executioner " + backendExec);
        }
        try {
            OpExecutioner exec = (OpExecutioner) Class.forName(replacement).getDeclaredConstructor().newInstance();
            Field f = Nd4j.class.getDeclaredField("OP_EXECUTIONER_INSTANCE");
            f.setAccessible(true);
            f.set(null, exec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not install " + replacement + " for the ND4J executioner "
                    + backendExec + " (is the backend's jar, nd4j-native or nd4j-cuda-11.6 of DL4J 1.0.0-M2.1, "
                    + "on the class path?)", e);
        }
        installed = true;
    }
}
