package org.ead4j.samediff.ops;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.compat.JavaOpExecutioners;
import org.ead4j.samediff.ops.loss.PolicyLossBpOp;
import org.ead4j.samediff.ops.loss.PolicyLossOp;

/**
 * The one registration point for ead4j's SameDiff custom ops.
 *
 * <p>{@link #ensureRegistered()} installs the Java-op executioner (DL4J 1.0.0-M2.1 workaround, see
 * {@link JavaOpExecutioners}) and makes every op findable by name, which {@code SameDiff.load} and
 * gradient construction need. Callers need not call it: it runs when ND4J starts
 * ({@link CustomOpsBootstrap}), and each op's constructor installs the executioner and registers its
 * own class. Calling it first is harmless. Every new op class is added to {@link #prototypes()}.
 */
public final class CustomOps {

    private static volatile boolean registered;

    private CustomOps() {
    }

    /** One instance of every ead4j custom op (and gradient op). */
    static List<BaseJavaOp> prototypes() {
        List<BaseJavaOp> ops = new ArrayList<>();
        ops.add(new EadSampleOp());
        ops.add(new EmbeddingOp());
        ops.add(new EmbeddingGradOp());
        ops.add(new NormOp());
        ops.add(new NormBpOp());
        ops.add(new GeluOp());
        ops.add(new SiluMulOp());
        ops.add(new CausalSoftmaxOp());
        ops.add(new VocabHeadOp());
        ops.add(new VocabHeadBpOp());
        ops.add(new PolicyLossOp());
        ops.add(new PolicyLossBpOp());
        return ops;
    }

    /** Installs the executioner and registers every ead4j op; idempotent and thread-safe. */
    public static void ensureRegistered() {
        if (registered) {
            return;
        }
        JavaOpExecutioners.install(); // starts ND4J (and with it the bootstrap) outside this lock
        synchronized (CustomOps.class) {
            if (registered) {
                return;
            }
            JavaOpExecutioners.install();
            BaseJavaOp.register(prototypes().toArray(new BaseJavaOp[0]));
            registered = true;
        }
    }
}
