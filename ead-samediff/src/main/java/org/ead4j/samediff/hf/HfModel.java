package org.ead4j.samediff.hf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ead4j.samediff.io.ModelFileException;
import org.ead4j.samediff.io.SafetensorsFile;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Hugging Face model folder loaded into ead4j's layout: its {@link HfConfig} and float32 weights under
 * {@link WeightLayout} names ({@code [in, out]} matrices), ready for {@link #policy()}.
 *
 * <p>{@link #load} maps one tensor at a time from the safetensors files (F32, BF16 or F16), converts it to float32
 * off-heap and, for linear layers, transposes it into a C-order copy; the file's pages are never on the Java heap and
 * at most one tensor exists twice at a time. The weights must match the configuration exactly: a missing tensor, a
 * tensor the configuration has no parameter for, or a wrong shape is a one-line {@link ModelFileException} naming the
 * file and the tensor. Two exceptions, both as in transformers: {@code *.rotary_emb.inv_freq} buffers (written by old
 * conversions) are skipped, and with {@code tie_word_embeddings} an {@code lm_head.weight} is accepted only when it
 * equals {@code model.embed_tokens.weight} bit for bit (a differing head would be silently replaced by the embedding,
 * so it is refused instead).
 *
 * @param dir the folder
 * @param config config.json and generation_config.json
 * @param weights float32 parameters by ead4j name, in {@link WeightLayout} order
 */
public record HfModel(Path dir, HfConfig config, Map<String, INDArray> weights) {

    /**
     * @param dir the folder
     * @param config its description
     * @param weights the parameters
     */
    public HfModel {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /**
     * Loads a model folder: config.json (+ generation_config.json) and model.safetensors or its shards.
     *
     * @param dir the folder
     * @return the model
     * @throws ModelFileException if a file is missing, malformed, describes an unsupported model, or the weights do not
     *                            match the configuration
     * @throws IOException if a file cannot be read
     */
    public static HfModel load(Path dir) throws IOException {
        HfConfig config = HfConfig.read(dir);
        PolicyConfig pc = config.policy();
        Map<String, long[]> shapes = WeightLayout.shapes(pc);
        Map<String, String> names = HfTensorNames.map(pc);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        try (SafetensorsModel files = SafetensorsModel.open(dir)) {
            Map<String, SafetensorsFile.TensorInfo> stored = files.tensors();
            Path anyFile = stored.isEmpty() ? dir : files.fileOf(stored.keySet().iterator().next());
            for (Map.Entry<String, String> e : names.entrySet()) {
                String hf = e.getValue();
                long[] want = HfTensorNames.hfShape(e.getKey(), shapes.get(e.getKey()));
                SafetensorsFile.TensorInfo t = stored.get(hf);
                if (t == null) {
                    throw new ModelFileException(anyFile, hf, "missing: the " + pc.architecture().hfClass()
                            + " configuration in config.json needs it, shape " + Arrays.toString(want));
                }
                if (!Arrays.equals(t.shape(), want)) {
                    throw new ModelFileException(files.fileOf(hf), hf, "has shape " + Arrays.toString(t.shape())
                            + " but config.json implies " + Arrays.toString(want));
                }
            }
            for (String hf : stored.keySet()) {
                if (names.containsValue(hf) || hf.endsWith(".rotary_emb.inv_freq")) {
                    continue;
                }
                if (hf.equals(HfTensorNames.LM_HEAD) && pc.tiedEmbeddings()) {
                    continue; // compared with the embedding below
                }
                throw new ModelFileException(files.fileOf(hf), hf, "is not a parameter of the " + pc.architecture().hfClass()
                        + " that config.json describes (extra tensor)");
            }
            for (Map.Entry<String, String> e : names.entrySet()) {
                INDArray a = files.read(e.getValue());
                if (HfTensorNames.transposed(e.getKey())) {
                    INDArray t = a.transpose().dup('c');
                    a.close();
                    a = t;
                }
                weights.put(e.getKey(), a);
            }
            if (pc.tiedEmbeddings() && stored.containsKey(HfTensorNames.LM_HEAD)) {
                SafetensorsFile.TensorInfo head = stored.get(HfTensorNames.LM_HEAD);
                INDArray h = files.read(HfTensorNames.LM_HEAD);
                boolean same = Arrays.equals(head.shape(), stored.get(HfTensorNames.EMBED).shape())
                        && h.equals(weights.get(WeightLayout.TOKEN_EMBEDDING));
                h.close();
                if (!same) {
                    throw new ModelFileException(files.fileOf(HfTensorNames.LM_HEAD), HfTensorNames.LM_HEAD,
                            "differs from " + HfTensorNames.EMBED + " although config.json sets tie_word_embeddings = true "
                            + "(set it to false to use a separate head)");
                }
            }
        }
        return new HfModel(dir, config, weights);
    }

    /** @return a float32 policy holding these weights (the arrays are used, not copied) */
    public PolicyTransformer policy() {
        return PolicyTransformer.withWeights(config.policy(), weights);
    }

    /**
     * Loads a folder straight into a policy.
     *
     * @param dir the folder
     * @return the float32 policy
     * @throws IOException if a file cannot be read
     */
    public static PolicyTransformer loadPolicy(Path dir) throws IOException {
        return load(dir).policy();
    }
}
