package org.ead4j.samediff.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ead4j.samediff.io.ModelFileException;
import org.ead4j.samediff.policy.Architecture;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.RopeScaling;

/**
 * A Hugging Face model's description: the {@link PolicyConfig} that config.json maps to (docs/architectures.md,
 * "config.json mapping"), the special token ids, and the stored dtype. {@link #read} refuses, with a one-line
 * {@link ModelFileException} naming the file, the field and its value, every architecture or feature ead4j does not
 * implement (another model_type, a sliding window in use, another rope_scaling type, mixture of experts, an activation
 * other than silu), so that nothing is silently ignored. {@link #toConfigJson} and {@link #toGenerationConfigJson}
 * write them back.
 *
 * @param policy the policy configuration
 * @param bosId the beginning-of-sequence id, or null when the files name none
 * @param eosIds the end-of-sequence ids (generation_config.json's list when present, else config.json's), maybe empty
 * @param padId the padding id, or null
 * @param torchDtype config.json's {@code torch_dtype} (or v5 {@code dtype}), or null
 */
public record HfConfig(PolicyConfig policy, Integer bosId, List<Integer> eosIds, Integer padId, String torchDtype) {

    /** The model description file. */
    public static final String CONFIG_FILE = "config.json";
    /** The generation defaults file (EOS list). */
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";

    /** Fields that announce a mixture-of-experts model when positive. */
    private static final String[] MOE_FIELDS = {"num_experts", "num_local_experts", "n_routed_experts",
        "num_experts_per_tok", "moe_intermediate_size"};

    /**
     * @param policy the policy configuration
     * @param bosId BOS id or null
     * @param eosIds EOS ids
     * @param padId PAD id or null
     * @param torchDtype stored dtype name or null
     */
    public HfConfig {
        eosIds = List.copyOf(eosIds);
    }

    /**
     * Reads config.json and, when present, generation_config.json of a model folder.
     *
     * @param dir the folder
     * @return the description
     * @throws ModelFileException if a file is missing or malformed, or describes a model ead4j does not implement
     * @throws IOException if a file cannot be read
     */
    public static HfConfig read(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        JsonNode c = json(file);
        Architecture arch = architecture(file, c);
        refuseUnsupported(file, c);

        Map<String, String> p = new LinkedHashMap<>();
        p.put("architecture", arch.name());
        p.put("norm", "RMS_NORM");
        p.put("positions", "ROTARY");
        p.put("mlp", "SWIGLU");
        int hidden = requiredInt(file, c, "hidden_size");
        int heads = requiredInt(file, c, "num_attention_heads");
        p.put("dModel", Integer.toString(hidden));
        p.put("numLayers", Integer.toString(requiredInt(file, c, "num_hidden_layers")));
        p.put("numHeads", Integer.toString(heads));
        // transformers: LlamaConfig defaults num_key_value_heads to num_attention_heads, Qwen2/Qwen3Config to 32
        int kv = optInt(file, c, "num_key_value_heads", arch == Architecture.LLAMA ? heads : 32);
        p.put("numKvHeads", Integer.toString(kv));
        // Qwen3Config's head_dim defaults to 128; Llama and Qwen2 derive it from hidden_size / num_attention_heads
        int headDim = optInt(file, c, "head_dim", arch == Architecture.QWEN3 ? 128 : 0);
        if (headDim == 0 && heads > 0 && hidden % heads == 0) {
            headDim = hidden / heads; // stored explicitly, so that read(toConfigJson()) gives an equal PolicyConfig
        }
        p.put("headDim", Integer.toString(headDim));
        p.put("ffnWidth", Integer.toString(requiredInt(file, c, "intermediate_size")));
        p.put("vocabSize", Integer.toString(requiredInt(file, c, "vocab_size")));
        p.put("maxSeqLen", Integer.toString(requiredInt(file, c, "max_position_embeddings")));
        p.put("normEpsilon", Double.toString(optDouble(file, c, "rms_norm_eps", 1e-6)));
        p.put("initStd", Double.toString(optDouble(file, c, "initializer_range", 0.02)));
        p.put("tiedEmbeddings", Boolean.toString(optBool(file, c, "tie_word_embeddings", false)));
        boolean attentionBias = optBool(file, c, "attention_bias", false);
        switch (arch) {
            case QWEN2: // modeling_qwen2: q/k/v biases hard-coded on, o_proj and the MLP without
                p.put("qkvBias", "true");
                p.put("outBias", "false");
                p.put("mlpBias", "false");
                break;
            case QWEN3: // modeling_qwen3: attention_bias on q/k/v/o, MLP without bias, q/k RMSNorm
                p.put("qkvBias", Boolean.toString(attentionBias));
                p.put("outBias", Boolean.toString(attentionBias));
                p.put("mlpBias", "false");
                p.put("qkNorm", "true");
                break;
            default: // llama: attention_bias on q/k/v/o, mlp_bias on gate/up/down
                p.put("qkvBias", Boolean.toString(attentionBias));
                p.put("outBias", Boolean.toString(attentionBias));
                p.put("mlpBias", Boolean.toString(optBool(file, c, "mlp_bias", false)));
        }
        rope(file, c, p);

        PolicyConfig policy;
        try {
            policy = PolicyConfig.fromProperties(p);
        } catch (PropertyException e) {
            throw new ModelFileException(file, null, "describes an invalid model: " + e.getMessage(), e);
        }
        Integer bos = optId(file, c, "bos_token_id");
        List<Integer> eos = ids(file, c, "eos_token_id");
        Integer pad = optId(file, c, "pad_token_id");
        Path gen = dir.resolve(GENERATION_CONFIG_FILE);
        if (Files.isRegularFile(gen)) {
            JsonNode g = json(gen);
            if (g.hasNonNull("bos_token_id")) {
                bos = optId(gen, g, "bos_token_id");
            }
            if (g.hasNonNull("eos_token_id")) {
                eos = ids(gen, g, "eos_token_id");
            }
            if (g.hasNonNull("pad_token_id")) {
                pad = optId(gen, g, "pad_token_id");
            }
        }
        String dtype = c.hasNonNull("torch_dtype") ? c.get("torch_dtype").asText() : c.hasNonNull("dtype") ? c.get("dtype").asText() : null;
        return new HfConfig(policy, bos, eos, pad, dtype);
    }

