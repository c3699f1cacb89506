package org.ead4j.samediff.decode;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Kernel settings of the {@link KvCacheDecoder}.
 *
 * <p>A projection runs through {@code Nd4j.gemm} when the token batch has at least {@link #gemmMinRows()}
 * rows and the weight matrix has at least {@link #gemmMinWeights()} elements; otherwise through the Java
 * kernel. Measured on a 2-core AVX2 EPYC, one thread: the Java kernel matches OpenBLAS while the weights
 * stay in cache (d = 128: 5.7 vs 6.3 ms per batch-64 step) and loses once every row streams them from L3
 * (d = 512: 174 vs 121 ms), hence the defaults. The choice changes results in the last bits (a different
 * summation order), so it is recorded in provenance; the thread count does not change results.
 */
public final class DecoderOptions implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final String NAME = "DecoderOptions";

    @Config(description = "Threads of the Java kernels (1 = the calling thread). Results do not depend on it. Default: 1.")
    private int threads = 1;

    @Config(description = "Token-batch rows from which large projections use Nd4j.gemm; Integer.MAX_VALUE = never. Default: 16.")
    private int gemmMinRows = 16;

    @Config(description = "Weight-matrix elements from which a projection may use Nd4j.gemm (smaller ones stay in "
            + "cache and are faster in Java). Default: 262144 (1 MiB of float32).")
    private long gemmMinWeights = 1L << 18;

    /** For OLCUT; defaults. */
    public DecoderOptions() {
    }

    /**
     * Creates options.
     *
     * @param threads Java kernel threads
     * @param gemmMinRows rows from which gemm may be used ({@code Integer.MAX_VALUE} = never)
     * @param gemmMinWeights matrix elements from which gemm may be used
     */
    public DecoderOptions(int threads, int gemmMinRows, long gemmMinWeights) {
        this.threads = threads;
        this.gemmMinRows = gemmMinRows;
        this.gemmMinWeights = gemmMinWeights;
        postConfig();
    }

    /** @return the defaults (1 thread, gemm for matrices of &gt;= 2^18 elements from 16 rows on) */
    public static DecoderOptions defaults() {
        return new DecoderOptions();
    }

    /** @return Java kernels only (no ND4J gemm, no ND4J weight copies) */
    public static DecoderOptions javaOnly() {
        return new DecoderOptions(1, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Returns a copy with another thread count.
     *
     * @param n threads
     * @return the new options
     */
    public DecoderOptions withThreads(int n) {
        return new DecoderOptions(n, gemmMinRows, gemmMinWeights);
    }

    @Override
    public void postConfig() {
        if (threads < 1) {
            throw new PropertyException(NAME, "threads", "threads = " + threads + " is invalid: must be >= 1");
        }
        if (gemmMinRows < 1) {
            throw new PropertyException(NAME, "gemmMinRows", "gemmMinRows = " + gemmMinRows + " is invalid: must be >= 1");
        }
        if (gemmMinWeights < 0) {
            throw new PropertyException(NAME, "gemmMinWeights", "gemmMinWeights = " + gemmMinWeights + " is invalid: must be >= 0");
        }
    }

    /** @return Java kernel threads */
    public int threads() {
        return threads;
    }

    /** @return rows from which gemm may be used */
    public int gemmMinRows() {
        return gemmMinRows;
    }

    /** @return matrix elements from which gemm may be used */
    public long gemmMinWeights() {
        return gemmMinWeights;
    }

    /**
     * Whether a matrix of {@code in x out} elements ever uses gemm under these options.
     *
     * @param in input features
     * @param out output features
     * @return true when ND4J copies of it are needed
     */
    boolean gemmEligible(int in, int out) {
        return gemmMinRows != Integer.MAX_VALUE && (long) in * out >= gemmMinWeights;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, NAME);
    }

    @Override
    public String toString() {
        return "DecoderOptions(threads=" + threads + ", gemmMinRows=" + gemmMinRows + ", gemmMinWeights=" + gemmMinWeights + ")";
    }
}
