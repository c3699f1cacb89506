package org.ead4j.samediff.ops;

import java.util.ArrayList;
import java.util.List;
import org.ead4j.samediff.compat.BaseJavaOp;
import org.ead4j.samediff.nd.HostArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

/**
 * The output head and the per-token statistics an RL loss needs, fused so that the [N, V] logits of the whole
 * batch never exist: tokens are processed in chunks of {@code chunkTokens} rows, each chunk's logits
 * {@code z = h W} (or {@code h E^T} with tied embeddings) computed with one GEMM, reduced to three numbers per
 * token and dropped. With {@code a = invTau} per token and target {@code t}:
 * <pre>
 * logProbs          log softmax(z)[t]
 * temperedLogProbs  log softmax(a z)[t]
 * entropy           -sum_v p_v log p_v,  p = softmax(z)   (iArg 2 = 0)
 *                   or p = softmax(a z)                   (iArg 2 = 1)
 * </pre>
 * At V = 151936 one [N, V] float tensor of a B 8 x T 1024 batch is about 5 GB, and the stock-op composition kept
 * several (log-softmax at both temperatures, a one-hot, exp * log for the entropy, and their gradients); this op
 * keeps at most four [chunkTokens, V] scratch arrays. The backward ({@link VocabHeadBpOp}) recomputes each chunk's
 * logits instead of storing them.
 *
 * <p>Inputs: {@code h} [N, D], the head ({@code W} [D, V], or the tied embedding {@code E} [V, D] when iArg 0 = 1),
 * {@code targets} integer [N], {@code invTau} [N]. iArgs: tied (0/1), chunkTokens (&gt; 0), entropy at the tempered
 * distribution (0/1). Outputs: logProbs, temperedLogProbs, entropy, each [N] in h's type (FLOAT or DOUBLE).
 * No gradient flows to {@code invTau} (the temperature is data, not a parameter).
 */
public class VocabHeadOp extends BaseJavaOp {

    /** The op's registered name. */
    public static final String OP_NAME = "ead4j_vocab_head";
    /** Default tokens per chunk: 256 x 151936 floats is 156 MB per scratch array. */
    public static final int DEFAULT_CHUNK_TOKENS = 256;

    /** For deserialisation and registration. */
    public VocabHeadOp() {
    }

    private VocabHeadOp(SameDiff sd, SDVariable[] in, boolean tied, int chunkTokens, boolean temperedEntropy) {
        super(sd, in);
        if (chunkTokens <= 0) {
            throw new IllegalArgumentException("chunkTokens must be > 0, got " + chunkTokens);
        }
        addIArgument(tied ? 1 : 0, chunkTokens, temperedEntropy ? 1 : 0);
    }