    private static Architecture architecture(Path file, JsonNode c) {
        String modelType = c.hasNonNull("model_type") ? c.get("model_type").asText() : null;
        Architecture byType = null;
        if (modelType != null) {
            for (Architecture a : Architecture.values()) {
                if (a.isHuggingFace() && a.modelType().equals(modelType)) {
                    byType = a;
                }
            }
            if (byType == null) {
                throw new ModelFileException(file, null, "model_type = " + modelType + " is not supported (supported: llama, qwen2, qwen3)");
            }
        }
        JsonNode archs = c.get("architectures");
        if (archs != null && !archs.isNull()) {
            if (!archs.isArray() || archs.size() != 1 || !archs.get(0).isTextual()) {
                throw new ModelFileException(file, null, "architectures = " + archs + " is not supported: must be one of "
                        + "[\"LlamaForCausalLM\"], [\"Qwen2ForCausalLM\"], [\"Qwen3ForCausalLM\"]");
            }
            String cls = archs.get(0).asText();
            Architecture byClass = null;
            for (Architecture a : Architecture.values()) {
                if (a.isHuggingFace() && a.hfClass().equals(cls)) {
                    byClass = a;
                }
            }
            if (byClass == null) {
                throw new ModelFileException(file, null, "architectures = [\"" + cls + "\"] is not supported "
                        + "(supported: LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM)");
            }
            if (byType != null && byType != byClass) {
                throw new ModelFileException(file, null, "architectures = [\"" + cls + "\"] contradicts model_type = " + modelType);
            }
            return byClass;
        }
        if (byType == null) {
            throw new ModelFileException(file, null, "names neither model_type nor architectures");
        }
        return byType;
    }

    private static void refuseUnsupported(Path file, JsonNode c) {
        if (c.hasNonNull("use_sliding_window") && c.get("use_sliding_window").asBoolean(false)) {
            throw new ModelFileException(file, null, "use_sliding_window = true is not supported: ead4j implements full "
                    + "causal attention only");
        }
        for (String f : MOE_FIELDS) {
            JsonNode v = c.get(f);
            if (v != null && v.isNumber() && v.asDouble() > 0) {
                throw new ModelFileException(file, null, f + " = " + v + " is not supported: mixture-of-experts models are not implemented");
            }
        }
        String act = c.hasNonNull("hidden_act") ? c.get("hidden_act").asText() : "silu";
        if (!act.equals("silu")) {
            throw new ModelFileException(file, null, "hidden_act = " + act + " is not supported (supported: silu)");
        }
    }

