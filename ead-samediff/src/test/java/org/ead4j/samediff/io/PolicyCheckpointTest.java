package org.ead4j.samediff.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ead4j.samediff.nd.HostArrays;
import org.ead4j.samediff.policy.AdamW;
import org.ead4j.samediff.policy.GradientResult;
import org.ead4j.samediff.policy.NormKind;
import org.ead4j.samediff.policy.PolicyConfig;
import org.ead4j.samediff.policy.PolicyTransformer;
import org.ead4j.samediff.policy.PositionKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PolicyCheckpointTest {

    private static final PolicyConfig CFG =
            new PolicyConfig(9, 16, 2, 2, 24, 12, NormKind.RMS_NORM, PositionKind.ROTARY, true, 3);

    /** Sum of logProbs as loss (any differentiable loss works for bit-exactness). */
    private static void addLoss(PolicyTransformer p) {
        SDVariable loss = p.logProbs().mean().neg().rename("loss");
        p.setLoss(loss);
    }

    private static Map<String, INDArray> batch(int step) {
        SplittableRandom rnd = new SplittableRandom(100 + step);
        int[][] tok = new int[4][8];
        int[][] tgt = new int[4][8];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 8; j++) {
                tok[i][j] = rnd.nextInt(9);
                tgt[i][j] = rnd.nextInt(9);
            }
        }
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PolicyTransformer.TOKENS, Nd4j.createFromArray(tok));
        ph.put(PolicyTransformer.TARGETS, Nd4j.createFromArray(tgt));
        return ph;
    }

    private static void train(PolicyTransformer p, AdamW opt, int from, int to) {
        for (int s = from; s < to; s++) {
            GradientResult g = p.gradients(batch(s));
            opt.step(p.parameters(), g.gradients());
        }
    }

    @Test
    void saveLoadContinuesBitIdentically(@TempDir Path dir) throws IOException {
        int n = 6;
        PolicyTransformer straight = new PolicyTransformer(CFG);
        addLoss(straight);
        AdamW optA = new AdamW(3e-3, 0.9, 0.99, 1e-8, 0.01, 0.5);
        train(straight, optA, 0, n);

        PolicyTransformer first = new PolicyTransformer(CFG);
        addLoss(first);
        AdamW optB = new AdamW(3e-3, 0.9, 0.99, 1e-8, 0.01, 0.5);
        train(first, optB, 0, n / 2);
        String midHash = first.weightsSha256();
        PolicyCheckpoint.save(dir, first, optB);

        PolicyCheckpoint.Loaded loaded = PolicyCheckpoint.load(dir, CFG);
        assertEquals(CFG, loaded.policy().config());
        assertEquals(midHash, loaded.policy().weightsSha256());
        assertEquals(n / 2, loaded.optimizer().stepCount());
        assertEquals(optB.toProperties(), loaded.optimizer().toProperties());
        for (String name : optB.firstMoments().keySet()) {
            assertArrayEquals(optB.firstMoments().get(name), loaded.optimizer().firstMoments().get(name), 0f, name);
            assertArrayEquals(optB.secondMoments().get(name), loaded.optimizer().secondMoments().get(name), 0f, name);
        }
        addLoss(loaded.policy());
        train(loaded.policy(), loaded.optimizer(), n / 2, n);

        assertNotEquals(midHash, straight.weightsSha256());
        assertEquals(straight.weightsSha256(), loaded.policy().weightsSha256(), "continuation after load is not bit-identical");
        for (Map.Entry<String, INDArray> e : straight.parameters().entrySet()) {
            assertArrayEquals(HostArrays.toFloats(e.getValue()), HostArrays.toFloats(loaded.policy().parameters().get(e.getKey())),
                    0f, e.getKey());
        }
    }

    @Test
    void policyWithoutOptimizer(@TempDir Path dir) throws IOException {
        PolicyTransformer p = new PolicyTransformer(CFG.withInitSeed(8));
        PolicyCheckpoint.save(dir, p, null);
        PolicyCheckpoint.Loaded l = PolicyCheckpoint.load(dir);
        assertNull(l.optimizer());
        assertEquals(p.weightsSha256(), l.policy().weightsSha256());
        // saving again over an existing checkpoint replaces it
        PolicyTransformer q = new PolicyTransformer(CFG.withInitSeed(9));
        PolicyCheckpoint.save(dir, q, new AdamW(1e-3));
        assertEquals(q.weightsSha256(), PolicyCheckpoint.load(dir).policy().weightsSha256());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    @Test
    void otherConfigIsRejectedNamingTheField(@TempDir Path dir) throws IOException {
        PolicyCheckpoint.save(dir, new PolicyTransformer(CFG), new AdamW(1e-3));
        PolicyConfig other = new PolicyConfig(9, 16, 4, 2, 24, 12, NormKind.RMS_NORM, PositionKind.ROTARY, true, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyCheckpoint.load(dir, other));
        assertTrue(e.getMessage().contains("numHeads: 4 vs 2"), e.getMessage());
    }

    @Test
    void truncatedCorruptAndMissingFilesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("ckpt");
        PolicyTransformer p = new PolicyTransformer(CFG);
        PolicyCheckpoint.save(ckpt, p, new AdamW(1e-3));

        IOException missingDir = assertThrows(IOException.class, () -> PolicyCheckpoint.load(dir.resolve("nope")));
        assertTrue(missingDir.getMessage().contains("nope"), missingDir.getMessage());

        Path weights = ckpt.resolve(PolicyCheckpoint.WEIGHTS_FILE);
        byte[] original = Files.readAllBytes(weights);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.truncate(original.length / 2);
        }
        IOException truncated = assertThrows(IOException.class, () -> PolicyCheckpoint.load(ckpt));
        assertTrue(truncated.getMessage().contains("truncated") && truncated.getMessage().contains(PolicyCheckpoint.WEIGHTS_FILE),
                truncated.getMessage());

        byte[] flipped = original.clone();
        flipped[flipped.length - 3] ^= 0x10;
        Files.write(weights, flipped);
        IOException corrupt = assertThrows(IOException.class, () -> PolicyCheckpoint.load(ckpt));
        assertTrue(corrupt.getMessage().contains("SHA-256"), corrupt.getMessage());

        Files.write(weights, original);
        assertEquals(p.weightsSha256(), PolicyCheckpoint.load(ckpt).policy().weightsSha256());

        Files.delete(ckpt.resolve(PolicyCheckpoint.ADAM_V_FILE));
        IOException missing = assertThrows(IOException.class, () -> PolicyCheckpoint.load(ckpt));
        assertTrue(missing.getMessage().contains(PolicyCheckpoint.ADAM_V_FILE), missing.getMessage());

        Files.delete(ckpt.resolve(PolicyCheckpoint.MANIFEST));
        IOException noManifest = assertThrows(IOException.class, () -> PolicyCheckpoint.load(ckpt));
        assertTrue(noManifest.getMessage().contains("manifest"), noManifest.getMessage());
    }

    @Test
    void doublePolicyCannotBeSaved(@TempDir Path dir) {
        PolicyTransformer p = new PolicyTransformer(CFG, DataType.DOUBLE);
        assertThrows(IllegalArgumentException.class, () -> PolicyCheckpoint.save(dir, p, null));
    }

    @Test
    void weightAndMomentFilesAreSafetensors(@TempDir Path dir) throws IOException {
        PolicyTransformer p = new PolicyTransformer(CFG);
        AdamW opt = new AdamW(1e-3);
        addLoss(p);
        train(p, opt, 0, 1);
        PolicyCheckpoint.save(dir, p, opt);
        try (SafetensorsFile w = SafetensorsFile.open(dir.resolve("weights.safetensors"));
             SafetensorsFile m = SafetensorsFile.open(dir.resolve("adam_m.safetensors"))) {
            assertEquals(p.parameters().keySet(), w.tensors().keySet());
            for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
                assertEquals(SafetensorsDtype.F32, w.tensors().get(e.getKey()).dtype());
                assertEquals(e.getValue(), w.read(e.getKey()), e.getKey());
                assertArrayEquals(opt.firstMoments().get(e.getKey()), HostArrays.toFloats(m.read(e.getKey())), e.getKey());
            }
        }
    }

    /** A checkpoint of version 1 (NamedArraysFile weights and moments) written before safetensors still loads. */
    @Test
    void version1CheckpointsStillLoad(@TempDir Path dir) throws IOException {
        PolicyTransformer p = new PolicyTransformer(CFG);
        AdamW opt = new AdamW(1e-3);
        addLoss(p);
        train(p, opt, 0, 1);
        Path v1 = dir.resolve("v1");
        Files.createDirectories(v1);
        Map<String, NamedArraysFile.Entry> w = new java.util.LinkedHashMap<>();
        Map<String, NamedArraysFile.Entry> m = new java.util.LinkedHashMap<>();
        Map<String, NamedArraysFile.Entry> v = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : p.parameters().entrySet()) {
            w.put(e.getKey(), new NamedArraysFile.Entry(e.getValue().shape(), HostArrays.toFloats(e.getValue())));
            m.put(e.getKey(), new NamedArraysFile.Entry(e.getValue().shape(), opt.firstMoments().get(e.getKey())));
            v.put(e.getKey(), new NamedArraysFile.Entry(e.getValue().shape(), opt.secondMoments().get(e.getKey())));
        }
        Map<String, String> manifest = new java.util.TreeMap<>();
        manifest.put("format", "ead4j-policy-checkpoint");
        manifest.put("version", "1");
        manifest.put("weightsSha256", p.weightsSha256());
        Map<String, AtomicFiles.Writer> files = new java.util.LinkedHashMap<>();
        files.put("policy.properties", out -> props(out, p.config().toProperties()));
        Map<String, String> optProps = new java.util.LinkedHashMap<>(opt.toProperties());
        optProps.put("stepCount", Long.toString(opt.stepCount()));
        files.put("optimizer.properties", out -> props(out, optProps));
        files.put("weights.bin", out -> NamedArraysFile.write(out, w));
        files.put("adam_m.bin", out -> NamedArraysFile.write(out, m));
        files.put("adam_v.bin", out -> NamedArraysFile.write(out, v));
        for (Map.Entry<String, AtomicFiles.Writer> f : files.entrySet()) {
            manifest.put("file." + f.getKey() + ".sha256", AtomicFiles.write(v1.resolve(f.getKey()), f.getValue()));
            manifest.put("file." + f.getKey() + ".bytes", Long.toString(Files.size(v1.resolve(f.getKey()))));
        }
        AtomicFiles.write(v1.resolve(PolicyCheckpoint.MANIFEST), out -> props(out, manifest));

        PolicyCheckpoint.Loaded old = PolicyCheckpoint.load(v1, CFG);
        assertEquals(p.weightsSha256(), old.policy().weightsSha256());
        assertEquals(opt.stepCount(), old.optimizer().stepCount());
        for (String n : p.parameters().keySet()) {
            assertArrayEquals(opt.secondMoments().get(n), old.optimizer().secondMoments().get(n), n);
        }
    }

    private static void props(java.io.OutputStream out, Map<String, String> values) throws IOException {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(values).forEach((k, val) -> sb.append(k).append('=').append(val).append('\n'));
        out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
