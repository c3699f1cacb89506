package org.ead4j.samediff.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of a model folder: {@code model.safetensors}, or shards listed by {@code model.safetensors.index.json}
 * ({@code {"metadata": {"total_size": N}, "weight_map": {tensor: shard file}}}), opened as one set of tensors.
 * Only the headers are read on {@link #open}; {@link #read} maps one tensor at a time.
 *
 * <p>{@link #write} produces the same layout: one file up to a size threshold, else
 * {@code model-00001-of-0000N.safetensors} shards in tensor order with the index.
 */
public final class SafetensorsModel implements AutoCloseable {

    /** Single-file weights name. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** Shard index name. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** Default largest shard: transformers' save_pretrained default max_shard_size of 5 GB. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;

    private SafetensorsModel(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.dir = dir;
        this.files = files;
        this.byTensor = byTensor;
    }

    /**
     * Opens the weights of a model folder (the index when present, else {@code model.safetensors}), or a single
     * .safetensors file.
     *
     * @param path a folder or a .safetensors file
     * @return the open weights (close them)
     * @throws ModelFileException if a file is missing, malformed, or the index and the shards disagree
     * @throws IOException if a file cannot be read
     */
    public static SafetensorsModel open(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            SafetensorsFile f = SafetensorsFile.open(path);
            Map<String, SafetensorsFile> by = new LinkedHashMap<>();
            f.tensors().keySet().forEach(n -> by.put(n, f));
            return new SafetensorsModel(path.getParent(), List.of(f), by);
        }
        Path index = path.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(path, index);
        }
        Path single = path.resolve(SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            throw new ModelFileException(path, null, "holds neither " + SINGLE_FILE + " nor " + INDEX_FILE);
        }
        return open(single);
    }

    private static SafetensorsModel openSharded(Path dir, Path index) throws IOException {
        JsonNode root;
        try {
            ObjectMapper om = new ObjectMapper();
            om.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = om.readTree(index.toFile());
        } catch (IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            throw new ModelFileException(index, null, (m != null && m.startsWith("Duplicate field") ? "weight_map lists a tensor twice: "
                    : "is not valid JSON: ") + String.valueOf(m).replaceAll("\\s+", " "));
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new ModelFileException(index, null, "has no weight_map object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = wm.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFileException(index, e.getKey(), "weight_map value is not a file name");
            }
            String shard = e.getValue().asText();
            if (shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw new ModelFileException(index, e.getKey(), "shard '" + shard + "' is not a file name in this folder");
            }
            map.put(e.getKey(), shard);
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (!shards.containsKey(e.getValue())) {
                    Path shardPath = dir.resolve(e.getValue());
                    if (!Files.isRegularFile(shardPath)) {
                        throw new ModelFileException(index, e.getKey(), "names shard " + e.getValue() + ", which does not exist");
                    }
                    SafetensorsFile f = SafetensorsFile.open(shardPath);
                    opened.add(f);
                    shards.put(e.getValue(), f);
                }
            }
            Map<String, SafetensorsFile> by = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : map.entrySet()) {
                SafetensorsFile f = shards.get(e.getValue());
                if (!f.tensors().containsKey(e.getKey())) {
                    throw new ModelFileException(f.path(), e.getKey(), "listed for this shard in " + INDEX_FILE + " but absent from it");
                }
                by.put(e.getKey(), f);
            }
            for (SafetensorsFile f : opened) {
                for (String name : f.tensors().keySet()) {
                    SafetensorsFile owner = by.get(name);
                    if (owner == null) {
                        throw new ModelFileException(f.path(), name, "not listed in " + INDEX_FILE);
                    }
                    if (owner != f) {
                        throw new ModelFileException(f.path(), name, "listed twice: also in " + owner.path().getFileName());
                    }
                }
            }
            return new SafetensorsModel(dir, opened, by);
        } catch (RuntimeException | IOException e) {
            for (SafetensorsFile f : opened) {
                f.close();
            }
            throw e;
        }
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @return every tensor's header entry by name */
    public Map<String, SafetensorsFile.TensorInfo> tensors() {
        Map<String, SafetensorsFile.TensorInfo> out = new LinkedHashMap<>();
        byTensor.forEach((n, f) -> out.put(n, f.tensors().get(n)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param name a tensor
     * @return the file holding it, or null
     */
    public Path fileOf(String name) {
        SafetensorsFile f = byTensor.get(name);
        return f == null ? null : f.path();
    }

    /** @return the number of weights in the files (sum of every tensor's element count) */
    public long parameterCount() {
        long n = 0;
        for (SafetensorsFile.TensorInfo t : tensors().values()) {
            n += t.numel();
        }
        return n;
    }

    /** @return the element types present */
    public Set<SafetensorsDtype> dtypes() {
        Set<SafetensorsDtype> out = EnumSet.noneOf(SafetensorsDtype.class);
        for (SafetensorsFile.TensorInfo t : tensors().values()) {
            out.add(t.dtype());
        }
        return out;
    }

    /**
     * Reads one tensor as a new float32 array.
     *
     * @param name the tensor
     * @return the array
     * @throws ModelFileException if no file holds it or its dtype is not supported
     * @throws IOException if a file cannot be read
     */
    public INDArray read(String name) throws IOException {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFileException(files.isEmpty() ? dir : files.get(0).path(), name, "no such tensor in the model files");
        }
        return f.read(name);
    }

    /**
     * Raw bytes of one tensor, as stored.
     *
     * @param name the tensor
     * @return its bytes
     * @throws IOException if a file cannot be read
     */
    public byte[] rawBytes(String name) throws IOException {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFileException(dir, name, "no such tensor in the model files");
        }
        return f.rawBytes(name);
    }

    @Override
    public void close() throws IOException {
        for (SafetensorsFile f : files) {
            f.close();
        }
    }

    /**
     * Writes tensors into a folder as {@code model.safetensors}, or, when they exceed {@code maxShardBytes}, as
     * shards of at most that size (a single larger tensor gets its own shard) plus the index. Stale weights files of
     * the other layout are removed, so the folder never holds both.
     *
     * @param dir the folder (created if needed)
     * @param tensors name to array, in file order
     * @param dtype F32, BF16 or F16
     * @param maxShardBytes shard size threshold in bytes of tensor data
     * @param metadata each file's {@code __metadata__}
     * @return the files written, in order
     * @throws IOException if writing fails
     */
    public static List<Path> write(Path dir, Map<String, INDArray> tensors, SafetensorsDtype dtype, long maxShardBytes,
                                   Map<String, String> metadata) throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes = " + maxShardBytes + " is invalid: must be > 0");
        }
        Files.createDirectories(dir);
        List<Map<String, INDArray>> groups = new ArrayList<>();
        Map<String, INDArray> cur = new LinkedHashMap<>();
        long curBytes = 0;
        long total = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            long b = e.getValue().length() * dtype.bytes();
            if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
                groups.add(cur);
                cur = new LinkedHashMap<>();
                curBytes = 0;
            }
            cur.put(e.getKey(), e.getValue());
            curBytes += b;
            total += b;
        }
        groups.add(cur);
        List<Path> out = new ArrayList<>();
        if (groups.size() == 1) {
            out.add(dir.resolve(SINGLE_FILE));
            SafetensorsWriter.write(out.get(0), groups.get(0), dtype, metadata);
            deleteShards(dir, List.of());
            Files.deleteIfExists(dir.resolve(INDEX_FILE));
            return out;
        }
        int n = groups.size();
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            SafetensorsWriter.write(dir.resolve(name), groups.get(i), dtype, metadata);
            out.add(dir.resolve(name));
            for (String t : groups.get(i).keySet()) {
                weightMap.put(t, name);
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.putObject("metadata").put("total_size", total);
        ObjectNode wm = root.putObject("weight_map");
        weightMap.forEach(wm::put);
        byte[] json = om.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        AtomicFiles.write(dir.resolve(INDEX_FILE), o -> o.write(json));
        Files.deleteIfExists(dir.resolve(SINGLE_FILE));
        deleteShards(dir, out);
        out.add(dir.resolve(INDEX_FILE));
        return out;
    }

    /** Removes shards of an earlier write that are not among {@code keep}. */
    private static void deleteShards(Path dir, List<Path> keep) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir, "model-*-of-*.safetensors")) {
            for (Path p : s) {
                if (!keep.contains(p)) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }
}
