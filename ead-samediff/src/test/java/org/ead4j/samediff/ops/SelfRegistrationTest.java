package org.ead4j.samediff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The custom ops register themselves: a fresh JVM that never calls any ead4j set-up can build a
 * graph holding them, and load one saved elsewhere, and gets the same outputs (before, loading
 * failed with "No op known" and running reached libnd4j with an unknown op, a JVM crash).
 */
class SelfRegistrationTest {

    @TempDir
    Path tmp;

    /** Runs the probe in a new JVM; returns its whole output, after checking it exited 0 with a result line. */
    private static String freshOutput(List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FreshJvmProbe.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe failed (exit " + p.exitValue() + "):\n" + text);
        return text;
    }

    private static String result(String output) {
        return output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result line:\n" + output)).substring(7);
    }

    @Test
    void aFreshJvmBuildsAndLoadsGraphsWithEadOpsWithoutSetUp() throws Exception {
        SameDiff sd = FreshJvmProbe.graph();
        String expected = FreshJvmProbe.outputs(sd);
        File saved = tmp.resolve("ops.fb").toFile();
        sd.save(saved, false);
        String build = freshOutput(List.of("-Xlog:class+load=info"), "build");
        assertEquals(expected, result(build));
        assertEquals(expected, result(freshOutput(List.of(), "load", saved.getPath())));
        // one jar for both backends: on CPU the CPU executioner is installed and no CUDA class is ever loaded
        assertTrue(build.contains("org.ead4j.samediff.compat.CpuJavaOpExecutioner"), "CPU executioner loaded");
        assertFalse(build.contains("CudaJavaOpExecutioner") || build.contains("org.nd4j.linalg.jcublas."),
                "a CUDA class was loaded on the CPU backend");
    }
}
