package org.ead4j.samediff.policy;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Shape and initialisation of the decoder-only policy transformer ({@link PolicyTransformer}): one
 * description that both the SameDiff training graph and the KV-cache decoder read.
 *
 * <p>{@link Architecture#GPT} (the default) is a pre-norm causal transformer (GPT-2 / nanoGPT block order,
 * {@code x = x + attn(norm1(x)); x = x + mlp(norm2(x))}) with a final norm before the output head,
 * linear layers without biases, and a GELU MLP of width {@link #ffnWidth()}. Initialisation follows
 * GPT-2: normal(0, initStd) for every matrix, with the residual output projections scaled by
 * {@code 1/sqrt(2 * numLayers)}; norm gains 1 and biases 0.
 *
 * <p>The Hugging Face families ({@link Architecture#LLAMA}, {@link Architecture#QWEN2}, {@link Architecture#QWEN3})
 * follow transformers' modeling_llama/qwen2/qwen3: RMSNorm, rotary embeddings (optionally with Llama 3 scaling),
 * grouped-query attention ({@link #numKvHeads()}), a head dimension that may differ from dModel / numHeads,
 * optional q/k/v, output and MLP biases, optional per-head q/k RMSNorm, and a SwiGLU MLP; docs/architectures.md
 * lists how each config.json field maps onto these fields.
 */
public class PolicyConfig implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final String NAME = "PolicyConfig";

    @Config(mandatory = true, description = "Vocabulary size V (number of token ids, ids are 0..V-1). Must be >= 2.")
    private int vocabSize;

    @Config(description = "Model width d_model. Must be divisible by numHeads. Default (tiny preset): 128.")
    private int dModel = 128;

    @Config(description = "Attention heads per layer. Default (tiny preset): 4.")
    private int numHeads = 4;

    @Config(description = "Transformer blocks. Default (tiny preset): 2.")
    private int numLayers = 2;

    @Config(description = "Hidden width of the GELU MLP (4 * dModel in GPT-2). Default (tiny preset): 512.")
    private int ffnWidth = 512;

    @Config(description = "Longest sequence (prompt + response tokens) the model accepts. Default: 512.")
    private int maxSeqLen = 512;

    @Config(description = "Normalisation: LAYER_NORM or RMS_NORM. Default: LAYER_NORM.")
    private NormKind norm = NormKind.LAYER_NORM;

    @Config(description = "Position encoding: LEARNED (GPT-2 table) or ROTARY (RoPE on queries and keys). Default: LEARNED.")
    private PositionKind positions = PositionKind.LEARNED;

    @Config(description = "Share the token embedding with the output head (logits = h E^T). Default: false.")
    private boolean tiedEmbeddings = false;

    @Config(description = "Dropout probability. Only 0 is supported (see postConfig); verl's RL fine-tuning default is 0.")
    private double dropout = 0.0;

    @Config(description = "Seed of the deterministic weight initialisation. Default: 0.")
    private long initSeed = 0L;

    @Config(description = "Standard deviation of the normal weight initialisation. GPT-2 default: 0.02.")
    private double initStd = 0.02;

    @Config(description = "Epsilon added to the variance (LayerNorm) or mean square (RMSNorm). "
            + "PyTorch LayerNorm / Llama RMSNorm default: 1e-5.")
    private double normEpsilon = 1e-5;

    @Config(description = "Rotary base theta (only used with positions = ROTARY). RoFormer / Llama 2 default: 10000.")
    private double ropeBase = 10000.0;

    @Config(description = "Model family: GPT (ead4j's own, fused q/k/v), LLAMA, QWEN2 or QWEN3 (Hugging Face layouts). "
            + "Default: GPT.")
    private Architecture architecture = Architecture.GPT;

    @Config(description = "Key/value heads for grouped-query attention (HF num_key_value_heads); must divide numHeads. "
            + "0 means numHeads (multi-head attention). Default: 0.")
    private int numKvHeads = 0;

    @Config(description = "Dimension of one attention head (HF head_dim, Qwen3 sets it independently of dModel). "
            + "0 means dModel / numHeads. Default: 0.")
    private int headDim = 0;

    @Config(description = "Feed-forward kind: GELU (GPT-2) or SWIGLU (Llama/Qwen: down(silu(gate(x)) * up(x))). Default: GELU.")
    private MlpKind mlp = MlpKind.GELU;

    @Config(description = "Biases on the query, key and value projections (Qwen2 always; Llama/Qwen3 attention_bias). Default: false.")
    private boolean qkvBias = false;

    @Config(description = "Bias on the attention output projection (Llama/Qwen3 attention_bias). Default: false.")
    private boolean outBias = false;

    @Config(description = "Biases on the MLP projections (Llama mlp_bias). Default: false.")
    private boolean mlpBias = false;

    @Config(description = "Per-head RMSNorm of queries and keys before the rotary embedding (Qwen3). Default: false.")
    private boolean qkNorm = false;

    @Config(description = "Rotary frequency rescaling: NONE or LLAMA3 (HF rope_scaling rope_type 'llama3'). Default: NONE.")
    private RopeScaling ropeScaling = RopeScaling.NONE;

    @Config(description = "LLAMA3 rope scaling: factor. Llama 3.1 default: 8.")
    private double ropeScalingFactor = 8.0;

    @Config(description = "LLAMA3 rope scaling: low_freq_factor. Llama 3.1 default: 1.")
    private double ropeLowFreqFactor = 1.0;

    @Config(description = "LLAMA3 rope scaling: high_freq_factor. Llama 3.1 default: 4.")
    private double ropeHighFreqFactor = 4.0;

    @Config(description = "LLAMA3 rope scaling: original_max_position_embeddings. Llama 3.1 default: 8192.")
    private int ropeOriginalMaxPositions = 8192;

    /** For OLCUT. */
    public PolicyConfig() {
    }

    /**
     * Creates and validates a configuration (the remaining fields keep their defaults).
     *
     * @param vocabSize vocabulary size V
     * @param dModel model width
     * @param numHeads attention heads
     * @param numLayers transformer blocks
     * @param ffnWidth MLP hidden width
     * @param maxSeqLen longest sequence
     * @param norm normalisation kind
     * @param positions position encoding
     * @param tiedEmbeddings whether the output head shares the token embedding
     * @param initSeed initialisation seed
     */
    public PolicyConfig(int vocabSize, int dModel, int numHeads, int numLayers, int ffnWidth, int maxSeqLen,
                        NormKind norm, PositionKind positions, boolean tiedEmbeddings, long initSeed) {
        this.vocabSize = vocabSize;
        this.dModel = dModel;
        this.numHeads = numHeads;
        this.numLayers = numLayers;
        this.ffnWidth = ffnWidth;
        this.maxSeqLen = maxSeqLen;
        this.norm = norm;
        this.positions = positions;
        this.tiedEmbeddings = tiedEmbeddings;
        this.initSeed = initSeed;
        postConfig();
    }

    /**
     * The {@code tiny} benchmark preset: d 128, 2 layers, 4 heads, FFN 512, maxSeqLen 512, LayerNorm,
     * learned positions, untied head.
     *
     * @param vocabSize vocabulary size
     * @return the configuration
     */
    public static PolicyConfig tiny(int vocabSize) {
        return new PolicyConfig(vocabSize, 128, 4, 2, 512, 512, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 0L);
    }

    /**
     * The {@code small} benchmark preset: d 512, 6 layers, 8 heads, FFN 2048, maxSeqLen 512, LayerNorm,
     * learned positions, untied head.
     *
     * @param vocabSize vocabulary size
     * @return the configuration
     */
    public static PolicyConfig small(int vocabSize) {
        return new PolicyConfig(vocabSize, 512, 8, 6, 2048, 512, NormKind.LAYER_NORM, PositionKind.LEARNED, false, 0L);
    }

    /**
     * A very small model for unit tests and gradient checks: d 16, 2 layers, 2 heads, FFN 32, maxSeqLen 16.
     *
     * @param vocabSize vocabulary size
     * @param norm normalisation kind
     * @param positions position encoding
     * @param tied tied output head
     * @return the configuration
     */
    public static PolicyConfig micro(int vocabSize, NormKind norm, PositionKind positions, boolean tied) {
        return new PolicyConfig(vocabSize, 16, 2, 2, 32, 16, norm, positions, tied, 0L);
    }

    @Override
    public void postConfig() {
        positive("vocabSize", vocabSize, 2);
        positive("dModel", dModel, 1);
        positive("numHeads", numHeads, 1);
        positive("numLayers", numLayers, 1);
        positive("ffnWidth", ffnWidth, 1);
        positive("maxSeqLen", maxSeqLen, 1);
        if (numKvHeads < 0) {
            throw new PropertyException(NAME, "numKvHeads", "numKvHeads = " + numKvHeads
                    + " is invalid: must be >= 1, or 0 for numHeads");
        }
        if (headDim < 0) {
            throw new PropertyException(NAME, "headDim", "headDim = " + headDim + " is invalid: must be >= 1, or 0 for "
                    + "dModel / numHeads");
        }
        if (headDim == 0 && dModel % numHeads != 0) {
            throw new PropertyException(NAME, "dModel", "dModel = " + dModel + " is invalid: must be divisible by "
                    + "numHeads = " + numHeads + " (each head gets dModel / numHeads dimensions), or set headDim");
        }
        if (numHeads % numKvHeads() != 0) {
            throw new PropertyException(NAME, "numKvHeads", "numKvHeads = " + numKvHeads + " is invalid: must divide "
                    + "numHeads = " + numHeads + " (each key/value head serves numHeads / numKvHeads query heads)");
        }
        if (architecture == null) {
            throw new PropertyException(NAME, "architecture", "architecture = null is invalid: must be one of "
                    + java.util.Arrays.toString(Architecture.values()));
        }
        if (mlp == null) {
            throw new PropertyException(NAME, "mlp", "mlp = null is invalid: must be GELU or SWIGLU");
        }
        if (ropeScaling == null) {
            throw new PropertyException(NAME, "ropeScaling", "ropeScaling = null is invalid: must be NONE or LLAMA3");
        }
        if (architecture == Architecture.GPT) {
            // ead4j's GPT keeps its fused [D, 3D] q/k/v layout: none of the Hugging Face features apply
            gptOnly("numKvHeads", numKvHeads == 0 || numKvHeads == numHeads, numKvHeads);
            gptOnly("headDim", headDim == 0 || headDim * numHeads == dModel, headDim);
            gptOnly("mlp", mlp == MlpKind.GELU, mlp);
            gptOnly("qkvBias", !qkvBias, qkvBias);
            gptOnly("outBias", !outBias, outBias);
            gptOnly("mlpBias", !mlpBias, mlpBias);
            gptOnly("qkNorm", !qkNorm, qkNorm);
            gptOnly("ropeScaling", ropeScaling == RopeScaling.NONE, ropeScaling);
        } else {
            if (norm != NormKind.RMS_NORM || positions != PositionKind.ROTARY || mlp != MlpKind.SWIGLU) {
                throw new PropertyException(NAME, "architecture", "architecture = " + architecture + " needs norm = "
                        + "RMS_NORM, positions = ROTARY and mlp = SWIGLU, got " + norm + ", " + positions + ", " + mlp);
            }
        }
        if (ropeScaling == RopeScaling.LLAMA3) {
            if (!(ropeScalingFactor >= 1) || Double.isInfinite(ropeScalingFactor)) {
                throw new PropertyException(NAME, "ropeScalingFactor", "ropeScalingFactor = " + ropeScalingFactor
                        + " is invalid: must be a finite number >= 1");
            }
            if (!(ropeLowFreqFactor > 0) || !(ropeHighFreqFactor > ropeLowFreqFactor) || Double.isInfinite(ropeHighFreqFactor)) {
                throw new PropertyException(NAME, "ropeHighFreqFactor", "ropeLowFreqFactor = " + ropeLowFreqFactor
                        + ", ropeHighFreqFactor = " + ropeHighFreqFactor + " are invalid: need 0 < low < high, finite");
            }
            positive("ropeOriginalMaxPositions", ropeOriginalMaxPositions, 1);
        }
        if (norm == null) {
            throw new PropertyException(NAME, "norm", "norm = null is invalid: must be LAYER_NORM or RMS_NORM");
        }
        if (positions == null) {
            throw new PropertyException(NAME, "positions", "positions = null is invalid: must be LEARNED or ROTARY");
        }
        if (positions == PositionKind.ROTARY && headDim() % 2 != 0) {
            throw new PropertyException(NAME, headDim == 0 ? "dModel" : "headDim", "dModel = " + dModel + " with numHeads = "
                    + numHeads + " gives head dimension " + headDim() + ", which is invalid for ROTARY positions: "
                    + "it must be even (rotary embedding rotates pairs of dimensions)");
        }
        if (dropout != 0.0) {
            // Why: DL4J 1.0.0-M2.1's dropout op draws from ND4J's global generator, so masks would not follow
            // the run seed (no bit-exact replay) and could not be reproduced for the finite-difference checks.
            throw new PropertyException(NAME, "dropout", "dropout = " + dropout + " is invalid: only 0 is supported. "
                    + "SameDiff 1.0.0-M2.1 dropout uses ND4J's global random generator, which breaks ead4j's "
                    + "bit-exact replay; RL fine-tuning normally runs without dropout (verl default 0)");
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new PropertyException(NAME, "initStd", "initStd = " + initStd + " is invalid: must be a positive finite number");
        }
        if (!(normEpsilon >= 0) || Double.isInfinite(normEpsilon)) {
            throw new PropertyException(NAME, "normEpsilon", "normEpsilon = " + normEpsilon
                    + " is invalid: must be a finite number >= 0");
        }
        if (!(ropeBase > 1) || Double.isInfinite(ropeBase)) {
            throw new PropertyException(NAME, "ropeBase", "ropeBase = " + ropeBase + " is invalid: must be a finite number > 1");
        }
    }

    private static void gptOnly(String field, boolean ok, Object value) {
        if (!ok) {
            throw new PropertyException(NAME, field, field + " = " + value + " is invalid for architecture = GPT "
                    + "(fused q/k/v, GELU MLP, no biases): use LLAMA, QWEN2 or QWEN3 for this feature");
        }
    }

    private static void positive(String field, int value, int min) {
        if (value < min) {
            throw new PropertyException(NAME, field, field + " = " + value + " is invalid: must be >= " + min);
        }
    }

    /** @return vocabulary size V */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return model width d_model */
    public int dModel() {
        return dModel;
    }

    /** @return attention heads per layer */
    public int numHeads() {
        return numHeads;
    }

    /** @return head dimension: the configured headDim, or dModel / numHeads when it is 0 */
    public int headDim() {
        return headDim > 0 ? headDim : dModel / numHeads;
    }

    /** @return key/value heads: the configured numKvHeads, or numHeads when it is 0 */
    public int numKvHeads() {
        return numKvHeads > 0 ? numKvHeads : numHeads;
    }

    /** @return the model family */
    public Architecture architecture() {
        return architecture;
    }

    /** @return the feed-forward kind */
    public MlpKind mlp() {
        return mlp;
    }

    /** @return whether q, k and v projections have biases */
    public boolean qkvBias() {
        return qkvBias;
    }

    /** @return whether the attention output projection has a bias */
    public boolean outBias() {
        return outBias;
    }

    /** @return whether the MLP projections have biases */
    public boolean mlpBias() {
        return mlpBias;
    }

    /** @return whether queries and keys get a per-head RMSNorm before the rotary embedding */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** @return the rotary frequency rescaling */
    public RopeScaling ropeScaling() {
        return ropeScaling;
    }

    /** @return LLAMA3 rope scaling factor */
    public double ropeScalingFactor() {
        return ropeScalingFactor;
    }

    /** @return LLAMA3 rope scaling low_freq_factor */
    public double ropeLowFreqFactor() {
        return ropeLowFreqFactor;
    }

    /** @return LLAMA3 rope scaling high_freq_factor */
    public double ropeHighFreqFactor() {
        return ropeHighFreqFactor;
    }

    /** @return LLAMA3 rope scaling original_max_position_embeddings */
    public int ropeOriginalMaxPositions() {
        return ropeOriginalMaxPositions;
    }

    /** @return number of transformer blocks */
    public int numLayers() {
        return numLayers;
    }

    /** @return MLP hidden width */
    public int ffnWidth() {
        return ffnWidth;
    }

    /** @return longest sequence the model accepts */
    public int maxSeqLen() {
        return maxSeqLen;
    }

    /** @return normalisation kind */
    public NormKind norm() {
        return norm;
    }

    /** @return position encoding */
    public PositionKind positions() {
        return positions;
    }

    /** @return whether the output head is the transposed token embedding */
    public boolean tiedEmbeddings() {
        return tiedEmbeddings;
    }

    /** @return dropout probability (always 0) */
    public double dropout() {
        return dropout;
    }

    /** @return initialisation seed */
    public long initSeed() {
        return initSeed;
    }

    /** @return standard deviation of the weight initialisation */
    public double initStd() {
        return initStd;
    }

    /** @return the norms' epsilon */
    public double normEpsilon() {
        return normEpsilon;
    }

    /** @return the rotary base theta */
    public double ropeBase() {
        return ropeBase;
    }

    /**
     * Returns a copy with another initialisation seed.
     *
     * @param seed the seed
     * @return the new configuration
     */
    public PolicyConfig withInitSeed(long seed) {
        Map<String, String> p = toProperties();
        p.put("initSeed", Long.toString(seed));
        return fromProperties(p);
    }

    /**
     * Every field as text, in a fixed order (used by checkpoints).
     *
     * @return field name to value
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("vocabSize", Integer.toString(vocabSize));
        p.put("dModel", Integer.toString(dModel));
        p.put("numHeads", Integer.toString(numHeads));
        p.put("numLayers", Integer.toString(numLayers));
        p.put("ffnWidth", Integer.toString(ffnWidth));
        p.put("maxSeqLen", Integer.toString(maxSeqLen));
        p.put("norm", norm.name());
        p.put("positions", positions.name());
        p.put("tiedEmbeddings", Boolean.toString(tiedEmbeddings));
        p.put("dropout", Double.toString(dropout));
        p.put("initSeed", Long.toString(initSeed));
        p.put("initStd", Double.toString(initStd));
        p.put("normEpsilon", Double.toString(normEpsilon));
        p.put("ropeBase", Double.toString(ropeBase));
        if (architecture != Architecture.GPT) {
            // GPT checkpoints keep the exact files they had before these fields existed
            p.put("architecture", architecture.name());
            p.put("numKvHeads", Integer.toString(numKvHeads));
            p.put("headDim", Integer.toString(headDim));
            p.put("mlp", mlp.name());
            p.put("qkvBias", Boolean.toString(qkvBias));
            p.put("outBias", Boolean.toString(outBias));
            p.put("mlpBias", Boolean.toString(mlpBias));
            p.put("qkNorm", Boolean.toString(qkNorm));
            p.put("ropeScaling", ropeScaling.name());
            p.put("ropeScalingFactor", Double.toString(ropeScalingFactor));
            p.put("ropeLowFreqFactor", Double.toString(ropeLowFreqFactor));
            p.put("ropeHighFreqFactor", Double.toString(ropeHighFreqFactor));
            p.put("ropeOriginalMaxPositions", Integer.toString(ropeOriginalMaxPositions));
        }
        return p;
    }

    /**
     * Rebuilds a configuration from {@link #toProperties()}; fields that are absent keep their defaults.
     *
     * @param p field name to value
     * @return the validated configuration
     * @throws PropertyException if a value does not parse or is invalid
     */
    public static PolicyConfig fromProperties(Map<String, String> p) {
        PolicyConfig c = new PolicyConfig();
        c.vocabSize = intField(p, "vocabSize", c.vocabSize);
        c.dModel = intField(p, "dModel", c.dModel);
        c.numHeads = intField(p, "numHeads", c.numHeads);
        c.numLayers = intField(p, "numLayers", c.numLayers);
        c.ffnWidth = intField(p, "ffnWidth", c.ffnWidth);
        c.maxSeqLen = intField(p, "maxSeqLen", c.maxSeqLen);
        try {
            if (p.containsKey("norm")) {
                c.norm = NormKind.valueOf(p.get("norm").trim());
            }
        } catch (IllegalArgumentException e) {
            throw new PropertyException(NAME, "norm", "norm = " + p.get("norm") + " is invalid: must be LAYER_NORM or RMS_NORM");
        }
        try {
            if (p.containsKey("positions")) {
                c.positions = PositionKind.valueOf(p.get("positions").trim());
            }
        } catch (IllegalArgumentException e) {
            throw new PropertyException(NAME, "positions", "positions = " + p.get("positions")
                    + " is invalid: must be LEARNED or ROTARY");
        }
        c.tiedEmbeddings = boolField(p, "tiedEmbeddings", c.tiedEmbeddings);
        c.architecture = enumField(p, "architecture", Architecture.class, c.architecture);
        c.numKvHeads = intField(p, "numKvHeads", c.numKvHeads);
        c.headDim = intField(p, "headDim", c.headDim);
        c.mlp = enumField(p, "mlp", MlpKind.class, c.mlp);
        c.qkvBias = boolField(p, "qkvBias", c.qkvBias);
        c.outBias = boolField(p, "outBias", c.outBias);
        c.mlpBias = boolField(p, "mlpBias", c.mlpBias);
        c.qkNorm = boolField(p, "qkNorm", c.qkNorm);
        c.ropeScaling = enumField(p, "ropeScaling", RopeScaling.class, c.ropeScaling);
        c.ropeScalingFactor = doubleField(p, "ropeScalingFactor", c.ropeScalingFactor);
        c.ropeLowFreqFactor = doubleField(p, "ropeLowFreqFactor", c.ropeLowFreqFactor);
        c.ropeHighFreqFactor = doubleField(p, "ropeHighFreqFactor", c.ropeHighFreqFactor);
        c.ropeOriginalMaxPositions = intField(p, "ropeOriginalMaxPositions", c.ropeOriginalMaxPositions);
        c.dropout = doubleField(p, "dropout", c.dropout);
        try {
            c.initSeed = p.containsKey("initSeed") ? Long.parseLong(p.get("initSeed").trim()) : c.initSeed;
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, "initSeed", "initSeed = " + p.get("initSeed") + " is invalid: must be an integer");
        }
        c.initStd = doubleField(p, "initStd", c.initStd);
        c.normEpsilon = doubleField(p, "normEpsilon", c.normEpsilon);
        c.ropeBase = doubleField(p, "ropeBase", c.ropeBase);
        c.postConfig();
        return c;
    }

    private static int intField(Map<String, String> p, String field, int dflt) {
        if (!p.containsKey(field)) {
            return dflt;
        }
        try {
            return Integer.parseInt(p.get(field).trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, field, field + " = " + p.get(field) + " is invalid: must be an integer");
        }
    }

    private static boolean boolField(Map<String, String> p, String field, boolean dflt) {
        if (!p.containsKey(field)) {
            return dflt;
        }
        String v = p.get(field).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new PropertyException(NAME, field, field + " = " + v + " is invalid: must be true or false");
        }
        return Boolean.parseBoolean(v);
    }

    private static <E extends Enum<E>> E enumField(Map<String, String> p, String field, Class<E> type, E dflt) {
        if (!p.containsKey(field)) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, p.get(field).trim());
        } catch (IllegalArgumentException e) {
            throw new PropertyException(NAME, field, field + " = " + p.get(field) + " is invalid: must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static double doubleField(Map<String, String> p, String field, double dflt) {
        if (!p.containsKey(field)) {
            return dflt;
        }
        try {
            return Double.parseDouble(p.get(field).trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, field, field + " = " + p.get(field) + " is invalid: must be a number");
        }
    }

    /**
     * Lists the fields whose values differ, e.g. {@code "dModel: 128 vs 64"} (this value first).
     *
     * @param other the configuration to compare with
     * @return one entry per differing field, empty when equal
     */
    public List<String> differences(PolicyConfig other) {
        List<String> out = new ArrayList<>();
        Map<String, String> a = toProperties();
        Map<String, String> b = other.toProperties();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(k + ": " + a.get(k) + " vs " + b.get(k));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyConfig && toProperties().equals(((PolicyConfig) o).toProperties());
    }

    @Override
    public int hashCode() {
        return toProperties().hashCode();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "PolicyConfig");
    }

    @Override
    public String toString() {
        return "PolicyConfig" + toProperties();
    }
}