    /** rope_theta and rope_scaling (transformers v4) or rope_parameters (v5). */
    private static void rope(Path file, JsonNode c, Map<String, String> p) {
        JsonNode params = c.get("rope_parameters");
        JsonNode scaling = c.get("rope_scaling");
        double theta = optDouble(file, c, "rope_theta", 10000.0);
        String field = "rope_scaling";
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new ModelFileException(file, null, "rope_parameters = " + params + " is not an object");
            }
            theta = optDouble(file, params, "rope_theta", theta);
            scaling = params;
            field = "rope_parameters";
        }
        p.put("ropeBase", Double.toString(theta));
        if (scaling == null || scaling.isNull()) {
            p.put("ropeScaling", RopeScaling.NONE.name());
            return;
        }
        if (!scaling.isObject()) {
            throw new ModelFileException(file, null, field + " = " + scaling + " is not an object");
        }
        String type = scaling.hasNonNull("rope_type") ? scaling.get("rope_type").asText()
                : scaling.hasNonNull("type") ? scaling.get("type").asText() : "default";
        if (type.equals("default")) {
            p.put("ropeScaling", RopeScaling.NONE.name());
            return;
        }
        if (!type.equals("llama3")) {
            throw new ModelFileException(file, null, field + ".rope_type = " + type + " is not supported (supported: default, llama3)");
        }
        p.put("ropeScaling", RopeScaling.LLAMA3.name());
        p.put("ropeScalingFactor", Double.toString(requiredDouble(file, scaling, field, "factor")));
        p.put("ropeLowFreqFactor", Double.toString(requiredDouble(file, scaling, field, "low_freq_factor")));
        p.put("ropeHighFreqFactor", Double.toString(requiredDouble(file, scaling, field, "high_freq_factor")));
        p.put("ropeOriginalMaxPositions", Integer.toString((int) requiredDouble(file, scaling, field, "original_max_position_embeddings")));
    }

    static JsonNode json(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file, null, "no such file");
        }
        try {
            ObjectMapper om = new ObjectMapper();
            om.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode n = om.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new ModelFileException(file, null, "is not a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFileException(file, null, "is not valid JSON: " + String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " "));
        }
    }

    private static int requiredInt(Path file, JsonNode c, String f) {
        if (!c.hasNonNull(f)) {
            throw new ModelFileException(file, null, "has no " + f);
        }
        return optInt(file, c, f, 0);
    }

    private static int optInt(Path file, JsonNode c, String f, int dflt) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new ModelFileException(file, null, f + " = " + v + " is invalid: must be a non-negative integer");
        }
        return v.asInt();
    }

    private static double optDouble(Path file, JsonNode c, String f, double dflt) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new ModelFileException(file, null, f + " = " + v + " is invalid: must be a number");
        }
        return v.asDouble();
    }

    private static double requiredDouble(Path file, JsonNode c, String parent, String f) {
        if (!c.hasNonNull(f)) {
            throw new ModelFileException(file, null, parent + " has no " + f + " (llama3 scaling needs factor, low_freq_factor, "
                    + "high_freq_factor, original_max_position_embeddings)");
        }
        JsonNode v = c.get(f);
        if (!v.isNumber()) {
            throw new ModelFileException(file, null, parent + "." + f + " = " + v + " is invalid: must be a number");
        }
        return v.asDouble();
    }

    private static boolean optBool(Path file, JsonNode c, String f, boolean dflt) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ModelFileException(file, null, f + " = " + v + " is invalid: must be true or false");
        }
        return v.asBoolean();
    }

    private static Integer optId(Path file, JsonNode c, String f) {
        JsonNode v = c.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray() && v.size() > 0) {
            v = v.get(0);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new ModelFileException(file, null, f + " = " + c.get(f) + " is invalid: must be a token id");
        }
        return v.asInt();
    }

    private static List<Integer> ids(Path file, JsonNode c, String f) {
        JsonNode v = c.get(f);
        List<Integer> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        for (JsonNode x : v.isArray() ? v : List.of(v)) {
            if (!x.isIntegralNumber() || !x.canConvertToInt() || x.asInt() < 0) {
                throw new ModelFileException(file, null, f + " = " + v + " is invalid: must be a token id or a list of them");
            }
            if (!out.contains(x.asInt())) {
                out.add(x.asInt());
            }
        }
        return out;
    }

    /**
     * The config.json that describes a policy to transformers (the inverse of {@link #read}).
     *
     * @param torchDtype the stored dtype name, e.g. "float32" or "bfloat16"
     * @return the JSON object
     * @throws IllegalArgumentException if the policy has no Hugging Face equivalent (ead4j's GPT, or a combination of
     *                                  biases or norms that the family does not have)
     */
    public ObjectNode toConfigJson(String torchDtype) {
        PolicyConfig c = policy;
        Architecture a = c.architecture();
        if (!a.isHuggingFace()) {
            throw new IllegalArgumentException("architecture = GPT has no Hugging Face equivalent: only LLAMA, QWEN2 and "
                    + "QWEN3 policies can be exported");
        }
        switch (a) {
            case QWEN2:
                need(c.qkvBias() && !c.outBias() && !c.mlpBias() && !c.qkNorm(), a,
                        "qkvBias = true, outBias = false, mlpBias = false, qkNorm = false");
                break;
            case QWEN3:
                need(c.qkvBias() == c.outBias() && !c.mlpBias() && c.qkNorm(), a, "qkvBias = outBias, mlpBias = false, qkNorm = true");
                break;
            default:
                need(c.qkvBias() == c.outBias() && !c.qkNorm(), a, "qkvBias = outBias, qkNorm = false");
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.putArray("architectures").add(a.hfClass());
        o.put("model_type", a.modelType());
        o.put("hidden_size", c.dModel());
        o.put("intermediate_size", c.ffnWidth());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        o.put("head_dim", c.headDim());
        o.put("vocab_size", c.vocabSize());
        o.put("max_position_embeddings", c.maxSeqLen());
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", c.normEpsilon());
        o.put("rope_theta", c.ropeBase());
        if (c.ropeScaling() == RopeScaling.LLAMA3) {
            ObjectNode s = o.putObject("rope_scaling");
            s.put("rope_type", "llama3");
            s.put("factor", c.ropeScalingFactor());
            s.put("low_freq_factor", c.ropeLowFreqFactor());
            s.put("high_freq_factor", c.ropeHighFreqFactor());
            s.put("original_max_position_embeddings", c.ropeOriginalMaxPositions());
        } else {
            o.putNull("rope_scaling");
        }
        o.put("tie_word_embeddings", c.tiedEmbeddings());
        if (a != Architecture.QWEN2) {
            o.put("attention_bias", c.qkvBias());
        }
        if (a == Architecture.LLAMA) {
            o.put("mlp_bias", c.mlpBias());
        } else {
            o.put("use_sliding_window", false);
        }
        o.put("attention_dropout", 0.0);
        o.put("initializer_range", c.initStd());
        putIds(o);
        o.put("torch_dtype", torchDtype);
        o.put("use_cache", true);
        return o;
    }

    /** @return generation_config.json: the BOS and EOS ids */
    public ObjectNode toGenerationConfigJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        putIds(o);
        return o;
    }

    private void putIds(ObjectNode o) {
        if (bosId != null) {
            o.put("bos_token_id", bosId);
        }
        if (eosIds.size() == 1) {
            o.put("eos_token_id", eosIds.get(0));
        } else if (!eosIds.isEmpty()) {
            ArrayNode arr = o.putArray("eos_token_id");
            eosIds.forEach(arr::add);
        }
        if (padId != null) {
            o.put("pad_token_id", padId);
        }
    }

    private static void need(boolean ok, Architecture a, String what) {
        if (!ok) {
            throw new IllegalArgumentException("this policy cannot be exported as " + a.hfClass() + ", which needs " + what);
        }
    }

    /** @return a short name of the family and stored dtype, for messages */
    @Override
    public String toString() {
        return policy.architecture().name().toLowerCase(Locale.ROOT) + " " + policy + " bos=" + bosId + " eos=" + eosIds;
    }
}
