package org.ead4j.samediff.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ead4j.samediff.io.AtomicFiles;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.io.SafetensorsWriter;
import org.ead4j.samediff.policy.LoraMerge;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a policy as a Hugging Face model folder that transformers loads unchanged: config.json,
 * generation_config.json, model.safetensors (or shards with model.safetensors.index.json) under Hugging Face tensor
 * names with {@code [out, in]} matrices, in float32 or bfloat16, and the tokenizer files copied from a source folder.
 * Every file is written atomically.
 */
public final class HfExporter {

    /** Tokenizer files copied from the source folder when present. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model", "chat_template.jinja");

    private HfExporter() {
    }

    /**
     * What to write besides the weights.
     *
     * @param dtype F32 or BF16 (F16 is also accepted)
     * @param maxShardBytes weights above this size are split into shards ({@link SafetensorsModel#DEFAULT_MAX_SHARD_BYTES})
     * @param tokenizerSource folder to copy the tokenizer files ({@link #TOKENIZER_FILES}) from, a single tokenizer file
     *                        to copy under its own name, or null
     * @param bosId BOS id for config.json and generation_config.json, or null
     * @param eosIds EOS ids (may be empty)
     * @param padId PAD id or null
     */
    public record Options(SafetensorsDtype dtype, long maxShardBytes, Path tokenizerSource, Integer bosId,
                          List<Integer> eosIds, Integer padId) {
        /** Checks the options. */
        public Options {
            if (dtype == null || !dtype.supported()) {
                throw new IllegalArgumentException("dtype = " + dtype + " is invalid: must be float32 or bfloat16");
            }
            eosIds = List.copyOf(eosIds);
        }

        /**
         * @param dtype the stored type
         * @return options with no tokenizer, no special ids and the default shard size
         */
        public static Options of(SafetensorsDtype dtype) {
            return new Options(dtype, SafetensorsModel.DEFAULT_MAX_SHARD_BYTES, null, null, List.of(), null);
        }

        /**
         * @param config the source model's description
         * @param dtype the stored type
         * @param tokenizerSource folder with tokenizer files, or null
         * @return options carrying the source's special ids
         */
        public static Options from(HfConfig config, SafetensorsDtype dtype, Path tokenizerSource) {
            return new Options(dtype, SafetensorsModel.DEFAULT_MAX_SHARD_BYTES, tokenizerSource, config.bosId(),
                    config.eosIds(), config.padId());
        }
    }

    /**
     * Exports a policy.
     *
     * @param outDir the folder (created if needed)
     * @param policy the policy
     * @param options dtype, shards, tokenizer, special ids
     * @return the files written
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the policy has no Hugging Face equivalent
     */
    public static List<Path> export(Path outDir, PolicyTransformer policy, Options options) throws IOException {
        return export(outDir, policy.config(), LoraMerge.merged(policy), options);
    }

    /**
     * Exports a configuration and its weights.
     *
     * @param outDir the folder (created if needed)
     * @param config a LLAMA, QWEN2 or QWEN3 configuration
     * @param params every parameter of {@link WeightLayout#shapes}, by ead4j name
     * @param options dtype, shards, tokenizer, special ids
     * @return the files written
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the configuration has no Hugging Face equivalent or a parameter is missing
     */
    public static List<Path> export(Path outDir, PolicyConfig config, Map<String, INDArray> params, Options options)
            throws IOException {
        Map<String, long[]> shapes = WeightLayout.shapes(config);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray a = params.get(e.getKey());
            if (a == null || !java.util.Arrays.equals(a.shape(), e.getValue())) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is " + (a == null ? "missing"
                        : "of shape " + java.util.Arrays.toString(a.shape())) + "; the configuration needs "
                        + java.util.Arrays.toString(e.getValue()));
            }
        }
        // a transposed view: the writer copies one tensor at a time into C order
        return export(outDir, config, name -> {
            INDArray a = params.get(name);
            return SafetensorsWriter.floats(HfTensorNames.transposed(name) ? a.transpose() : a);
        }, options);
    }

    /**
     * Exports a configuration whose weights are produced one parameter at a time (so that a model larger than memory
     * can be written).
     *
     * @param outDir the folder (created if needed)
     * @param config a LLAMA, QWEN2 or QWEN3 configuration
     * @param hfLayoutValues called once per parameter (ead4j name) in {@link WeightLayout} order: its C-order values
     *                       in the Hugging Face layout, i.e. already transposed where {@link HfTensorNames#transposed}
     * @param options dtype, shards, tokenizer, special ids
     * @return the files written
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the configuration has no Hugging Face equivalent
     */
    public static List<Path> export(Path outDir, PolicyConfig config, Function<String, FloatBuffer> hfLayoutValues,
                                    Options options) throws IOException {
        HfConfig hf = new HfConfig(config, options.bosId(), options.eosIds(), options.padId(), options.dtype().torchName());
        ObjectNode configJson = hf.toConfigJson(options.dtype().torchName()); // refuses GPT and foreign combinations
        Map<String, long[]> shapes = WeightLayout.shapes(config);
        Map<String, long[]> hfShapes = new LinkedHashMap<>();
        Map<String, String> ead4jByHf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : HfTensorNames.map(config).entrySet()) {
            hfShapes.put(e.getValue(), HfTensorNames.hfShape(e.getKey(), shapes.get(e.getKey())));
            ead4jByHf.put(e.getValue(), e.getKey());
        }
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>(SafetensorsModel.write(outDir, hfShapes,
                n -> hfLayoutValues.apply(ead4jByHf.get(n)), options.dtype(), options.maxShardBytes(), Map.of("format", "pt")));
        ObjectMapper om = new ObjectMapper();
        written.add(writeJson(outDir.resolve(HfConfig.CONFIG_FILE), om, configJson));
        written.add(writeJson(outDir.resolve(HfConfig.GENERATION_CONFIG_FILE), om, hf.toGenerationConfigJson()));
        if (options.tokenizerSource() != null && Files.isRegularFile(options.tokenizerSource())) {
            Path f = options.tokenizerSource(); // a single file (e.g. model new --tokenizer tokenizer.json)
            AtomicFiles.write(outDir.resolve(f.getFileName().toString()), out -> Files.copy(f, out));
            written.add(outDir.resolve(f.getFileName().toString()));
        } else if (options.tokenizerSource() != null) {
            Path src = options.tokenizerSource();
            if (!Files.isDirectory(src)) {
                throw new IllegalArgumentException("tokenizer source " + src + " is neither a file nor a folder");
            }
            if (!src.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
                for (String name : TOKENIZER_FILES) {
                    Path f = src.resolve(name);
                    if (Files.isRegularFile(f)) {
                        AtomicFiles.write(outDir.resolve(name), out -> Files.copy(f, out));
                        written.add(outDir.resolve(name));
                    }
                }
            }
        }
        return written;
    }

    private static Path writeJson(Path file, ObjectMapper om, ObjectNode json) throws IOException {
        byte[] bytes = om.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        AtomicFiles.write(file, out -> {
            out.write(bytes);
            out.write('\n');
        });
        return file;
    }
}
