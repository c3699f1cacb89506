package org.ead4j.samediff.io;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.LoraConfig;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.WeightLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads a policy (configuration + float32 weights) and its AdamW optimiser (settings, step count,
 * both moments) in one directory, so that training continues bit-identically after a load.
 *
 * <p>Layout of the directory:
 * <pre>
 * policy.properties     PolicyConfig fields
 * lora.properties       LoraConfig fields                                   (only for a LoRA policy)
 * weights.safetensors   F32 parameters by ead4j name ({@link org.ead4j.samediff.policy.WeightLayout}, [in, out] matrices;
 *                       with LoRA the frozen base and the adapters)
 * optimizer.properties  AdamW settings and stepCount                        (only with an optimiser)
 * adam_m.safetensors, adam_v.safetensors  F32 first and second moments      (only with an optimiser)
 * manifest.properties   format, version, and size + SHA-256 of every file above; written last
 * </pre>
 * The weight and moment files are plain safetensors files (docs/safetensors.md), so Python tools read them directly.
 * Checkpoints of version 1 ({@code weights.bin}, {@code adam_m.bin}, {@code adam_v.bin} in {@link NamedArraysFile}
 * format) still load.
 * Each file is written atomically (temp file, fsync, rename). Saving first removes an old manifest, so a
 * save interrupted half-way leaves a directory that {@link #load} rejects instead of mixing two states.
 */
public final class PolicyCheckpoint {

    /** The manifest's file name; its presence marks a complete checkpoint. */
    public static final String MANIFEST = "manifest.properties";
    /** Policy configuration file. */
    public static final String POLICY_FILE = "policy.properties";
    /** Weights file. */
    public static final String WEIGHTS_FILE = "weights.safetensors";
    /** LoRA settings file (LoRA policies only). */
    public static final String LORA_FILE = "lora.properties";
    /** Optimiser settings file. */
    public static final String OPTIMIZER_FILE = "optimizer.properties";
    /** First moments file. */
    public static final String ADAM_M_FILE = "adam_m.safetensors";
    /** Second moments file. */
    public static final String ADAM_V_FILE = "adam_v.safetensors";
    /** Weights file of version-1 checkpoints ({@link NamedArraysFile}). */
    public static final String LEGACY_WEIGHTS_FILE = "weights.bin";
    /** First moments file of version-1 checkpoints. */
    public static final String LEGACY_ADAM_M_FILE = "adam_m.bin";
    /** Second moments file of version-1 checkpoints. */
    public static final String LEGACY_ADAM_V_FILE = "adam_v.bin";

    private static final String FORMAT = "ead4j-policy-checkpoint";
    private static final int VERSION = 2;
    private static final int LEGACY_VERSION = 1;
    private static final Map<String, String> METADATA = Map.of("format", "pt");

    private PolicyCheckpoint() {
    }

    /**
     * A loaded checkpoint.
     *
     * @param policy the policy with the saved weights
     * @param optimizer the optimiser with its saved state, or null when none was saved
     */
    public record Loaded(PolicyTransformer policy, AdamW optimizer) {
    }

    /**
     * Writes a checkpoint into {@code dir} (created if needed; an earlier checkpoint there is replaced).
     *
     * @param dir the directory
     * @param policy the policy (FLOAT)
     * @param optimizer its optimiser, or null to save the policy alone
     * @throws IOException if a file cannot be written
     */
    public static void save(Path dir, PolicyTransformer policy, AdamW optimizer) throws IOException {
        if (policy.floatType() != DataType.FLOAT) {
            throw new IllegalArgumentException("checkpoints hold float32 weights; this policy is " + policy.floatType());
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST));
        Map<String, String> files = new LinkedHashMap<>();
        files.put(POLICY_FILE, AtomicFiles.write(dir.resolve(POLICY_FILE),
                out -> writeProperties(out, policy.config().toProperties(), "ead4j PolicyConfig")));

        if (policy.lora() != null) {
            files.put(LORA_FILE, AtomicFiles.write(dir.resolve(LORA_FILE),
                    out -> writeProperties(out, policy.lora().toProperties(), "ead4j LoraConfig")));
        } else {
            Files.deleteIfExists(dir.resolve(LORA_FILE));
        }
        files.put(WEIGHTS_FILE, SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), policy.allParameters(),
                SafetensorsDtype.F32, METADATA));
        Map<String, long[]> shapes = new LinkedHashMap<>(); // moments exist for the trainable parameters only
        policy.parameters().forEach((n, a) -> shapes.put(n, a.shape()));

        if (optimizer != null) {
            Map<String, String> opt = new LinkedHashMap<>(optimizer.toProperties());
            opt.put("stepCount", Long.toString(optimizer.stepCount()));
            files.put(OPTIMIZER_FILE, AtomicFiles.write(dir.resolve(OPTIMIZER_FILE),
                    out -> writeProperties(out, opt, "ead4j AdamW settings and step count")));
            files.put(ADAM_M_FILE, writeMoments(dir.resolve(ADAM_M_FILE), optimizer.firstMoments(), shapes));
            files.put(ADAM_V_FILE, writeMoments(dir.resolve(ADAM_V_FILE), optimizer.secondMoments(), shapes));
        }

        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("version", Integer.toString(VERSION));
        manifest.put("weightsSha256", policy.weightsSha256());
        for (Map.Entry<String, String> e : files.entrySet()) {
            manifest.put("file." + e.getKey() + ".sha256", e.getValue());
            manifest.put("file." + e.getKey() + ".bytes", Long.toString(Files.size(dir.resolve(e.getKey()))));
        }
        AtomicFiles.write(dir.resolve(MANIFEST), out -> writeProperties(out, manifest, "ead4j checkpoint manifest"));
    }

    /** Moments of the parameters that have them (none before the first step), in parameter order. */
    private static String writeMoments(Path file, Map<String, float[]> m, Map<String, long[]> shapes) throws IOException {
        Map<String, long[]> present = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (m.containsKey(e.getKey())) {
                present.put(e.getKey(), e.getValue());
            }
        }
        return SafetensorsWriter.writeFloats(file, present, m, SafetensorsDtype.F32, METADATA);
    }

    /**
     * Loads a checkpoint, verifying every file against the manifest.
     *
     * @param dir the directory written by {@link #save}
     * @return the policy and optimiser (null when none was saved)
     * @throws IOException if the directory or a file is missing, truncated, corrupt or of another format
     */
    public static Loaded load(Path dir) throws IOException {
        return load(dir, null);
    }

    /**
     * Loads a checkpoint and checks that it was written with the expected configuration.
     *
     * @param dir the directory written by {@link #save}
     * @param expected the configuration the caller expects, or null to accept any
     * @return the policy and optimiser (null when none was saved)
     * @throws IOException if the directory or a file is missing, truncated, corrupt or of another format
     * @throws IllegalArgumentException if the saved configuration differs from {@code expected} (the message
     *                                  names each differing field)
     */
    public static Loaded load(Path dir, PolicyConfig expected) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "checkpoint directory does not exist");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException("no " + MANIFEST + " in " + dir + ": not a policy checkpoint, or its save did not finish");
        }
        Map<String, String> manifest = readProperties(manifestFile);
        if (!FORMAT.equals(manifest.get("format"))) {
            throw new IOException(manifestFile + " has format '" + manifest.get("format") + "', expected '" + FORMAT + "'");
        }
        boolean legacy = Integer.toString(LEGACY_VERSION).equals(manifest.get("version"));
        if (!legacy && !Integer.toString(VERSION).equals(manifest.get("version"))) {
            throw new IOException(manifestFile + " has version " + manifest.get("version") + "; this ead4j reads versions "
                    + LEGACY_VERSION + " and " + VERSION);
        }
        String weightsFile = legacy ? LEGACY_WEIGHTS_FILE : WEIGHTS_FILE;
        String mFile = legacy ? LEGACY_ADAM_M_FILE : ADAM_M_FILE;
        String vFile = legacy ? LEGACY_ADAM_V_FILE : ADAM_V_FILE;
        for (String small : new String[]{POLICY_FILE, OPTIMIZER_FILE}) {
            checkSmall(dir.resolve(small));
        }
        verify(dir, manifest, POLICY_FILE, true);
        PolicyConfig config = parseConfig(dir);
        checkSmall(dir.resolve(LORA_FILE));
        boolean hasLora = verify(dir, manifest, LORA_FILE, false);
        LoraConfig lora = null;
        if (hasLora) {
            try {
                lora = LoraConfig.fromProperties(readProperties(dir.resolve(LORA_FILE)));
            } catch (PropertyException e) {
                throw new IOException(dir.resolve(LORA_FILE) + " holds an invalid LoRA configuration: " + e.getMessage(), e);
            }
        }
        if (expected != null) {
            List<String> diff = expected.differences(config);
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException("checkpoint " + dir + " was written with another policy configuration; "
                        + "differing fields (expected vs checkpoint): " + String.join("; ", diff));
            }
        }
        // the sizes the configuration implies are checked before anything is hashed or allocated: a weights file
        // that cannot hold the declared shapes (or shapes edited to be huge) is refused from its length alone
        verify(dir, manifest, weightsFile, true, false);
        checkArraysFileSize(dir.resolve(weightsFile), config, lora == null ? 0 : elements(lora.shapes(config)), legacy);
        verify(dir, manifest, weightsFile, true);
        boolean hasOptimizer = verify(dir, manifest, OPTIMIZER_FILE, false);
        if (hasOptimizer) {
            for (String moments : new String[]{mFile, vFile}) {
                Path f = dir.resolve(moments);
                // the moments have the weights' shapes (or fewer arrays before the first step)
                if (Files.isRegularFile(f) && Files.size(f) > Files.size(dir.resolve(weightsFile))) {
                    throw new IOException(f + " is " + Files.size(f) + " bytes, larger than " + weightsFile
                            + ": the file was changed");
                }
            }
            verify(dir, manifest, mFile, true);
            verify(dir, manifest, vFile, true);
        }

        Map<String, long[]> params = new LinkedHashMap<>(WeightLayout.shapes(config));
        Map<String, long[]> trainable = lora == null ? params : lora.shapes(config);
        if (lora != null) {
            params.putAll(trainable);
        }
        Map<String, ArrayData> stored = readArrays(dir.resolve(weightsFile), legacy);
        checkNames(dir.resolve(weightsFile), params, shapesOf(stored), true);
        Map<String, INDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, ArrayData> e : stored.entrySet()) {
            if (lora == null || !trainable.containsKey(e.getKey())) {
                weights.put(e.getKey(), e.getValue().array());
            }
        }
        PolicyTransformer policy = PolicyTransformer.withWeights(config, lora, weights);
        if (lora != null) {
            policy.parameters().forEach((n, a) -> a.assign(stored.get(n).array()));
        }
        String hash = manifest.get("weightsSha256");
        if (hash != null && !hash.equals(policy.weightsSha256())) {
            throw new IOException(dir + ": loaded weights do not match the manifest's weightsSha256");
        }

        AdamW optimizer = null;
        if (hasOptimizer) {
            Map<String, String> opt = readProperties(dir.resolve(OPTIMIZER_FILE));
            long steps;
            try {
                optimizer = AdamW.fromProperties(opt);
                steps = Long.parseLong(opt.getOrDefault("stepCount", "").trim());
            } catch (PropertyException | NumberFormatException e) {
                throw new IOException(dir.resolve(OPTIMIZER_FILE) + " is invalid: " + e.getMessage(), e);
            }
            Map<String, ArrayData> m = readArrays(dir.resolve(mFile), legacy);
            Map<String, ArrayData> v = readArrays(dir.resolve(vFile), legacy);
            checkNames(dir.resolve(mFile), trainable, shapesOf(m), steps > 0);
            checkNames(dir.resolve(vFile), trainable, shapesOf(v), steps > 0);
            optimizer.restoreState(steps, values(m), values(v));
        }
        return new Loaded(policy, optimizer);
    }

    /** One stored array: its shape and float32 values. */
    private record ArrayData(long[] shape, INDArray array) {
    }

    /** Reads a weights or moments file: safetensors (version 2) or {@link NamedArraysFile} (version 1). */
    private static Map<String, ArrayData> readArrays(Path file, boolean legacy) throws IOException {
        Map<String, ArrayData> out = new LinkedHashMap<>();
        if (legacy) {
            for (Map.Entry<String, NamedArraysFile.Entry> e : NamedArraysFile.read(file).entrySet()) {
                long[] shape = e.getValue().shape();
                out.put(e.getKey(), new ArrayData(shape, Nd4j.create(e.getValue().values(), shape, 'c')));
            }
            return out;
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.tensors().keySet()) {
                INDArray a = f.read(name);
                out.put(name, new ArrayData(a.shape(), a));
            }
        } catch (ModelFileException e) {
            throw new IOException(e.getMessage(), e); // a damaged checkpoint file, reported like the other checks
        }
        return out;
    }

    private static Map<String, long[]> shapesOf(Map<String, ArrayData> arrays) {
        Map<String, long[]> out = new LinkedHashMap<>();
        arrays.forEach((n, a) -> out.put(n, a.shape()));
        return out;
    }

    private static Map<String, float[]> values(Map<String, ArrayData> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, ArrayData> e : arrays.entrySet()) {
            out.put(e.getKey(), HostArrays.toFloats(e.getValue().array()));
        }
        return out;
    }

    private static void checkNames(Path file, Map<String, long[]> params, Map<String, long[]> arrays, boolean complete)
            throws IOException {
        for (Map.Entry<String, long[]> e : arrays.entrySet()) {
            long[] p = params.get(e.getKey());
            if (p == null) {
                throw new IOException(file + " holds array '" + e.getKey() + "', which the configuration has no parameter for");
            }
            if (!Arrays.equals(p, e.getValue())) {
                throw new IOException(file + ": array '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue())
                        + " but the configuration expects " + Arrays.toString(p));
            }
        }
        if (complete) {
            List<String> missing = new ArrayList<>(params.keySet());
            missing.removeAll(arrays.keySet());
            if (!missing.isEmpty()) {
                throw new IOException(file + " lacks arrays for parameters " + missing);
            }
        }
    }

    /** Checks presence, size and SHA-256 of one file; returns whether the manifest lists it. */
    private static boolean verify(Path dir, Map<String, String> manifest, String name, boolean required) throws IOException {
        return verify(dir, manifest, name, required, true);
    }

    /** Like {@link #verify(Path, Map, String, boolean)}; with {@code hash} false only the recorded size is checked. */
    private static boolean verify(Path dir, Map<String, String> manifest, String name, boolean required, boolean hash)
            throws IOException {
        String sha = manifest.get("file." + name + ".sha256");
        String bytes = manifest.get("file." + name + ".bytes");
        if (sha == null || bytes == null) {
            if (required) {
                throw new IOException(dir.resolve(MANIFEST) + " does not list " + name + "; the checkpoint is incomplete");
            }
            return false;
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file listed in the manifest is missing");
        }
        long size = Files.size(file);
        long expected;
        try {
            expected = Long.parseLong(bytes.trim());
        } catch (NumberFormatException e) {
            throw new IOException(dir.resolve(MANIFEST) + " is corrupt: size of " + name + " is '" + bytes + "'");
        }
        if (size != expected) {
            throw new IOException(file + " is " + size + " bytes but the manifest records " + expected
                    + (size < expected ? ": the file is truncated" : ": the file was modified"));
        }
        if (!hash) {
            return true;
        }
        String actual = AtomicFiles.sha256(file);
        if (!actual.equals(sha.trim())) {
            throw new IOException(file + " fails its SHA-256 check (manifest " + sha + ", file " + actual + "): the file is corrupt");
        }
        return true;
    }

    private static void writeProperties(java.io.OutputStream out, Map<String, String> values, String comment) throws IOException {
        // sorted, without Properties.store's timestamp comment, so equal content gives equal bytes
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write("# " + comment + "\n");
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            w.write(e.getKey() + "=" + e.getValue() + "\n");
        }
        w.flush();
    }

    /** Largest policy.properties / optimizer.properties read. */
    private static final long MAX_PROPERTIES_BYTES = 1 << 20;

    /**
     * The policy configuration a checkpoint declares, read without verifying or loading its arrays, so a
     * caller can check its size against the memory available before {@link #load}.
     *
     * @param dir the checkpoint directory
     * @return the declared configuration
     * @throws IOException if {@code policy.properties} is missing, too large or invalid
     */
    public static PolicyConfig readConfig(Path dir) throws IOException {
        checkSmall(dir.resolve(POLICY_FILE));
        return parseConfig(dir);
    }

    private static PolicyConfig parseConfig(Path dir) throws IOException {
        try {
            return PolicyConfig.fromProperties(readProperties(dir.resolve(POLICY_FILE)));
        } catch (PropertyException e) {
            throw new IOException(dir.resolve(POLICY_FILE) + " holds an invalid configuration: " + e.getMessage(), e);
        }
    }

    private static void checkSmall(Path file) throws IOException {
        if (Files.exists(file) && (!Files.isRegularFile(file) || Files.size(file) > MAX_PROPERTIES_BYTES)) {
            throw new IOException(file + " is " + (Files.isRegularFile(file) ? Files.size(file) + " bytes" : "not a file")
                    + "; a checkpoint's properties file is a small text file (at most " + MAX_PROPERTIES_BYTES + " bytes)");
        }
    }

    /**
     * Refuses an arrays file whose length differs from what the configuration's shapes need. A quick
     * upper bound on the parameter count comes first, so shapes edited to be huge are refused without
     * enumerating them.
     */
    private static long elements(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] shape : shapes.values()) {
            long k = 1;
            for (long x : shape) {
                k *= x;
            }
            n += k;
        }
        return n;
    }

    private static void checkArraysFileSize(Path file, PolicyConfig config, long adapterParams, boolean legacy)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            return; // verify() names the missing file
        }
        long size = Files.size(file);
        // at least the MLP (up and down) of every layer and the token embedding, 4 bytes each, whatever else the
        // architecture adds
        double floor = 4 * ((double) config.numLayers() * 2 * config.dModel() * config.ffnWidth()
                + (double) config.vocabSize() * config.dModel());
        if (floor > size) {
            throw new IOException(file + " is " + size + " bytes, too small for the declared policy (numLayers "
                    + config.numLayers() + ", dModel " + config.dModel() + ", ffnWidth " + config.ffnWidth() + ", vocabSize "
                    + config.vocabSize() + "): the file or policy.properties was changed");
        }
        if (!legacy) {
            // safetensors: an 8-byte length, a JSON header of bounded size, then 4 bytes per float32 parameter
            double data = 4.0 * (WeightLayout.parameterCount(config) + adapterParams);
            if (data + 8 > size || size - data > 8 + SafetensorsFile.MAX_HEADER_BYTES) {
                throw new IOException(file + " is " + size + " bytes but the declared policy's " + (long) (data / 4)
                        + " float32 parameters need " + (long) data + " bytes plus a header: the file or "
                        + "policy.properties was changed");
            }
            return;
        }
        long expected;
        try {
            expected = NamedArraysFile.sizeOf(WeightLayout.shapes(config));
        } catch (ArithmeticException e) {
            expected = -1; // shapes beyond any file
        }
        if (expected != size) {
            throw new IOException(file + " is " + size + " bytes but the declared policy's shapes need " + expected
                    + ": the file or policy.properties was changed");
        }
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file);
             Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid properties file: " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }
}
