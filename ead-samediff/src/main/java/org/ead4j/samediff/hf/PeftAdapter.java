package org.ead4j.samediff.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ead4j.samediff.io.AtomicFiles;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsFile;
import org.ead4j.samediff.io.SafetensorsWriter;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HF PEFT LoRA adapter folders: {@code adapter_config.json} and {@code adapter_model.safetensors}, as PEFT's
 * {@code save_pretrained} writes them and {@code PeftModel.from_pretrained(base, dir)} reads them (docs/lora.md).
 * Tensor names are {@code base_model.model.<transformers name of the projection>.lora_A.weight} ({@code [r, in]})
 * and {@code .lora_B.weight} ({@code [out, r]}), the same layout ead4j keeps, so nothing is transposed.
 *
 * <p>Entry points: {@link #write(Path, PolicyTransformer, String)} for a LoRA policy, {@link #read(Path, PolicyConfig)}
 * to read a folder against a base configuration (refusing an adapter that does not fit it), and
 * {@link #load(Path, PolicyConfig, Map)} for a LoRA policy on given base weights. For the merged model, export
 * {@link org.ead4j.samediff.policy.LoraMerge#merged(PolicyTransformer)} with {@link HfExporter}.
 */
public final class PeftAdapter {

    /** The adapter's settings file. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The adapter's tensors. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's prefix of every tensor name of a causal LM adapter. */
    public static final String PREFIX = "base_model.model.";

    private PeftAdapter() {
    }

    /**
     * A read adapter.
     *
     * @param lora r, alpha, target modules and rsLoRA from adapter_config.json (initSeed 0)
     * @param adapters ead4j adapter name ({@link LoraConfig#loraA}, {@link LoraConfig#loraB}) to float32 array
     * @param baseModelNameOrPath adapter_config.json's {@code base_model_name_or_path}, or null
     */
    public record Adapter(LoraConfig lora, Map<String, INDArray> adapters, String baseModelNameOrPath) {
    }

    /**
     * @param ead4jAdapterName e.g. {@code layer0.attn.q.lora_A}
     * @return PEFT's name, e.g. {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}
     */
    public static String peftName(String ead4jAdapterName) {
        int cut = ead4jAdapterName.lastIndexOf(".lora_");
        if (cut < 0) {
            throw new IllegalArgumentException("'" + ead4jAdapterName + "' is not an adapter name");
        }
        String base = HfTensorNames.hfName(ead4jAdapterName.substring(0, cut)); // ....q_proj.weight
        return PREFIX + base.substring(0, base.length() - ".weight".length()) + ead4jAdapterName.substring(cut) + ".weight";
    }

    /**
     * Writes a LoRA policy's adapters as a PEFT folder (created if needed; files written atomically).
     *
     * @param dir the folder
     * @param policy a policy with adapters
     * @param baseModelNameOrPath what PEFT records as the base ({@code base_model_name_or_path}), e.g. the base
     *                            model's folder or hub id; may be null
     * @return the files written
     * @throws IllegalArgumentException if the policy has no adapters
     * @throws IOException if writing fails
     */
    public static List<Path> write(Path dir, PolicyTransformer policy, String baseModelNameOrPath) throws IOException {
        if (policy.lora() == null) {
            throw new IllegalArgumentException("the policy has no LoRA adapters: a PEFT adapter folder needs a run with "
                    + "lora set (export the full model with HfExporter instead)");
        }
        return write(dir, policy.config(), policy.lora(), policy.parameters(), baseModelNameOrPath);
    }

    /**
     * Writes adapters as a PEFT folder.
     *
     * @param dir the folder
     * @param config the base configuration
     * @param lora the adapter settings
     * @param adapters every adapter of {@code lora.shapes(config)}, by ead4j name
     * @param baseModelNameOrPath PEFT's {@code base_model_name_or_path}, or null
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(Path dir, PolicyConfig config, LoraConfig lora, Map<String, INDArray> adapters,
                                   String baseModelNameOrPath) throws IOException {
        Files.createDirectories(dir);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : lora.shapes(config).entrySet()) {
            INDArray a = adapters.get(e.getKey());
            if (a == null || !Arrays.equals(a.shape(), e.getValue())) {
                throw new IllegalArgumentException("adapter '" + e.getKey() + "' is " + (a == null ? "missing"
                        : "of shape " + Arrays.toString(a.shape())) + "; expected " + Arrays.toString(e.getValue()));
            }
            tensors.put(peftName(e.getKey()), a);
        }
        Path weights = dir.resolve(WEIGHTS_FILE);
        SafetensorsWriter.write(weights, tensors, SafetensorsDtype.F32, Map.of("format", "pt"));
        Path cfg = dir.resolve(CONFIG_FILE);
        byte[] json = configJson(lora, baseModelNameOrPath).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(cfg, out -> out.write(json));
        return List.of(cfg, weights);
    }

    /**
     * @param lora the settings
     * @param baseModelNameOrPath the base, or null
     * @return the text of adapter_config.json
     */
    static String configJson(LoraConfig lora, String baseModelNameOrPath) {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode n = om.createObjectNode();
        n.put("peft_type", "LORA");
        n.put("task_type", "CAUSAL_LM");
        n.put("base_model_name_or_path", baseModelNameOrPath);
        n.put("r", lora.r());
        if (lora.alpha() == Math.rint(lora.alpha())) {
            n.put("lora_alpha", (long) lora.alpha());
        } else {
            n.put("lora_alpha", lora.alpha());
        }
        ArrayNode targets = n.putArray("target_modules");
        lora.targetModules().forEach(targets::add);
        n.put("lora_dropout", 0.0);
        n.put("bias", "none");
        n.put("use_rslora", lora.rsLora());
        n.put("use_dora", false);
        n.put("fan_in_fan_out", false);
        n.put("init_lora_weights", true);
        n.put("inference_mode", true);
        n.putNull("modules_to_save");
        n.putNull("layers_to_transform");
        n.putObject("rank_pattern");
        n.putObject("alpha_pattern");
        try {
            return om.writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a PEFT LoRA folder against a base configuration.
     *
     * @param dir the adapter folder
     * @param base the configuration of the base model it is to be applied to
     * @return the adapter
     * @throws IllegalArgumentException naming the file and the field or tensor when the folder is not a plain LoRA
     *                                  adapter ead4j can apply (DoRA, bias, per-layer patterns, modules other than the
     *                                  seven projections) or when it is an adapter for another base (a tensor's
     *                                  shape or a layer that the base does not have)
     * @throws IOException if a file cannot be read
     */
    public static Adapter read(Path dir, PolicyConfig base) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(cfgFile, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(cfgFile + ": missing: a PEFT adapter folder has " + CONFIG_FILE + " and "
                    + WEIGHTS_FILE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(cfgFile + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(cfgFile + ": not a JSON object");
        }
        expect(cfgFile, n, "peft_type", "LORA");
        expect(cfgFile, n, "bias", "none");
        refuseTrue(cfgFile, n, "use_dora");
        refuseTrue(cfgFile, n, "fan_in_fan_out");
        for (String f : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode p = n.get(f);
            if (p != null && !p.isNull() && p.size() > 0) {
                throw new IllegalArgumentException(cfgFile + ": " + f + " = " + p + " is not supported: one r and "
                        + "lora_alpha for every module is");
            }
        }
        for (String f : List.of("layers_to_transform", "modules_to_save")) {
            JsonNode p = n.get(f);
            if (p != null && !p.isNull()) {
                throw new IllegalArgumentException(cfgFile + ": " + f + " = " + p + " is not supported (null is)");
            }
        }
        JsonNode r = n.get("r");
        JsonNode alpha = n.get("lora_alpha");
        JsonNode targets = n.get("target_modules");
        if (r == null || !r.canConvertToInt()) {
            throw new IllegalArgumentException(cfgFile + ": r = " + r + " is invalid: an integer >= 1 is needed");
        }
        if (alpha == null || !alpha.isNumber()) {
            throw new IllegalArgumentException(cfgFile + ": lora_alpha = " + alpha + " is invalid: a number > 0 is needed");
        }
        if (targets == null || !targets.isArray()) {
            throw new IllegalArgumentException(cfgFile + ": target_modules = " + targets + " is not supported: a list of "
                    + "module names among " + LoraConfig.knownModules() + " is");
        }
        List<String> modules = new ArrayList<>();
        targets.forEach(t -> modules.add(t.asText()));
        JsonNode rs = n.get("use_rslora");
        LoraConfig lora;
        try {
            lora = new LoraConfig(r.asInt(), alpha.asDouble(), modules, rs != null && rs.asBoolean(), 0);
        } catch (com.oracle.labs.mlrg.olcut.config.PropertyException e) {
            throw new IllegalArgumentException(cfgFile + ": " + e.getMessage());
        }
        JsonNode baseName = n.get("base_model_name_or_path");

        Path wFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(wFile)) {
            throw new IllegalArgumentException(wFile + ": missing (adapter_model.bin, PyTorch pickles, is not read; "
                    + "save the adapter with safe_serialization=True)");
        }
        Map<String, long[]> shapes = lora.shapes(base);
        Map<String, String> byPeft = new LinkedHashMap<>();
        shapes.keySet().forEach(k -> byPeft.put(peftName(k), k));
        Map<String, INDArray> adapters = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(wFile)) {
            for (Map.Entry<String, SafetensorsFile.TensorInfo> e : f.tensors().entrySet()) {
                if (!byPeft.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(wFile + ": tensor '" + e.getKey() + "' does not fit the base "
                            + "(adapter for another base?): with " + base.numLayers() + " layers and target_modules "
                            + lora.targetModules() + " the base has no such adapter");
                }
            }
            for (Map.Entry<String, String> e : byPeft.entrySet()) {
                SafetensorsFile.TensorInfo t = f.tensors().get(e.getKey());
                long[] want = shapes.get(e.getValue());
                if (t == null) {
                    throw new IllegalArgumentException(wFile + ": tensor '" + e.getKey() + "' is missing: target_modules "
                            + lora.targetModules() + " on a " + base.numLayers() + "-layer base needs it, shape "
                            + Arrays.toString(want));
                }
                if (!Arrays.equals(t.shape(), want)) {
                    throw new IllegalArgumentException(wFile + ": tensor '" + e.getKey() + "' has shape "
                            + Arrays.toString(t.shape()) + " but this base with r = " + lora.r() + " needs "
                            + Arrays.toString(want) + ": adapter for another base");
                }
                adapters.put(e.getValue(), f.read(e.getKey()));
            }
        }
        return new Adapter(lora, Collections.unmodifiableMap(adapters),
                baseName == null || baseName.isNull() ? null : baseName.asText());
    }

    /**
     * A LoRA policy on the given base weights with a PEFT adapter's values (to continue training it, to decode with
     * it, or to merge it).
     *
     * @param dir the adapter folder
     * @param base the base configuration
     * @param baseWeights every base parameter ({@link WeightLayout#shapes(PolicyConfig)}), e.g. {@link HfModel#weights()}
     * @return the float32 policy
     * @throws IOException if a file cannot be read
     */
    public static PolicyTransformer load(Path dir, PolicyConfig base, Map<String, INDArray> baseWeights)
            throws IOException {
        Adapter a = read(dir, base);
        PolicyTransformer p = PolicyTransformer.withWeights(base, a.lora(), baseWeights);
        p.parameters().forEach((name, arr) -> arr.assign(a.adapters().get(name)));
        return p;
    }

    private static void expect(Path file, JsonNode n, String field, String value) {
        JsonNode v = n.get(field);
        if (v != null && !v.isNull() && !v.asText().equals(value)) {
            throw new IllegalArgumentException(file + ": " + field + " = " + v + " is not supported: only \"" + value
                    + "\" is");
        }
        if (field.equals("peft_type") && (v == null || v.isNull())) {
            throw new IllegalArgumentException(file + ": peft_type is missing: \"LORA\" is needed");
        }
    }

    private static void refuseTrue(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.asBoolean(false)) {
            throw new IllegalArgumentException(file + ": " + field + " = true is not supported (false is)");
        }
    }
}
