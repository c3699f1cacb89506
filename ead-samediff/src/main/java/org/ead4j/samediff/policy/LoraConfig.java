package org.ead4j.samediff.policy;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Low-rank adapters (LoRA) on the projections of a Hugging Face family policy, as HF PEFT defines them: for a
 * targeted projection {@code W} (stored {@code [in, out]}, frozen) the layer computes
 * {@code y = x W + scale * (x A^T) B^T} with trainable {@code A [r, in]} (PEFT's {@code lora_A.weight}) and
 * {@code B [out, r]} ({@code lora_B.weight}); {@code scale = alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA.
 * {@code B} starts at zero, so training starts at the base model; {@code A} is drawn like PEFT's default
 * ({@code kaiming_uniform_(a = sqrt(5))}, i.e. uniform in {@code [-1/sqrt(in), 1/sqrt(in)]}) from a stream seeded
 * by {@link #initSeed()}. Every other parameter is frozen: no gradient and no optimiser state.
 */
public class LoraConfig implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    private static final String NAME = "LoraConfig";

    /** PEFT module names in canonical order, to ead4j projection names ({@link WeightLayout#projection}). */
    private static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("q_proj", "q");
        MODULES.put("k_proj", "k");
        MODULES.put("v_proj", "v");
        MODULES.put("o_proj", "out");
        MODULES.put("gate_proj", "gate");
        MODULES.put("up_proj", "up");
        MODULES.put("down_proj", "down");
    }

    @Config(description = "Adapter rank r (PEFT's r). Must be >= 1. Default: 8 (PEFT's default).")
    private int r = 8;

    @Config(description = "Scaling numerator alpha (PEFT's lora_alpha): the update is scaled by alpha / r "
            + "(alpha / sqrt(r) with rsLora). Must be > 0. Default: 8 (PEFT's default).")
    private double alpha = 8;

    @Config(description = "Projections that get adapters, by PEFT name: q_proj, k_proj, v_proj, o_proj, gate_proj, "
            + "up_proj, down_proj. Default: q_proj, v_proj (PEFT's default for Llama and Qwen2).")
    private List<String> targetModules = new ArrayList<>(List.of("q_proj", "v_proj"));

    @Config(description = "Rank-stabilised LoRA: scale by alpha / sqrt(r) instead of alpha / r (PEFT's use_rslora). "
            + "Default: false.")
    private boolean rsLora = false;

    @Config(description = "Seed of the stream that draws the A matrices. Default: 0.")
    private long initSeed = 0;

    /** For OLCUT. */
    public LoraConfig() {
    }

    /**
     * @param r adapter rank
     * @param alpha scaling numerator
     * @param targetModules PEFT module names
     * @param rsLora scale by alpha / sqrt(r)
     * @param initSeed seed of the A initialisation
     * @throws PropertyException naming the field when a value is invalid
     */
    public LoraConfig(int r, double alpha, List<String> targetModules, boolean rsLora, long initSeed) {
        this.r = r;
        this.alpha = alpha;
        this.targetModules = targetModules == null ? null : new ArrayList<>(targetModules);
        this.rsLora = rsLora;
        this.initSeed = initSeed;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (r <= 0) {
            throw new PropertyException(NAME, "r", "r = " + r + " is invalid: the LoRA rank must be >= 1");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new PropertyException(NAME, "alpha", "alpha = " + alpha + " is invalid: must be a finite number > 0");
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new PropertyException(NAME, "targetModules", "targetModules = " + targetModules
                    + " is invalid: name at least one of " + MODULES.keySet());
        }
        List<String> seen = new ArrayList<>();
        for (String m : targetModules) {
            if (!MODULES.containsKey(m)) {
                throw new PropertyException(NAME, "targetModules", "targetModules contains '" + m
                        + "', an unknown module: allowed are " + MODULES.keySet());
            }
            if (seen.contains(m)) {
                throw new PropertyException(NAME, "targetModules", "targetModules names '" + m + "' twice");
            }
            seen.add(m);
        }
    }

    /** @return the rank r */
    public int r() {
        return r;
    }

    /** @return alpha */
    public double alpha() {
        return alpha;
    }

    /** @return the PEFT module names, in the order given (unmodifiable) */
    public List<String> targetModules() {
        return Collections.unmodifiableList(targetModules);
    }

    /** @return true for rank-stabilised scaling alpha / sqrt(r) */
    public boolean rsLora() {
        return rsLora;
    }

    /** @return the seed of the A initialisation */
    public long initSeed() {
        return initSeed;
    }

    /** @return alpha / r, or alpha / sqrt(r) with rsLoRA */
    public double scale() {
        return rsLora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /**
     * @param proj an ead4j projection name ("q", "k", "v", "out", "gate", "up", "down")
     * @return whether it gets an adapter
     */
    public boolean targets(String proj) {
        for (String m : targetModules) {
            if (MODULES.get(m).equals(proj)) {
                return true;
            }
        }
        return false;
    }

    /** @return the targeted ead4j projection names, in canonical (q, k, v, out, gate, up, down) order */
    public List<String> targetProjections() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : MODULES.entrySet()) {
            if (targetModules.contains(e.getKey())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /**
     * @param proj an ead4j projection name
     * @return PEFT's module name for it, e.g. "o_proj" for "out"
     */
    public static String peftModule(String proj) {
        for (Map.Entry<String, String> e : MODULES.entrySet()) {
            if (e.getValue().equals(proj)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("no PEFT module for projection '" + proj + "'");
    }

    /** @return the PEFT module names that LoRA may target, in canonical order */
    public static List<String> knownModules() {
        return new ArrayList<>(MODULES.keySet());
    }

    /**
     * @param layer block index
     * @param proj an ead4j projection name
     * @return name of that projection's A matrix {@code [r, in]}
     */
    public static String loraA(int layer, String proj) {
        return WeightLayout.projection(layer, proj) + ".lora_A";
    }

    /**
     * @param layer block index
     * @param proj an ead4j projection name
     * @return name of that projection's B matrix {@code [out, r]}
     */
    public static String loraB(int layer, String proj) {
        return WeightLayout.projection(layer, proj) + ".lora_B";
    }

    /**
     * The adapter parameters for a policy configuration, in canonical order (layer, then projection, A before B).
     *
     * @param c the policy configuration (a Hugging Face family)
     * @return name to shape
     * @throws IllegalArgumentException when the architecture is not a Hugging Face family
     */
    public Map<String, long[]> shapes(PolicyConfig c) {
        if (!c.architecture().isHuggingFace()) {
            throw new IllegalArgumentException("lora needs a Hugging Face family architecture (LLAMA, QWEN2, QWEN3), got "
                    + "architecture = " + c.architecture());
        }
        Map<String, long[]> base = WeightLayout.shapes(c);
        Map<String, long[]> s = new LinkedHashMap<>();
        for (int l = 0; l < c.numLayers(); l++) {
            for (String proj : targetProjections()) {
                long[] w = base.get(WeightLayout.projection(l, proj)); // [in, out]
                s.put(loraA(l, proj), new long[]{r, w[0]});
                s.put(loraB(l, proj), new long[]{w[1], r});
            }
        }
        return s;
    }

    /** @return the fields as strings (targetModules comma-separated), for checkpoints */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("r", Integer.toString(r));
        p.put("alpha", Double.toString(alpha));
        p.put("targetModules", String.join(",", targetModules));
        p.put("rsLora", Boolean.toString(rsLora));
        p.put("initSeed", Long.toString(initSeed));
        return p;
    }

    /**
     * @param p as written by {@link #toProperties()}
     * @return the configuration
     * @throws PropertyException naming the field when a value does not parse or is invalid
     */
    public static LoraConfig fromProperties(Map<String, String> p) {
        int r;
        double alpha;
        long seed;
        try {
            r = Integer.parseInt(p.getOrDefault("r", "").trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, "r", "r = " + p.get("r") + " is invalid: must be an integer >= 1");
        }
        try {
            alpha = Double.parseDouble(p.getOrDefault("alpha", "").trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, "alpha", "alpha = " + p.get("alpha") + " is invalid: must be a number > 0");
        }
        try {
            seed = Long.parseLong(p.getOrDefault("initSeed", "0").trim());
        } catch (NumberFormatException e) {
            throw new PropertyException(NAME, "initSeed", "initSeed = " + p.get("initSeed") + " is invalid: must be an integer");
        }
        List<String> modules = new ArrayList<>();
        for (String m : p.getOrDefault("targetModules", "").split(",")) {
            if (!m.isBlank()) {
                modules.add(m.trim());
            }
        }
        return new LoraConfig(r, alpha, modules, Boolean.parseBoolean(p.getOrDefault("rsLora", "false").trim()), seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraConfig l && toProperties().equals(l.toProperties());
    }

    @Override
    public int hashCode() {
        return toProperties().hashCode();
    }

    @Override
    public String toString() {
        return "LoraConfig(r=" + r + ", alpha=" + alpha + ", targetModules=" + targetModules + ", rsLora=" + rsLora
                + ", initSeed=" + initSeed + ")";
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, NAME);
    }
}