    /**
     * Adds the fused head to a graph.
     *
     * @param sd the graph
     * @param h final hidden states [N, D]
     * @param head {@code W} [D, V], or {@code E} [V, D] when {@code tied}
     * @param tied whether {@code head} is the tied embedding, used transposed
     * @param targets integer next-token ids [N]
     * @param invTau inverse temperature per token [N]
     * @param chunkTokens tokens per chunk
     * @param temperedEntropy true: entropy of softmax(z * invTau); false: of softmax(z)
     * @return logProbs, temperedLogProbs, entropy, each [N]
     */
    public static SDVariable[] head(SameDiff sd, SDVariable h, SDVariable head, boolean tied, SDVariable targets,
                                    SDVariable invTau, int chunkTokens, boolean temperedEntropy) {
        return new VocabHeadOp(sd, new SDVariable[]{h, head, targets, invTau}, tied, chunkTokens, temperedEntropy)
                .outputVariables();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public int getNumOutputs() {
        return 3;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> in) {
        return List.of(in.get(0), in.get(0), in.get(0));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext ctx) {
        INDArray h = input(ctx, 0);
        LongShapeDescriptor d = LongShapeDescriptor.fromShape(new long[]{h.size(0)}, h.dataType());
        return List.of(d, d, d);
    }

    @Override
    public void execJava(OpContext ctx) {
        Chunks c = new Chunks(input(ctx, 0), input(ctx, 1), input(ctx, 2), input(ctx, 3), iArgs());
        INDArray outLp = output(ctx, 0);
        INDArray outTlp = output(ctx, 1);
        INDArray outEnt = output(ctx, 2);
        for (int r0 = 0; r0 < c.n; r0 += c.chunk) {
            int rows = c.load(r0);
            // log softmax(z) -> lsm; tempered: log softmax(a z) -> lsmTau (via the scratch `aux`)
            c.logSoftmax(c.z, c.lsm);
            c.scaled(c.aux);
            c.logSoftmax(c.aux, c.lsmTau);
            for (int i = 0; i < rows; i++) {
                int t = c.targets[r0 + i];
                outLp.putScalar(r0 + i, c.lsm.getDouble(i, t));
                outTlp.putScalar(r0 + i, c.lsmTau.getDouble(i, t));
            }
            INDArray src = c.temperedEntropy ? c.lsmTau : c.lsm;
            INDArray ent = c.entropy(src, c.aux);  // [rows]
            for (int i = 0; i < rows; i++) {
                outEnt.putScalar(r0 + i, ent.getDouble(i));
            }
        }
        c.close();
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> grads) {
        SDVariable[] args = args();
        SDVariable[] outs = outputVariables();
        SDVariable[] g = new SDVariable[3];
        for (int i = 0; i < 3; i++) {
            // an output the loss does not use gets no gradient from SameDiff
            g[i] = grads.size() > i && grads.get(i) != null ? grads.get(i) : sameDiff.zerosLike(outs[i]);
        }
        SDVariable[] bpIn = {args[0], args[1], args[2], args[3], g[0], g[1], g[2]};
        long[] ia = iArgs();
        SDVariable[] d = new VocabHeadBpOp(sameDiff, bpIn, ia).outputVariables();
        List<SDVariable> out = new ArrayList<>(4);
        out.add(d[0]);
        out.add(d[1]);
        out.add(sameDiff.zerosLike(args[2]));
        out.add(sameDiff.zerosLike(args[3]));
        return out;
    }

    /** Shared chunk machinery of the forward and backward: inputs, scratch arrays and the per-chunk steps. */
    static final class Chunks {
        final INDArray h;
        final INDArray head;
        final boolean tied;
        final boolean temperedEntropy;
        final int chunk;
        final int n;
        final long v;
        final int[] targets;
        final INDArray invTau;   // [N, 1] column
        INDArray z;
        INDArray lsm;
        INDArray lsmTau;
        INDArray aux;
        INDArray hc;
        INDArray a;              // [rows, 1] invTau of the chunk

        Chunks(INDArray h, INDArray head, INDArray targetArr, INDArray invTauArr, long[] iArgs) {
            if (h.rank() != 2 || head.rank() != 2) {
                throw new IllegalArgumentException(OP_NAME + ": h and the head must be matrices, got "
                        + java.util.Arrays.toString(h.shape()) + " and " + java.util.Arrays.toString(head.shape()));
            }
            this.h = h;
            this.head = head;
            this.tied = iArgs[0] == 1;
            this.chunk = (int) iArgs[1];
            this.temperedEntropy = iArgs[2] == 1;
            this.n = (int) h.size(0);
            this.v = tied ? head.size(0) : head.size(1);
            long d = tied ? head.size(1) : head.size(0);
            if (d != h.size(1) || targetArr.length() != n || invTauArr.length() != n) {
                throw new IllegalArgumentException(OP_NAME + ": shapes do not match: h " + java.util.Arrays.toString(h.shape())
                        + ", head " + java.util.Arrays.toString(head.shape()) + (tied ? " (tied)" : "")
                        + ", targets " + targetArr.length() + ", invTau " + invTauArr.length());
            }
            this.targets = HostArrays.toInts(targetArr);
            for (int i = 0; i < n; i++) {
                if (targets[i] < 0 || targets[i] >= v) {
                    throw new IllegalArgumentException(OP_NAME + ": target " + targets[i] + " at flat index " + i
                            + " is out of range [0, " + v + ")");
                }
            }
            this.invTau = invTauArr.reshape(n, 1).castTo(h.dataType());
        }

        /** Computes the logits of rows [r0, r0 + rows) into {@link #z}; returns rows. */
        int load(int r0) {
            int rows = Math.min(chunk, n - r0);
            if (z == null || z.size(0) != rows) {
                // one set for the full chunks, one more for a shorter last chunk
                close();
                DataType dt = h.dataType();
                z = org.nd4j.linalg.factory.Nd4j.create(dt, rows, v);
                lsm = org.nd4j.linalg.factory.Nd4j.create(dt, rows, v);
                lsmTau = org.nd4j.linalg.factory.Nd4j.create(dt, rows, v);
                aux = org.nd4j.linalg.factory.Nd4j.create(dt, rows, v);
            }
            hc = h.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r0, r0 + rows),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            a = invTau.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r0, r0 + rows),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            org.nd4j.linalg.factory.Nd4j.gemm(hc, head, z, false, tied, 1.0, 0.0);
            return rows;
        }

        /**
         * Frees the scratch arrays now: they are off-heap and large (4 x chunk x V), and the Java heap would not
         * press for a collection that releases them.
         */
        void close() {
            for (INDArray x : new INDArray[]{z, lsm, lsmTau, aux}) {
                if (x != null && x.closeable()) {
                    x.close();
                }
            }
            z = null;
            lsm = null;
            lsmTau = null;
            aux = null;
        }

        /** dst = a * z (row scale by the chunk's inverse temperatures). */
        void scaled(INDArray dst) {
            dst.assign(z).muliColumnVector(a);
        }

        void logSoftmax(INDArray src, INDArray dst) {
            org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax(src, dst));
        }

        /** -sum_v exp(l) l per row of the log-probabilities l, using {@code scratch}. */
        INDArray entropy(INDArray l, INDArray scratch) {
            org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(l, scratch));
            return scratch.muli(l).sum(1).negi();
        }
    }
}
