package org.ead4j.samediff.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ead4j.samediff.io.SafetensorsDtype;
import org.ead4j.samediff.io.SafetensorsModel;
import org.ead4j.samediff.policy.PolicyConfig;

/**
 * A summary of a Hugging Face model folder from its config.json and the safetensors headers alone (no weights are
 * read): family, parameter count (the number of weights in the files), stored dtype, vocabulary, context, and
 * estimates of the memory ead4j needs for a decode and a training step (it computes in float32 whatever the stored
 * dtype; docs/architectures.md gives the formulas).
 *
 * @param dir the folder
 * @param config its description
 * @param parameters number of weights in the files
 * @param dtypes stored element types
 * @param fileBytes total size of the safetensors files
 */
public record ModelInfo(Path dir, HfConfig config, long parameters, Set<SafetensorsDtype> dtypes, long fileBytes) {

    /**
     * Reads the summary of a folder.
     *
     * @param dir the folder
     * @return the summary
     * @throws IOException if a file cannot be read (malformed files are {@link org.ead4j.samediff.io.ModelFileException})
     */
    public static ModelInfo of(Path dir) throws IOException {
        HfConfig config = HfConfig.read(dir);
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            Set<Path> files = new TreeSet<>();
            for (String t : m.tensors().keySet()) {
                files.add(m.fileOf(t));
            }
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            return new ModelInfo(dir, config, m.parameterCount(), m.dtypes(), bytes);
        }
    }

    /** @return the policy configuration */
    public PolicyConfig policy() {
        return config.policy();
    }

    /** @return the stored dtype in PyTorch's spelling, e.g. "bfloat16", or "mixed(F32,BF16)" */
    public String dtype() {
        if (dtypes.size() == 1) {
            return dtypes.iterator().next().torchName();
        }
        return "mixed" + dtypes.toString().replace(" ", "").replace('[', '(').replace(']', ')');
    }

    /** @return float32 bytes of the weights in memory */
    public long weightBytes() {
        return 4L * parameters;
    }

    /**
     * Estimated memory of a KV-cache decode: float32 weights, the key/value cache for {@code batch} sequences of
     * {@code seqLen} tokens ({@code 2 * layers * kvHeads * headDim * batch * seqLen} floats), and one step's
     * activations ({@code batch * (vocab + 3 * hidden + 2 * intermediate + heads * seqLen)} floats).
     *
     * @param batch sequences decoded together
     * @param seqLen prompt + response length
     * @return bytes
     */
    public long decodeBytes(int batch, int seqLen) {
        PolicyConfig c = policy();
        long kv = 2L * c.numLayers() * c.numKvHeads() * c.headDim() * batch * seqLen;
        long act = (long) batch * (c.vocabSize() + 3L * c.dModel() + 2L * c.ffnWidth() + (long) c.numHeads() * seqLen);
        return weightBytes() + 4L * (kv + act);
    }

    /**
     * Estimated memory of one training step (full fine-tuning with AdamW): weights, gradients and both moments
     * ({@code 16} bytes per parameter) plus the activations the backward pass keeps: per layer and token
     * {@code 4 * hidden + 2 * heads * headDim + 2 * kvHeads * headDim + 2 * heads * seqLen + 3 * intermediate} floats,
     * and {@code 5 * vocab} floats per token for the logits, log-softmax, tempered log-softmax and their gradients.
     *
     * @param batch sequences per step
     * @param seqLen tokens per sequence
     * @return bytes
     */
    public long trainingStepBytes(int batch, int seqLen) {
        PolicyConfig c = policy();
        long tokens = (long) batch * seqLen;
        long perLayer = 4L * c.dModel() + 2L * c.numHeads() * c.headDim() + 2L * c.numKvHeads() * c.headDim()
                + 2L * c.numHeads() * seqLen + 3L * c.ffnWidth();
        long act = tokens * (c.numLayers() * perLayer + 5L * c.vocabSize());
        return 16L * parameters + 4L * act;
    }

    /**
     * The summary as JSON ({@code ead model info --json}); the parameter count is under {@code "parameters"}.
     *
     * @param batch batch size of the memory estimates
     * @param seqLen sequence length of the memory estimates
     * @return the JSON object
     */
    public ObjectNode toJson(int batch, int seqLen) {
        PolicyConfig c = policy();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("path", dir.toString());
        o.put("architecture", c.architecture().hfClass());
        o.put("model_type", c.architecture().modelType());
        o.put("parameters", parameters);
        o.put("dtype", dtype());
        o.put("file_bytes", fileBytes);
        o.put("vocab_size", c.vocabSize());
        o.put("context", c.maxSeqLen());
        o.put("hidden_size", c.dModel());
        o.put("layers", c.numLayers());
        o.put("heads", c.numHeads());
        o.put("kv_heads", c.numKvHeads());
        o.put("head_dim", c.headDim());
        o.put("intermediate_size", c.ffnWidth());
        o.put("tied", c.tiedEmbeddings());
        if (config.bosId() != null) {
            o.put("bos_token_id", config.bosId());
        }
        ArrayNode eos = o.putArray("eos_token_ids");
        config.eosIds().forEach(eos::add);
        ObjectNode mem = o.putObject("memory_bytes");
        mem.put("batch", batch);
        mem.put("seq_len", seqLen);
        mem.put("weights_float32", weightBytes());
        mem.put("decode", decodeBytes(batch, seqLen));
        mem.put("training_step", trainingStepBytes(batch, seqLen));
        return o;
    }

    /**
     * The summary as text lines ({@code ead model info}).
     *
     * @param batch batch size of the memory estimates
     * @param seqLen sequence length of the memory estimates
     * @return the lines
     */
    public List<String> toLines(int batch, int seqLen) {
        PolicyConfig c = policy();
        return List.of(
                "architecture  " + c.architecture().hfClass(),
                "parameters    " + parameters,
                "dtype         " + dtype() + " (" + fileBytes + " bytes in files)",
                "vocabulary    " + c.vocabSize(),
                "context       " + c.maxSeqLen(),
                "shape         hidden " + c.dModel() + ", layers " + c.numLayers() + ", heads " + c.numHeads() + " / kv "
                        + c.numKvHeads() + ", head_dim " + c.headDim() + ", intermediate " + c.ffnWidth()
                        + (c.tiedEmbeddings() ? ", tied" : ", untied"),
                "memory        decode B=" + batch + " T=" + seqLen + ": " + mib(decodeBytes(batch, seqLen))
                        + "; training step: " + mib(trainingStepBytes(batch, seqLen)) + " (estimates, float32)");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
