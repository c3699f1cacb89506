package org.ead4j.samediff.compat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * Base class for SameDiff custom ops implemented in Java on DL4J 1.0.0-M2.1.
 *
 * <p>Works around the missing user-op API of M2.1 (deeplearning4j PR #9901 came later):
 * <ul>
 *   <li>a stable own {@link #opHash()} (the default fails with "Op name X is missing!");</li>
 *   <li>an empty property map: the default throws an NPE when {@code createGradFunction()} clones
 *       every op through FlatBuffers, and plain Java fields are lost in that clone, so subclasses
 *       keep their configuration in iArgs/tArgs/bArgs only;</li>
 *   <li>{@link #register(BaseJavaOp...)} puts the op into {@code ImportClassMapping} so that the
 *       gradient clone and {@code SameDiff.load} can find it by name (deeplearning4j#9670).</li>
 *   <li>self-registration: every constructor installs the Java-op executioner and registers its own
 *       class, so no op of this kind can reach libnd4j (a JVM crash) whatever the caller did first.
 *       Loading a saved graph before any op was constructed is covered by ead4j's ND4J start-up hook
 *       ({@code org.ead4j.samediff.ops.CustomOpsBootstrap}).</li>
 * </ul>
 * Subclasses must keep a public no-argument constructor (deserialisation uses it).
 */
public abstract class BaseJavaOp extends DynamicCustomOp implements JavaOp {

    /** For deserialisation and registration prototypes. */
    protected BaseJavaOp() {
        JavaOpExecutioners.install();
        registerIfAbsent(opName(), this);
    }

    /**
     * Creates the op inside a graph.
     *
     * @param sd the graph
     * @param inputs the input variables
     */
    protected BaseJavaOp(SameDiff sd, SDVariable... inputs) {
        super(sd, inputs);
        selfRegister();
    }

    /**
     * Creates the op for eager execution on arrays.
     *
     * @param inputs the input arrays
     * @param outputs the output arrays (null to allocate)
     */
    protected BaseJavaOp(INDArray[] inputs, INDArray[] outputs) {
        super(inputs, outputs);
        selfRegister();
    }

    /**
     * Installs the executioner and registers this op's class by name with a fresh prototype (not
     * this instance, which holds on to its graph).
     */
    private void selfRegister() {
        JavaOpExecutioners.install();
        if (!isRegistered(opName())) {
            try {
                getClass().getDeclaredConstructor().newInstance(); // its constructor registers it
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getClass().getName() + " needs a public no-argument constructor", e);
            }
        }
    }

    @Override
    public long opHash() {
        // high bit set so it can never collide with a libnd4j op hash
        return opName().hashCode() & 0x7fffffffL | 0x4000000000000000L;
    }

    @Override
    public Map<String, Object> propertiesForFunction() {
        return new LinkedHashMap<>();
    }

    @Override
    public void setPropertiesForFunction(Map<String, Object> properties) {
        // configuration lives in iArgs/tArgs, which survive the FlatBuffers clone
    }

    @Override
    public abstract List<LongShapeDescriptor> calculateOutputShape(OpContext ctx);

    @Override
    public List<LongShapeDescriptor> calculateOutputShape() {
        throw new UnsupportedOperationException(opName() + ": output shapes need an OpContext");
    }

    @Override
    public abstract List<DataType> calculateOutputDataTypes(List<DataType> inputDataTypes);

    /**
     * Makes ops findable by name for gradient cloning and {@code SameDiff.load}.
     *
     * @param prototypes one instance of each op class
     */
    public static synchronized void register(BaseJavaOp... prototypes) {
        Map<String, DifferentialFunction> mapping = ImportClassMapping.getOpNameMapping();
        for (BaseJavaOp p : prototypes) {
            mapping.put(p.opName(), p);
        }
    }

    private static synchronized void registerIfAbsent(String name, BaseJavaOp prototype) {
        ImportClassMapping.getOpNameMapping().putIfAbsent(name, prototype);
    }

    private static synchronized boolean isRegistered(String name) {
        return ImportClassMapping.getOpNameMapping().containsKey(name);
    }

    /**
     * Returns input {@code i} of an op context.
     *
     * @param ctx the context
     * @param i the input index
     * @return the input array
     */
    protected static INDArray input(OpContext ctx, int i) {
        return ctx.getInputArray(i);
    }

    /**
     * Returns output {@code i} of an op context.
     *
     * @param ctx the context
     * @param i the output index
     * @return the (pre-allocated) output array
     */
    protected static INDArray output(OpContext ctx, int i) {
        return ctx.getOutputArray(i);
    }
}
